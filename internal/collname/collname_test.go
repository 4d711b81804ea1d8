package collname

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, ok := range []string{"a", "users", "a.b", "hexkitOutboxLeases", "ü", strings.Repeat("x", MaxLen), "x.system.y"} {
		if err := Check(ok); err != nil {
			t.Errorf("Check(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"", ".a", "a$b", "a\x00b", "a\"b", `"`, `ab"`, "x\xff", "system.users", "_ferretdb_x", strings.Repeat("x", MaxLen+1)} {
		if Check(bad) == nil {
			t.Errorf("Check(%q) = nil, want an error", bad)
		}
	}
}
