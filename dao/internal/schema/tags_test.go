package schema

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hexkit-go/hexkit/dao/driver"
)

// The MongoDB driver reads the bson options inline, minsize and truncate in
// json tags too; no other provider does, so the type check refuses them.
func TestForRefusesBsonOptionsInJSONTags(t *testing.T) {
	for _, tc := range []struct {
		tag  string
		typ  reflect.Type
		want bool // refused
	}{
		{`json:"a,inline"`, reflect.TypeFor[struct {
			B string `json:"b"`
		}](), true},
		{`json:"a,omitempty,minsize"`, reflect.TypeFor[int64](), true},
		{`json:"a,truncate"`, reflect.TypeFor[int](), true},
		{`json:"a,omitempty"`, reflect.TypeFor[int](), false},
		{`json:"a,string"`, reflect.TypeFor[int](), false},
	} {
		typ := reflect.StructOf([]reflect.StructField{{Name: "A", Type: tc.typ, Tag: reflect.StructTag(tc.tag)}})
		_, err := For(typ)
		refused := errors.Is(err, driver.ErrInvalidDocument) && strings.Contains(fmt.Sprint(err), "bson option")
		if refused != tc.want || (err != nil && !refused) {
			t.Errorf("a field tagged %s: For = %v, want refused: %v", tc.tag, err, tc.want)
		}
	}
}
