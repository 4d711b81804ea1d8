package mongo

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"sync"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"github.com/hexkit-go/hexkit/dao/driver"
)

// newRegistry returns the BSON registry every DAO encodes with: the
// driver's defaults, plus uuid.UUID stored as its canonical string (the
// form JSON uses too, portable across languages and readable in the shell),
// and read from a string or from a binary UUID (subtype 4, as Python
// hexkit stores UUID fields).
func newRegistry() *bson.Registry {
	r := bson.NewRegistry()
	t := reflect.TypeFor[uuid.UUID]()
	r.RegisterTypeEncoder(t, bson.ValueEncoderFunc(func(_ bson.EncodeContext, vw bson.ValueWriter, v reflect.Value) error {
		return vw.WriteString(v.Interface().(uuid.UUID).String())
	}))
	r.RegisterTypeDecoder(t, bson.ValueDecoderFunc(func(_ bson.DecodeContext, vr bson.ValueReader, v reflect.Value) error {
		switch vr.Type() {
		case bson.TypeNull:
			v.Set(reflect.Zero(t))
			return vr.ReadNull()
		case bson.TypeBinary:
			// As Python hexkit (pymongo) stores a UUID.
			data, sub, err := vr.ReadBinary()
			if err != nil {
				return err
			}
			if sub != bson.TypeBinaryUUID || len(data) != 16 {
				return fmt.Errorf("mongo: binary subtype %d of %d bytes is not a UUID", sub, len(data))
			}
			v.Set(reflect.ValueOf(uuid.UUID(data)))
			return nil
		}
		s, err := vr.ReadString()
		if err != nil {
			return err
		}
		u, err := uuid.Parse(s)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(u))
		return nil
	}))
	return r
}

// codec encodes and decodes documents of one type. The id field's key is
// renamed to _id on the way in and back on the way out.
type codec struct {
	reg   *bson.Registry
	idKey string
	bufs  sync.Pool
}

// encoder is a pooled encoder writing into its own buffer.
type encoder struct {
	buf *bytes.Buffer
	enc *bson.Encoder
}

func (c *codec) encode(doc any) (bson.Raw, error) {
	e, _ := c.bufs.Get().(*encoder)
	if e == nil {
		e = &encoder{buf: new(bytes.Buffer)}
		e.enc = bson.NewEncoder(bson.NewDocumentWriter(e.buf))
		e.enc.SetRegistry(c.reg)
		e.enc.UseJSONStructTags()
	}
	e.buf.Reset()
	if err := e.enc.Encode(doc); err != nil {
		// The writer may hold a half-written document: drop this encoder.
		return nil, fmt.Errorf("%w: %w", driver.ErrInvalidDocument, err)
	}
	raw, err := renameKey(e.buf.Bytes(), c.idKey, "_id")
	c.bufs.Put(e)
	return raw, err
}

// renameKey returns a copy of the BSON document doc with the top-level key
// from renamed to. The copy never shares memory with doc.
func renameKey(doc []byte, from, to string) (bson.Raw, error) {
	if from == to {
		return bytes.Clone(doc), nil
	}
	if len(doc) < 5 {
		return nil, errors.New("mongo: malformed document")
	}
	rest := doc[4 : len(doc)-1]
	for off := 4; len(rest) > 0; {
		elem, rem, ok := bsoncore.ReadElement(rest)
		if !ok {
			return nil, errors.New("mongo: malformed document")
		}
		if elem.Key() == from {
			out := make([]byte, 0, len(doc)+len(to)-len(from))
			out = append(out, doc[:off]...)
			out = append(out, elem[0])
			out = append(out, to...)
			out = append(out, 0)
			out = append(out, elem[2+len(from):]...)
			out = append(out, doc[off+len(elem):]...)
			n := len(out)
			out[0], out[1], out[2], out[3] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
			return out, nil
		}
		off += len(elem)
		rest = rem
	}
	return bytes.Clone(doc), nil
}
