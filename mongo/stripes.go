package mongo

import (
	"hash/fnv"
	"slices"
	"sync"
)

// stripes serialize the writes of one key (a document id) within this
// process. FerretDB v1 evaluates an update's filter and writes the
// document in two steps, so two concurrent conditional writes of one
// document could both apply there; MongoDB needs no help, and the lock
// costs it little.
type stripes [64]sync.Mutex

// index returns the stripe of key.
func (s *stripes) index(key string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	return int(h.Sum32() % uint32(len(s)))
}

// lock locks the stripe of key and returns its unlock.
func (s *stripes) lock(key string) func() {
	mu := &s[s.index(key)]
	mu.Lock()
	return mu.Unlock
}

// lockKeys locks the stripes of every key, in ascending order (so that
// two callers never wait for each other), and returns their unlock.
func (s *stripes) lockKeys(keys []string) func() {
	idx := make([]int, 0, len(keys))
	for _, k := range keys {
		idx = append(idx, s.index(k))
	}
	slices.Sort(idx)
	idx = slices.Compact(idx)
	for _, i := range idx {
		s[i].Lock()
	}
	return func() {
		for _, i := range idx {
			s[i].Unlock()
		}
	}
}

// lockAll locks every stripe, in order, and returns their unlock.
func (s *stripes) lockAll() func() {
	for i := range s {
		s[i].Lock()
	}
	return func() {
		for i := range s {
			s[i].Unlock()
		}
	}
}
