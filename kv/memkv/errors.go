package memkv

import "errors"

// ErrInvalidConfig: an option of New is invalid (a nil clock), or
// NewStore was given a nil *DB.
var ErrInvalidConfig = errors.New("memkv: invalid configuration")
