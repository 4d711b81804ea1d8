// Package jsoncheck holds the one rule on JSON values that hexkit stores
// as MongoDB documents (key-value entries of kv.FormatJSON, the payloads of
// an outbox's persistent events), so that every provider refuses what
// MongoDB or FerretDB would refuse or change.
package jsoncheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Check refuses a JSON value that a document database would refuse,
// so that every provider refuses it (MongoDB stores JSON values as
// documents, in the layout other hexkit services read): text that is not
// valid JSON or not valid UTF-8, an object key that starts with '$' or
// holds '.' or NUL, a key twice in one object, an integer outside the
// int64 range, a number outside the float64 range, an array directly
// inside an array (FerretDB stores no nested arrays).
func Check(b []byte) error {
	if !utf8.Valid(b) || !json.Valid(b) {
		return errors.New("not valid JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return checkJSONValue(dec, false)
}

// checkJSONValue checks the value that starts at dec's next token, an
// element of an array when inArray.
func checkJSONValue(dec *json.Decoder, inArray bool) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		var keys map[string]bool
		if t == '{' {
			keys = map[string]bool{}
		} else if inArray {
			return errors.New("an array directly inside an array (FerretDB stores no nested arrays)")
		}
		for dec.More() {
			if keys != nil {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				if err := checkObjectKey(k.(string), keys); err != nil {
					return err
				}
			}
			if err := checkJSONValue(dec, keys == nil); err != nil {
				return err
			}
		}
		_, err := dec.Token() // the closing delimiter
		return err
	case json.Number:
		return checkNumber(string(t))
	}
	return nil
}

func checkObjectKey(key string, seen map[string]bool) error {
	switch {
	case strings.HasPrefix(key, "$") || strings.ContainsAny(key, ".\x00"):
		return errors.New("object key " + strconv.Quote(key) + " starts with '$' or holds '.' or NUL")
	case seen[key]:
		return errors.New("object key " + strconv.Quote(key) + " appears twice in one object")
	}
	seen[key] = true
	return nil
}

// checkNumber refuses an integer outside the int64 range and a number
// outside the float64 range (BSON has no other numbers).
func checkNumber(n string) error {
	if !strings.ContainsAny(n, ".eE") {
		if _, err := strconv.ParseInt(n, 10, 64); err != nil {
			return errors.New("integer " + n + " outside the int64 range")
		}
		return nil
	}
	if _, err := strconv.ParseFloat(n, 64); err != nil {
		return errors.New("number " + n + " outside the float64 range")
	}
	return nil
}
