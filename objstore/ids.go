package objstore

import (
	"fmt"
	"regexp"
)

var (
	defaultBucketID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)
	defaultObjectID = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]{1,253}[A-Za-z0-9_]$`)
)

// IDRules decide which bucket and object ids a [Store] accepts. A nil
// function means the default rule. Every error a rule returns is reported
// wrapped in [ErrInvalidID].
type IDRules struct {
	// Bucket checks bucket ids. Default [DefaultBucketID].
	Bucket func(id string) error
	// Object checks object ids. Default [DefaultObjectID].
	Object func(id string) error
}

// DefaultBucketID is the default bucket id rule: 3 to 63 characters from
// a-z, 0-9 and '-', neither starting nor ending with '-'.
func DefaultBucketID(id string) error {
	if !defaultBucketID.MatchString(id) {
		return fmt.Errorf("bucket id %q: want 3 to 63 of a-z, 0-9, '-', not starting or ending with '-'", id)
	}
	return nil
}

// DefaultObjectID is the default object id rule: 3 to 255 characters from
// A-Z, a-z, 0-9, '.', '_' and '-', neither starting nor ending with '-' or
// '.'.
func DefaultObjectID(id string) error {
	if !defaultObjectID.MatchString(id) {
		return fmt.Errorf("object id %q: want 3 to 255 of A-Z, a-z, 0-9, '.', '_', '-', not starting or ending with '-' or '.'", id)
	}
	return nil
}

func (r IDRules) bucket(id string) error {
	check := r.Bucket
	if check == nil {
		check = DefaultBucketID
	}
	if err := check(id); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidID, err)
	}
	return nil
}

func (r IDRules) object(bucket, id string) error {
	if err := r.bucket(bucket); err != nil {
		return err
	}
	check := r.Object
	if check == nil {
		check = DefaultObjectID
	}
	if err := check(id); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidID, err)
	}
	return nil
}
