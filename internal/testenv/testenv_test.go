package testenv

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestUniqueName(t *testing.T) {
	valid := regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,51}[a-z0-9]$`)
	a := UniqueName(t, "Topic")
	b := UniqueName(t, "Topic")
	if a == b {
		t.Fatalf("UniqueName returned %q twice", a)
	}
	for _, name := range []string{a, b, UniqueName(t, "a very long prefix that goes on and on and on and on"), UniqueName(t, ""), UniqueName(t, "--"), UniqueName(t, "x_Y.z")} {
		if !valid.MatchString(name) {
			t.Errorf("UniqueName = %q, not a valid bucket/topic/collection name of at most 53 characters", name)
		}
	}
	if !strings.HasPrefix(a, "topic-testuniquename-") {
		t.Errorf("UniqueName(t, %q) = %q, want the prefix and the test's name first", "Topic", a)
	}
	t.Run("Sub_Test/With Many/Levels-of-subtests-that-are-long", func(t *testing.T) {
		name := UniqueName(t, "eventstest-dlqreader")
		if !valid.MatchString(name) || !strings.HasPrefix(name, "eventstest-dlqreader-") || !strings.Contains(name, "long-") {
			t.Errorf("UniqueName = %q, want the whole prefix and the end of the subtest's name", name)
		}
	})
}

// recorder is a testing.TB that records Skip and Fatal instead of ending
// the goroutine, so Lookup's decision can be asserted.
type recorder struct {
	testing.TB
	skipped, failed string
}

type stop struct{}

func (r *recorder) Helper() {}
func (r *recorder) Skip(args ...any) {
	r.skipped = fmt.Sprint(args...)
	panic(stop{})
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	panic(stop{})
}

func lookup(r *recorder, name string) (v string) {
	defer func() {
		if p := recover(); p != nil && p != (stop{}) {
			panic(p)
		}
	}()
	return Lookup(r, name, "test server")
}

func TestLookup(t *testing.T) {
	t.Setenv("HEXKIT_TESTENV_UNSET", "")
	t.Setenv("HEXKIT_TESTENV_SET", " value ")

	t.Setenv(EnvRequireServers, "")
	r := &recorder{TB: t}
	if got := lookup(r, "HEXKIT_TESTENV_SET"); got != "value" || r.skipped != "" || r.failed != "" {
		t.Errorf("Lookup(set) = %q (skipped %q, failed %q), want value", got, r.skipped, r.failed)
	}
	r = &recorder{TB: t}
	lookup(r, "HEXKIT_TESTENV_UNSET")
	if !strings.Contains(r.skipped, "HEXKIT_TESTENV_UNSET") || r.failed != "" {
		t.Errorf("Lookup(unset) skipped %q, failed %q; want a skip naming the variable", r.skipped, r.failed)
	}

	t.Setenv(EnvRequireServers, "1")
	r = &recorder{TB: t}
	lookup(r, "HEXKIT_TESTENV_UNSET")
	if !strings.Contains(r.failed, "HEXKIT_TESTENV_UNSET") || r.skipped != "" {
		t.Errorf("Lookup(unset, required) skipped %q, failed %q; want a failure naming the variable", r.skipped, r.failed)
	}
}
