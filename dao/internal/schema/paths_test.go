package schema

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

type pathDoc struct {
	ID   string    `json:"id"`
	Name string    `json:"name"`
	Next *pathNode `json:"next"`
}

type pathNode struct {
	Value int       `json:"value"`
	Next  *pathNode `json:"next"`
}

// Names that callers pass through from their own users (a ?sort= parameter)
// must not pile up: refused paths are not remembered, resolved ones up to a
// bound.
func TestResolveKeepsNoRefusedPaths(t *testing.T) {
	s, err := For(reflect.TypeFor[pathDoc]())
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	pad := strings.Repeat("x", 1024)
	for i := range 20000 {
		if _, err := s.Resolve(fmt.Sprintf("%s-%d", pad, i)); err == nil {
			t.Fatal("an unknown field resolved")
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if n := s.CachedPaths(); n != 0 {
		t.Errorf("%d refused paths kept, want 0", n)
	}
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 4<<20 {
		t.Errorf("heap grew by %d bytes after 20k refused 1 KiB names, want under 4 MiB", grown)
	}

	for range 3 {
		if _, err := s.Resolve("name"); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.CachedPaths(); n != 1 {
		t.Errorf("%d paths kept after resolving one path three times, want 1", n)
	}
}

func TestResolveBoundsValidPathsOfRecursiveTypes(t *testing.T) {
	s, err := build(reflect.TypeFor[pathDoc]())
	if err != nil {
		t.Fatal(err)
	}
	s.maxPaths = 50
	path := "next"
	for range s.maxPaths + 100 {
		path += ".next"
		if _, err := s.Resolve(path + ".value"); err != nil {
			t.Fatalf("Resolve(%d segments) = %v", strings.Count(path, ".")+2, err)
		}
	}
	if n := s.CachedPaths(); n != int(s.maxPaths) {
		t.Errorf("%d paths kept, want %d", n, s.maxPaths)
	}
}
