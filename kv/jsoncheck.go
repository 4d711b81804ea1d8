package kv

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// checkJSON refuses a JSON value that a document database would refuse or
// alter, so that every provider refuses it (MongoDB stores JSON values as
// documents, in the layout other hexkit services read): text that is not
// valid JSON or not valid UTF-8, an object key that starts with '$' or
// holds '.' or NUL, an integer outside the int64 range.
func checkJSON(b []byte) error {
	if !utf8.Valid(b) || !json.Valid(b) {
		return errors.New("not valid JSON")
	}
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			end := stringEnd(b, i)
			if isKey(b, end) {
				if err := checkKey(b[i : end+1]); err != nil {
					return err
				}
			}
			i = end
		case c == '-' || (c >= '0' && c <= '9'):
			j := i
			integer := true
			for j < len(b) && strings.IndexByte("+-0123456789.eE", b[j]) >= 0 {
				if b[j] == '.' || b[j] == 'e' || b[j] == 'E' {
					integer = false
				}
				j++
			}
			if integer {
				if _, err := strconv.ParseInt(string(b[i:j]), 10, 64); err != nil {
					return errors.New("integer " + string(b[i:j]) + " outside the int64 range")
				}
			}
			i = j - 1
		}
	}
	return nil
}

// stringEnd returns the index of the closing quote of the string opening
// at b[i].
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return len(b) - 1
}

// isKey reports whether the string ending at b[end] is an object key: the
// next non-space byte is ':'.
func isKey(b []byte, end int) bool {
	for j := end + 1; j < len(b); j++ {
		switch b[j] {
		case ' ', '\t', '\n', '\r':
			continue
		case ':':
			return true
		}
		return false
	}
	return false
}

func checkKey(quoted []byte) error {
	key := string(quoted[1 : len(quoted)-1])
	if strings.IndexByte(key, '\\') >= 0 {
		if err := json.Unmarshal(quoted, &key); err != nil {
			return err
		}
	}
	if strings.HasPrefix(key, "$") || strings.ContainsAny(key, ".\x00") {
		return errors.New("object key " + strconv.Quote(key) + " starts with '$' or holds '.' or NUL")
	}
	return nil
}
