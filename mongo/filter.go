package mongo

import (
	"math"

	"github.com/google/uuid"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/hexkit-go/hexkit/dao/driver"
)

var opNames = [...]string{
	driver.OpEq: "$eq", driver.OpNe: "$ne", driver.OpGt: "$gt", driver.OpGte: "$gte",
	driver.OpLt: "$lt", driver.OpLte: "$lte", driver.OpIn: "$in", driver.OpNin: "$nin",
}

// key maps a json field path to the stored key: the id field is _id.
func (c *coll) key(field string) string {
	if field == c.schema.IDField {
		return "_id"
	}
	return field
}

// filter translates a checked driver.Filter into a MongoDB query. It uses
// only operators FerretDB implements ($eq ... $nin, $exists, $and, $or).
func (c *coll) filter(f driver.Filter) bson.D {
	switch f.Op {
	case driver.OpAll:
		return bson.D{}
	case driver.OpAnd, driver.OpOr:
		if len(f.Filters) == 0 {
			return bson.D{}
		}
		arr := make(bson.A, len(f.Filters))
		for i, s := range f.Filters {
			arr[i] = c.filter(s)
		}
		op := "$and"
		if f.Op == driver.OpOr {
			op = "$or"
		}
		return bson.D{{Key: op, Value: arr}}
	case driver.OpExists:
		return bson.D{{Key: c.key(f.Field), Value: bson.D{{Key: "$exists", Value: f.Exists}}}}
	case driver.OpIn, driver.OpNin:
		arr := make(bson.A, len(f.Values))
		for i, v := range f.Values {
			arr[i] = c.value(f.Field, v)
		}
		return bson.D{{Key: c.key(f.Field), Value: bson.D{{Key: opNames[f.Op], Value: arr}}}}
	}
	return bson.D{{Key: c.key(f.Field), Value: bson.D{{Key: opNames[f.Op], Value: c.value(f.Field, f.Value)}}}}
}

// value is bsonValue for the field at the json path field: a uuid.UUID
// field's value (a string in a driver.Value) is a binary UUID, as stored.
func (c *coll) value(field string, v driver.Value) any {
	if c.uuids[field] {
		if s, ok := v.Interface().(string); ok {
			if u, err := uuid.Parse(s); err == nil {
				return bson.Binary{Subtype: bson.TypeBinaryUUID, Data: u[:]}
			}
		}
	}
	return bsonValue(v)
}

// idValue is the stored form of a document id.
func (c *coll) idValue(id driver.Value) any { return c.value(c.schema.IDField, id) }

// bsonValue turns a driver.Value into what the driver encodes: int32 or
// int64, float64, string, binary, bool, a datetime or null. Integers that
// fit are sent as int32, the type the driver stores a Go int in, so that
// the server compares like types (FerretDB pushes such comparisons down to
// its backend).
func bsonValue(v driver.Value) any {
	switch x := v.Interface().(type) {
	case []byte:
		return bson.Binary{Data: x}
	case int64:
		if x >= math.MinInt32 && x <= math.MaxInt32 {
			return int32(x)
		}
	}
	return v.Interface()
}

// sort translates the sort keys.
func (c *coll) sort(keys []driver.Sort) bson.D {
	s := make(bson.D, len(keys))
	for i, k := range keys {
		dir := 1
		if k.Descending {
			dir = -1
		}
		s[i] = bson.E{Key: c.key(k.Field), Value: dir}
	}
	return s
}
