package schema

import (
	"errors"
	"strings"
)

// fieldError prefixes err with the name of the field, map key or slice
// index ("[2]") it was found in: "list[2].city", "attrs.k".
func fieldError(name string, err error) error {
	var fe *pathError
	if errors.As(err, &fe) {
		if strings.HasPrefix(fe.path, "[") {
			return &pathError{path: name + fe.path, err: fe.err}
		}
		return &pathError{path: name + "." + fe.path, err: fe.err}
	}
	return &pathError{path: name, err: err}
}

type pathError struct {
	path string
	err  error
}

func (e *pathError) Error() string { return "field " + e.path + ": " + e.err.Error() }
func (e *pathError) Unwrap() error { return e.err }
