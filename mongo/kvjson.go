package mongo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// jsonToBSON turns a JSON text (already checked by package kv) into the
// BSON value a Python hexkit JSON store writes: objects as documents in
// their order, arrays, strings, integers as int32 or int64 (as pymongo
// does), other numbers as doubles, booleans and null.
func jsonToBSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return jsonValue(dec)
}

func jsonValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			a := bson.A{}
			for dec.More() {
				v, err := jsonValue(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token()
			return a, err
		}
		d := bson.D{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := jsonValue(dec)
			if err != nil {
				return nil, err
			}
			d = append(d, bson.E{Key: k.(string), Value: v})
		}
		_, err := dec.Token()
		return d, err
	case json.Number:
		if n, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			if n >= math.MinInt32 && n <= math.MaxInt32 {
				return int32(n), nil
			}
			return n, nil
		}
		return t.Float64()
	default:
		return t, nil // string, bool, nil
	}
}

// appendJSON appends the JSON text of a BSON value read back from a store.
func appendJSON(dst []byte, v bson.RawValue) ([]byte, error) {
	switch v.Type {
	case bson.TypeEmbeddedDocument:
		elems, err := v.Document().Elements()
		if err != nil {
			return nil, err
		}
		dst = append(dst, '{')
		for i, e := range elems {
			if i > 0 {
				dst = append(dst, ',')
			}
			k, _ := json.Marshal(e.Key())
			dst = append(dst, k...)
			dst = append(dst, ':')
			if dst, err = appendJSON(dst, e.Value()); err != nil {
				return nil, err
			}
		}
		return append(dst, '}'), nil
	case bson.TypeArray:
		vals, err := v.Array().Values()
		if err != nil {
			return nil, err
		}
		dst = append(dst, '[')
		for i, e := range vals {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, err = appendJSON(dst, e); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	case bson.TypeString:
		s, _ := json.Marshal(v.StringValue())
		return append(dst, s...), nil
	case bson.TypeInt32:
		return strconv.AppendInt(dst, int64(v.Int32()), 10), nil
	case bson.TypeInt64:
		return strconv.AppendInt(dst, v.Int64(), 10), nil
	case bson.TypeDouble:
		f := v.Double()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, errors.New("a NaN or infinite number has no JSON form")
		}
		return strconv.AppendFloat(dst, f, 'g', -1, 64), nil
	case bson.TypeBoolean:
		return strconv.AppendBool(dst, v.Boolean()), nil
	case bson.TypeNull:
		return append(dst, "null"...), nil
	}
	return nil, fmt.Errorf("a BSON %v has no JSON form", v.Type)
}
