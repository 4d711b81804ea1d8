// Package collname holds the rule for collection names that the MongoDB
// provider and the in-memory stores standing in for it apply alike: what
// MongoDB and FerretDB both accept.
package collname

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxLen is the longest collection name in bytes (FerretDB's limit).
const MaxLen = 235

// Check returns nil when name is a collection name that MongoDB and
// FerretDB both accept, else an error saying why: it must be 1 to MaxLen
// bytes of valid UTF-8, hold no '$', no NUL byte and no '"', not start
// with '.', and not start with "system." (reserved by MongoDB) or
// "_ferretdb_" (reserved by FerretDB). FerretDB's SQLite backend names the
// table of a collection after it and quotes that name the way Go quotes a
// string, so a '"' ends the SQL identifier early and every command on the
// collection fails; every other character survives that quoting.
func Check(name string) error {
	switch {
	case name == "":
		return errors.New("empty collection name")
	case len(name) > MaxLen:
		return fmt.Errorf("collection name of %d bytes, more than %d", len(name), MaxLen)
	case !utf8.ValidString(name):
		return fmt.Errorf("collection name %q is not valid UTF-8", name)
	case strings.ContainsAny(name, "$\x00\""):
		return fmt.Errorf("collection name %q holds '$', '\"' or a NUL byte", name)
	case strings.HasPrefix(name, "."):
		return fmt.Errorf("collection name %q starts with '.'", name)
	case strings.HasPrefix(name, "system."), strings.HasPrefix(name, "_ferretdb_"):
		return fmt.Errorf("collection name %q starts with a reserved prefix (system. or _ferretdb_)", name)
	}
	return nil
}
