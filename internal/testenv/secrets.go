package testenv

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// fmtVerbs are the formatting directives SecretsHidden tries: every verb
// fmt knows, with flags and widths that change how values are walked.
var fmtVerbs = []string{"v", "+v", "#v", "s", "q", "x", "X", "% x", "d", "t", "o", "b", "e", "f", "g", "c", "U", "p", "T", "10.3v", "-20s"}

// SecretsHidden fails tb when any way of printing v shows one of secrets,
// as it is or hex-encoded: every fmt verb, on v itself, a pointer to it, v
// in an unexported struct field, in a slice and in a map; fmt.Sprint;
// encoding/json; and log/slog's text and JSON handlers, at the top level
// and in a group. It returns v's JSON encoding, for checks of what must
// still show.
func SecretsHidden(tb testing.TB, v any, secrets ...string) string {
	tb.Helper()
	type wrapper struct{ v any }
	forms := map[string]any{
		"value": v, "pointer": &v, "unexported field": wrapper{v},
		"slice": []any{v}, "map": map[string]any{"k": v},
	}
	check := func(how, out string) {
		tb.Helper()
		for _, s := range secrets {
			for _, form := range []string{s, hex.EncodeToString([]byte(s)), strings.ToUpper(hex.EncodeToString([]byte(s)))} {
				if strings.Contains(out, form) {
					tb.Errorf("%s shows the secret %q: %s", how, s, out)
				}
			}
		}
	}
	for name, f := range forms {
		for _, verb := range fmtVerbs {
			check(fmt.Sprintf("%%%s of the %s", verb, name), fmt.Sprintf("%"+verb, f))
		}
		check("fmt.Sprint of the "+name, fmt.Sprint(f))
		var text, js bytes.Buffer
		slog.New(slog.NewTextHandler(&text, nil)).Info("config", "cfg", f, slog.Group("g", "cfg", f))
		slog.New(slog.NewJSONHandler(&js, nil)).Info("config", "cfg", f, slog.Group("g", "cfg", f))
		check("slog's text handler on the "+name, text.String())
		check("slog's JSON handler on the "+name, js.String())
	}
	out, err := json.Marshal(v)
	if err != nil {
		tb.Errorf("json.Marshal: %v", err)
	}
	check("encoding/json", string(out))
	return string(out)
}
