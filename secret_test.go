package hexkit_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/hexkit-go/hexkit"
)

type secretConfig struct {
	User     string
	Password hexkit.Secret
	Nested   struct{ Token hexkit.Secret }
	Ptr      *hexkit.Secret
	hidden   hexkit.Secret
	inner    struct{ cfg struct{ Key hexkit.Secret } }
}

func TestSecretNeverPrints(t *testing.T) {
	const value = "s3cr3t-value"
	s := hexkit.NewSecret(value)
	cfg := secretConfig{User: "ada", Password: s, Ptr: &s, hidden: s}
	cfg.Nested.Token = s
	cfg.inner.cfg.Key = s
	type wrapper struct{ cfg secretConfig }
	w := wrapper{cfg}

	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t", "%10s", "%p"} {
		outputs = append(outputs, fmt.Sprintf(verb, s), fmt.Sprintf(verb, cfg), fmt.Sprintf(verb, &cfg),
			fmt.Sprintf(verb, w), fmt.Sprintf(verb, &w), fmt.Sprintf(verb, []any{cfg}))
	}
	outputs = append(outputs, fmt.Sprint(s), fmt.Sprintln(cfg), s.String(), s.GoString())
	j, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, string(j))
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("cfg", "password", s, "cfg", cfg, "w", w)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("cfg", "password", s, "cfg", cfg, "w", w)
	outputs = append(outputs, buf.String())

	for _, out := range outputs {
		if strings.Contains(out, value) || strings.Contains(out, fmt.Sprintf("%x", value)) {
			t.Errorf("output reveals the secret: %s", out)
		}
	}
	if got := fmt.Sprintf("%v|%#v|%q", s, s, s); got != `[redacted]|"[redacted]"|"[redacted]"` {
		t.Errorf("formatted as %s", got)
	}
}

func TestSecretEmptyAndDecode(t *testing.T) {
	if got := fmt.Sprintf("%v", hexkit.Secret{}); got != "" {
		t.Errorf("empty secret prints %q, want empty", got)
	}
	var cfg secretConfig
	if err := json.Unmarshal([]byte(`{"Password":"from-json","Nested":{"Token":"t"}}`), &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Password.Reveal() != "from-json" || cfg.Nested.Token.Reveal() != "t" {
		t.Errorf("decoded %q %q", cfg.Password.Reveal(), cfg.Nested.Token.Reveal())
	}
}

func ExampleSecret() {
	type Config struct {
		User     string
		Password hexkit.Secret
	}
	cfg := Config{User: "svc", Password: hexkit.NewSecret("s3cr3t")}
	fmt.Printf("%+v\n", cfg)
	fmt.Println(len(cfg.Password.Reveal()))
	// Output:
	// {User:svc Password:[redacted]}
	// 6
}

func TestSecretEqual(t *testing.T) {
	a, b := hexkit.NewSecret("one"), hexkit.NewSecret("one")
	if !a.Equal(b) || a.Equal(hexkit.NewSecret("two")) || !(hexkit.Secret{}).Equal(hexkit.NewSecret("")) {
		t.Error("Equal compares the wrong thing")
	}
}
