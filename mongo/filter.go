package mongo

import (
	"math"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/hexkit-go/hexkit/dao"
)

var opNames = map[dao.Op]string{
	dao.OpEq: "$eq", dao.OpNe: "$ne", dao.OpGt: "$gt", dao.OpGte: "$gte",
	dao.OpLt: "$lt", dao.OpLte: "$lte", dao.OpIn: "$in", dao.OpNin: "$nin",
}

// key maps a json field path to the stored key: the id field is _id.
func (d *DAO[T, ID]) key(field string) string {
	if field == d.schema.IDField() {
		return "_id"
	}
	return field
}

// filter translates a validated dao.Filter into a MongoDB query. It uses
// only operators FerretDB implements ($eq ... $nin, $exists, $and, $or).
func (d *DAO[T, ID]) filter(f dao.Filter) bson.D {
	switch f.Op() {
	case dao.OpAll:
		return bson.D{}
	case dao.OpAnd, dao.OpOr:
		subs := f.Filters()
		if len(subs) == 0 {
			return bson.D{}
		}
		arr := make(bson.A, len(subs))
		for i, s := range subs {
			arr[i] = d.filter(s)
		}
		op := "$and"
		if f.Op() == dao.OpOr {
			op = "$or"
		}
		return bson.D{{Key: op, Value: arr}}
	case dao.OpExists:
		return bson.D{{Key: d.key(f.Field()), Value: bson.D{{Key: "$exists", Value: f.Want()}}}}
	case dao.OpIn, dao.OpNin:
		vs := f.Values()
		arr := make(bson.A, len(vs))
		for i, v := range vs {
			arr[i] = bsonValue(v)
		}
		return bson.D{{Key: d.key(f.Field()), Value: bson.D{{Key: opNames[f.Op()], Value: arr}}}}
	}
	return bson.D{{Key: d.key(f.Field()), Value: bson.D{{Key: opNames[f.Op()], Value: bsonValue(f.Value())}}}}
}

// bsonValue turns a normalized dao.Value into what the driver encodes:
// int64, float64, string, binary, bool, a datetime or null.
// Integers that fit are sent as int32, the type the driver stores a Go
// int in, so that the server compares like types (FerretDB pushes such
// comparisons down to its backend).
func bsonValue(v dao.Value) any {
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

// sort translates the resolved sort keys.
func (d *DAO[T, ID]) sort(q dao.Query) bson.D {
	s := make(bson.D, len(q.Sort))
	for i, k := range q.Sort {
		dir := 1
		if k.Descending {
			dir = -1
		}
		s[i] = bson.E{Key: d.key(k.Field), Value: dir}
	}
	return s
}
