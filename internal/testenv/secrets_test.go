package testenv

import (
	"testing"

	"github.com/hexkit-go/hexkit"
)

type recordingTB struct {
	testing.TB
	errors int
}

func (r *recordingTB) Helper()                        {}
func (r *recordingTB) Errorf(format string, a ...any) { r.errors++ }

func TestSecretsHiddenFindsLeaks(t *testing.T) {
	type plain struct{ Password string }
	type hidden struct{ password string }
	type safe struct {
		User     string
		Password hexkit.Secret
	}
	for name, tt := range map[string]struct {
		v    any
		leak bool
	}{
		"plain string field":      {plain{"p4ss"}, true},
		"unexported string field": {hidden{"p4ss"}, true},
		"hexkit.Secret field":     {safe{"u", hexkit.NewSecret("p4ss")}, false},
	} {
		r := &recordingTB{TB: t}
		SecretsHidden(r, tt.v, "p4ss")
		if got := r.errors > 0; got != tt.leak {
			t.Errorf("%s: SecretsHidden reported %d leaks, want leaks: %v", name, r.errors, tt.leak)
		}
	}
}
