package config_test

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/config"
)

type KafkaSection struct {
	KafkaServers []string `yaml:"kafka_servers"`
	Linger       time.Duration
}

func (k KafkaSection) Validate() error {
	if len(k.KafkaServers) == 0 {
		return config.Invalid("kafka_servers", "must not be empty")
	}
	return nil
}

type nested struct {
	Database string
	Timeout  time.Duration
	Password hexkit.Secret
}

type testConfig struct {
	KafkaSection        // flat: kafka_servers, linger
	ServiceName  string `yaml:"service_name"`
	Port         int
	Ratio        float64
	Debug        bool
	Tags         []string
	Labels       map[string]string
	Mongo        nested // mongo.database, env PREFIX_MONGO__DATABASE
	MaxSize      *int64
	APIKey       hexkit.Secret
	Ignored      string `yaml:"-"`
}

func (c testConfig) Validate() error {
	var errs []error
	if c.Port <= 0 {
		errs = append(errs, config.Invalid("port", "must be positive, not %d", c.Port))
	}
	if c.ServiceName == "" {
		errs = append(errs, config.Invalid("service_name", "must not be empty"))
	}
	return errors.Join(errs...)
}

func defaults() testConfig {
	return testConfig{
		KafkaSection: KafkaSection{KafkaServers: []string{"localhost:9092"}},
		ServiceName:  "svc", Port: 8080, Mongo: nested{Database: "db", Timeout: 10 * time.Second},
	}
}

// isolated returns options that read nothing from the machine: empty
// working and home directories, no secrets directory, the given env.
func isolated(t *testing.T, env ...string) (work, home string, opts []config.Option) {
	t.Helper()
	work, home = t.TempDir(), t.TempDir()
	return work, home, []config.Option{config.WithDirs(work, home), config.WithSecretsDir(""), config.WithEnviron(env)}
}

func write(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDefaultsOnly(t *testing.T) {
	_, _, opts := isolated(t)
	got, err := config.Load("my_svc", defaults(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(defaults(), got, cmp.AllowUnexported(testConfig{})); diff != "" {
		t.Error(diff)
	}
}

func TestPrecedence(t *testing.T) {
	work, _, _ := isolated(t)
	secrets := t.TempDir()
	write(t, filepath.Join(work, ".my_svc.yaml"), `
service_name: from-yaml
port: 1
ratio: 0.5
tags: [a, b]
mongo:
  database: yamldb
  timeout: 30
`)
	write(t, filepath.Join(work, ".env"), "MY_SVC_PORT=2\nMY_SVC_RATIO=0.25\nMY_SVC_DEBUG=yes\nMY_SVC_API_KEY=from-work-env\n")
	write(t, filepath.Join(secrets, ".env"), "MY_SVC_RATIO=0.75\nMY_SVC_API_KEY=from-secrets\n")
	env := []string{"MY_SVC_PORT=3", "my_svc_mongo__timeout=1m30s", "MY_SVC_KAFKA_SERVERS=[\"k1:9092\",\"k2:9092\"]", "OTHER_PORT=9"}
	got, err := config.Load("my_svc", defaults(), config.WithDirs(work, t.TempDir()), config.WithSecretsDir(secrets), config.WithEnviron(env))
	if err != nil {
		t.Fatal(err)
	}
	want := defaults()
	want.ServiceName = "from-yaml"                     // yaml over default
	want.Port = 3                                      // env over dotenv over yaml
	want.Ratio = 0.75                                  // secrets dotenv over working dir dotenv over yaml
	want.Debug = true                                  // dotenv
	want.Tags = []string{"a", "b"}                     // yaml
	want.Mongo.Database = "yamldb"                     // yaml nested
	want.Mongo.Timeout = 90 * time.Second              // env nested over yaml (30 seconds)
	want.KafkaServers = []string{"k1:9092", "k2:9092"} // env, JSON array, embedded section flat
	want.APIKey = hexkit.NewSecret("from-secrets")     // the secrets dir's .env wins
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(testConfig{})); diff != "" {
		t.Error(diff)
	}
}

// TestFileNames checks every place the YAML file is looked for, in order.
func TestFileNames(t *testing.T) {
	work, home, opts := isolated(t)
	load := func(opts ...config.Option) string {
		t.Helper()
		got, err := config.Load("my_svc", defaults(), opts...)
		if err != nil {
			t.Fatal(err)
		}
		return got.ServiceName
	}
	if got := load(opts...); got != "svc" {
		t.Errorf("no file: service_name %q", got)
	}
	write(t, filepath.Join(home, ".my_svc.yaml"), "service_name: home\n")
	if got := load(opts...); got != "home" {
		t.Errorf("home file: service_name %q", got)
	}
	write(t, filepath.Join(work, ".my_svc.yaml"), "service_name: work\n")
	if got := load(opts...); got != "work" {
		t.Errorf("working directory over home: service_name %q", got)
	}
	named := write(t, filepath.Join(t.TempDir(), "any.yaml"), "service_name: named\n")
	if got := load(append(opts, config.WithEnviron([]string{"MY_SVC_CONFIG_YAML=" + named}))...); got != "named" {
		t.Errorf("MY_SVC_CONFIG_YAML over the working directory: service_name %q", got)
	}
	explicit := write(t, filepath.Join(t.TempDir(), "explicit.yaml"), "service_name: explicit\n")
	if got := load(append(opts, config.WithEnviron([]string{"MY_SVC_CONFIG_YAML=" + named}), config.WithFile(explicit))...); got != "explicit" {
		t.Errorf("WithFile over MY_SVC_CONFIG_YAML: service_name %q", got)
	}
	for _, o := range []config.Option{config.WithEnviron([]string{"MY_SVC_CONFIG_YAML=/nonexistent.yaml"}), config.WithFile("/nonexistent.yaml")} {
		if _, err := config.Load("my_svc", defaults(), append(opts, o)...); !errors.Is(err, config.ErrInvalid) || !strings.Contains(err.Error(), "/nonexistent.yaml") {
			t.Errorf("a named file that does not exist: %v", err)
		}
	}
}

// TestProcessDefaults uses the process's environment, working directory,
// home and no options, as a service does.
func TestProcessDefaults(t *testing.T) {
	work, home := t.TempDir(), t.TempDir()
	t.Chdir(work)
	t.Setenv("HOME", home)
	write(t, filepath.Join(home, ".proc_svc.yaml"), "port: 5\nservice_name: home\n")
	write(t, filepath.Join(work, ".env"), "PROC_SVC_SERVICE_NAME=dotenv\n")
	t.Setenv("PROC_SVC_TAGS", "x, y")
	got, err := config.Load("proc_svc", defaults())
	if err != nil {
		t.Fatal(err)
	}
	if got.Port != 5 || got.ServiceName != "dotenv" || !cmp.Equal(got.Tags, []string{"x", "y"}) {
		t.Errorf("got port %d service_name %q tags %q", got.Port, got.ServiceName, got.Tags)
	}
}

func TestAllProblemsInOneError(t *testing.T) {
	work, _, _ := isolated(t)
	write(t, filepath.Join(work, ".my_svc.yaml"), `
service_name: ""
ratio: lots
tyop: 1
mongo:
  timeout: soon
  colour: red
`)
	env := []string{"MY_SVC_PORT=-1", "MY_SVC_KAFKA_SERVERS=[]", "MY_SVC_DEBUG=maybe", "MY_SVC_API_KEY=hunter2", "MY_SVC_MAX_SIZE=big"}
	_, err := config.Load("my_svc", defaults(), config.WithDirs(work, ""), config.WithSecretsDir(""), config.WithEnviron(env))
	if !errors.Is(err, config.ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
	want := []string{"debug", "kafka_servers", "max_size", "mongo.colour", "mongo.timeout", "port", "ratio", "service_name", "tyop"}
	if diff := cmp.Diff(want, errorFields(t, err)); diff != "" {
		t.Errorf("fields (-want +got):\n%s\nerror:\n%v", diff, err)
	}
	var fe *config.FieldError
	if !errors.As(err, &fe) {
		t.Error("errors.As does not reach a *FieldError")
	}
	msg := err.Error()
	for _, s := range []string{"env MY_SVC_DEBUG", `"maybe"`, ".my_svc.yaml", "9 problems"} {
		if !strings.Contains(msg, s) {
			t.Errorf("error does not mention %s:\n%s", s, msg)
		}
	}
	if strings.Contains(msg, "hunter2") {
		t.Errorf("error shows the secret:\n%s", msg)
	}
}

// TestLaterSourceFixesEarlier: a bad value in the YAML file that the
// environment overrides is no problem.
func TestLaterSourceFixesEarlier(t *testing.T) {
	work, _, _ := isolated(t)
	write(t, filepath.Join(work, ".my_svc.yaml"), "port: many\n")
	got, err := config.Load("my_svc", defaults(), config.WithDirs(work, ""), config.WithSecretsDir(""), config.WithEnviron([]string{"MY_SVC_PORT=7"}))
	if err != nil || got.Port != 7 {
		t.Errorf("Load = port %d, %v; want 7, nil", got.Port, err)
	}
}

func TestSecretsRedacted(t *testing.T) {
	_, _, opts := isolated(t, "MY_SVC_API_KEY=s3cr3t-key", "MY_SVC_MONGO__PASSWORD=s3cr3t-pw")
	got, err := config.Load("my_svc", defaults(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	if got.APIKey.Reveal() != "s3cr3t-key" || got.Mongo.Password.Reveal() != "s3cr3t-pw" {
		t.Fatalf("secrets not loaded: %q %q", got.APIKey.Reveal(), got.Mongo.Password.Reveal())
	}
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(f, got); strings.Contains(s, "s3cr3t") {
			t.Errorf("%s shows a secret: %s", f, s)
		}
	}
}

func TestTypes(t *testing.T) {
	work, _, _ := isolated(t)
	write(t, filepath.Join(work, ".my_svc.yaml"), `
labels: {a: "1", b: "2"}
max_size: 42
mongo: {database: x, timeout: 1.5}
debug: on
`)
	env := []string{"MY_SVC_MONGO={\"database\":\"json\"}", "MY_SVC_LINGER=250ms"}
	got, err := config.Load("my_svc", defaults(), config.WithDirs(work, ""), config.WithSecretsDir(""), config.WithEnviron(env))
	if err != nil {
		t.Fatal(err)
	}
	if got.Labels["b"] != "2" || got.MaxSize == nil || *got.MaxSize != 42 || got.Mongo.Database != "json" ||
		got.Mongo.Timeout != 1500*time.Millisecond || !got.Debug || got.Linger != 250*time.Millisecond {
		t.Errorf("got %+v (max_size %v)", got, got.MaxSize)
	}
}

func TestBadCalls(t *testing.T) {
	_, _, opts := isolated(t)
	// Every error of Load is one *Error, these too.
	var e *config.Error
	if _, err := config.Load("my_svc", 3, opts...); !errors.Is(err, config.ErrInvalid) || !errors.As(err, &e) {
		t.Errorf("Load of an int: %v, want a *config.Error", err)
	}
	for _, p := range []string{"", "1x", "a-b", "my-service", "ü"} {
		if _, err := config.Load(p, defaults(), opts...); !errors.Is(err, config.ErrInvalid) || !errors.As(err, &e) {
			t.Errorf("prefix %q: %v, want a *config.Error", p, err)
		}
	}
	work, _, _ := isolated(t)
	write(t, filepath.Join(work, ".my_svc.yaml"), "- a list\n")
	if _, err := config.Load("my_svc", defaults(), config.WithDirs(work, ""), config.WithSecretsDir(""), config.WithEnviron(nil)); !errors.Is(err, config.ErrInvalid) {
		t.Errorf("a YAML list: %v", err)
	}
	write(t, filepath.Join(work, ".my_svc.yaml"), "port: [\n")
	if _, err := config.Load("my_svc", defaults(), config.WithDirs(work, ""), config.WithSecretsDir(""), config.WithEnviron(nil)); !errors.Is(err, config.ErrInvalid) {
		t.Errorf("broken YAML: %v", err)
	}
}

// errorFields returns the sorted fields of the *config.Error err.
func errorFields(tb testing.TB, err error) []string {
	tb.Helper()
	var e *config.Error
	if !errors.As(err, &e) {
		tb.Fatalf("err = %v (%T), want a *config.Error", err, err)
	}
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
	}
	return sorted(fields)
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestUnreadableDotenv(t *testing.T) {
	work, _, _ := isolated(t)
	if err := os.Mkdir(filepath.Join(work, ".env"), 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := config.Load("my_svc", defaults(), config.WithDirs(work, ""), config.WithSecretsDir(""), config.WithEnviron(nil))
	if !errors.Is(err, config.ErrInvalid) || !strings.Contains(err.Error(), ".env") {
		t.Errorf("a .env that cannot be read: %v", err)
	}
}

// A file that does not parse is one problem among the others: the
// remaining sources are still checked and their problems listed.
func TestBrokenFileAndOtherProblems(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"dotenv": {".env": "MY_SVC_PORT=\"unterminated\n", ".my_svc.yaml": "nope: 1\n"},
		"yaml":   {".my_svc.yaml": "port: [unclosed\n"},
	} {
		t.Run(name, func(t *testing.T) {
			work, _, _ := isolated(t)
			for f, content := range files {
				write(t, filepath.Join(work, f), content)
			}
			_, err := config.Load("my_svc", defaults(), config.WithDirs(work, ""), config.WithSecretsDir(""),
				config.WithEnviron([]string{"MY_SVC_DEBUG=maybe"}))
			want := []string{"", "debug"}
			if _, ok := files[".env"]; ok {
				want = []string{"", "debug", "nope"}
			}
			if diff := cmp.Diff(want, errorFields(t, err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s\nerror:\n%v", diff, err)
			}
		})
	}
}

// A section set again as a whole JSON object by a later source no longer
// carries the earlier source's problem with the fields it sets.
func TestLaterSectionObjectFixesEarlier(t *testing.T) {
	work, _, _ := isolated(t)
	write(t, filepath.Join(work, ".my_svc.yaml"), "mongo:\n  timeout: soon\n  database: other\n")
	got, err := config.Load("my_svc", defaults(), config.WithDirs(work, ""), config.WithSecretsDir(""),
		config.WithEnviron([]string{`MY_SVC_MONGO={"timeout": "2s"}`}))
	if err != nil || got.Mongo.Timeout != 2*time.Second || got.Mongo.Database != "other" {
		t.Errorf("Load = %+v, %v; want timeout 2s and database other", got.Mongo, err)
	}
	_, err = config.Load("my_svc", defaults(), config.WithDirs(work, ""), config.WithSecretsDir(""),
		config.WithEnviron([]string{`MY_SVC_MONGO={"database": "x", "colour": "red"}`}))
	if err == nil || !strings.Contains(err.Error(), "mongo.timeout") || !strings.Contains(err.Error(), "mongo.colour") {
		t.Errorf("an object that leaves the bad field alone, with an unknown key: %v", err)
	}
}

type pointerSection struct {
	Host string
	Port int
}

func (p pointerSection) Validate() error {
	if p.Port < 0 {
		return config.Invalid("port", "must not be negative")
	}
	return nil
}

type withPointers struct {
	Primary   *pointerSection
	Secondary *pointerSection
	Next      *withPointers // recursive: a leaf set as a whole
}

// A pointer to a struct is a section: variables per field, allocation on
// first use, the defaults' struct never written, Validate called.
func TestPointerSections(t *testing.T) {
	def := withPointers{Primary: &pointerSection{Host: "a", Port: 1}}
	_, _, opts := isolated(t, "P_PRIMARY__PORT=7", "P_SECONDARY__HOST=b")
	got, err := config.Load("p", def, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if *got.Primary != (pointerSection{Host: "a", Port: 7}) || got.Secondary == nil || *got.Secondary != (pointerSection{Host: "b"}) {
		t.Errorf("Load = %+v %+v", got.Primary, got.Secondary)
	}
	if def.Primary.Port != 1 || got.Primary == def.Primary {
		t.Error("Load wrote through the defaults' pointer")
	}
	_, _, opts = isolated(t, `P_SECONDARY={"port": -1}`)
	if _, err := config.Load("p", def, opts...); err == nil || !strings.Contains(err.Error(), "secondary.port") {
		t.Errorf("Validate of a pointed-to section: %v", err)
	}
	_, _, opts = isolated(t, `P_NEXT={"primary": {"host": "n"}}`)
	got, err = config.Load("p", def, opts...)
	if err != nil || got.Next == nil || got.Next.Primary == nil || got.Next.Primary.Host != "n" {
		t.Errorf("a recursive pointer set as a whole: %+v, %v", got.Next, err)
	}
}

// A file that does not parse is reported by its name and the line of the
// broken statement: the parsers' own messages quote the file, secrets
// included.
func TestBrokenFileHidesContent(t *testing.T) {
	for _, tc := range []struct {
		file, content, line string
	}{
		{".env", "MY_SVC_DEBUG maybe\nMY_SVC_API_KEY=hunter2\n", "line 1"},
		{".env", "# comment\nMY_SVC_PORT=1\nBAD/KEY=1\nMY_SVC_API_KEY=hunter2\n", "line 3"},
		{".env", "MY_SVC_PORT=1\nMY_SVC_API_KEY='hunter2\n", "line 2"},
		{".env", "MY_SVC_API_KEY=\"hunter2\n", "line 1"},
		{".env", "-x=1\nMY_SVC_API_KEY=hunter2\n", "line 1"},
		{".my_svc.yaml", "api_key: hunter2\n  bad: [\n", "line 2"},
		{".my_svc.yaml", "port: 1\napi_key: \"hunter2\n", "line 2"},
		{".my_svc.yaml", "api_key: !!int hunter2\n", ""},
		{".my_svc.yaml", "api_key: *hunter2\n", ""},
	} {
		work, _, _ := isolated(t)
		p := write(t, filepath.Join(work, tc.file), tc.content)
		_, err := config.Load("my_svc", defaults(), config.WithDirs(work, ""), config.WithSecretsDir(""), config.WithEnviron(nil))
		if !errors.Is(err, config.ErrInvalid) || strings.Contains(err.Error(), "hunter2") ||
			!strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), tc.line) {
			t.Errorf("%s %q: Load = %v; want ErrInvalid naming the file and %q, without the content", tc.file, tc.content, err, tc.line)
		}
	}
}

type port struct{ Port int }

func (p port) Validate() error {
	if p.Port < 0 {
		return config.Invalid("port", "must not be negative")
	}
	return nil
}

type ptrPort struct{ Port int }

func (p *ptrPort) Validate() error {
	if p.Port < 0 {
		return config.Invalid("port", "must not be negative")
	}
	return nil
}

// Validate is called on the structs inside slices and map values too,
// each named by its index or key.
func TestValidateItems(t *testing.T) {
	type cfg struct {
		Items    []port
		Ptrs     []*ptrPort
		ByName   map[string]ptrPort
		Nested   [][]port
		Fine     []port
		NotAsked []int
	}
	work, _, _ := isolated(t)
	write(t, filepath.Join(work, ".my_svc.yaml"),
		"items: [{port: 1}, {port: -1}]\nptrs: [{port: -2}]\nby_name: {b: {port: -3}, a: {port: 4}}\nnested: [[], [{port: -5}]]\nfine: [{port: 5}]\nnot_asked: [-1]\n")
	_, err := config.Load("my_svc", cfg{}, config.WithDirs(work, ""), config.WithSecretsDir(""), config.WithEnviron(nil))
	want := []string{"by_name.b.port", "items.1.port", "nested.1.0.port", "ptrs.0.port"}
	if diff := cmp.Diff(want, errorFields(t, err)); diff != "" {
		t.Errorf("fields (-want +got):\n%s\n%v", diff, err)
	}
}

// A section that an earlier source gave as something else than a mapping
// is no problem once a later source sets it or a field in it; within one
// source it stays one.
func TestLaterSourceFixesSection(t *testing.T) {
	for _, tc := range []struct {
		yaml, env string
		want      []string // fields with problems
	}{
		{"mongo: 5\n", `MY_SVC_MONGO={"database": "x"}`, nil},
		{"mongo: 5\n", `MY_SVC_MONGO__DATABASE=x`, nil},
		{"mongo: 5\n", `MY_SVC_PORT=3`, []string{"mongo"}},
		{"", `MY_SVC_MONGO=5`, []string{"mongo"}},
	} {
		work, _, _ := isolated(t)
		if tc.yaml != "" {
			write(t, filepath.Join(work, ".my_svc.yaml"), tc.yaml)
		}
		env := []string{tc.env}
		if tc.yaml == "" {
			env = append(env, "MY_SVC_MONGO__DATABASE=x")
		}
		got, err := config.Load("my_svc", defaults(), config.WithDirs(work, ""), config.WithSecretsDir(""), config.WithEnviron(env))
		if tc.want == nil {
			if err != nil || got.Mongo.Database != "x" {
				t.Errorf("yaml %q, env %q: Load = %+v, %v; want database x", tc.yaml, env, got.Mongo, err)
			}
			continue
		}
		if diff := cmp.Diff(tc.want, errorFields(t, err)); diff != "" {
			t.Errorf("yaml %q, env %q: fields (-want +got):\n%s\n%v", tc.yaml, env, diff, err)
		}
	}
}

// A number of seconds outside the range of time.Duration is refused, never
// wrapped around.
func TestDurationSecondsRange(t *testing.T) {
	for _, tc := range []struct {
		secs string
		want time.Duration
		ok   bool
	}{
		{"1.5", 1500 * time.Millisecond, true},
		{"-9223372036.854775", -9223372036854775 * time.Microsecond, true},
		{"9223372036.854775", 9223372036854775 * time.Microsecond, true},
		{"9223372036.854775807", 0, false},             // 2^63 ns as a float64
		{"-9223372036.854775807", math.MinInt64, true}, // -2^63 ns is a Duration
		{"9223372037", 0, false},
		{"-9223372037", 0, false},
		{"1e300", 0, false},
		{"NaN", 0, false},
		{"Inf", 0, false},
	} {
		_, _, opts := isolated(t, "MY_SVC_MONGO__TIMEOUT="+tc.secs)
		got, err := config.Load("my_svc", defaults(), opts...)
		// float64 keeps about 16 digits: within a microsecond is exact.
		if tc.ok && (err != nil || (got.Mongo.Timeout-tc.want).Abs() > time.Microsecond) {
			t.Errorf("%s seconds: Load = %v, %v; want %v", tc.secs, got.Mongo.Timeout, err, tc.want)
		}
		if !tc.ok && (!errors.Is(err, config.ErrInvalid) || !strings.Contains(fmt.Sprint(err), "out of range")) {
			t.Errorf("%s seconds: Load = %v, %v; want out of range", tc.secs, got.Mongo.Timeout, err)
		}
	}
}

type EmbeddedSection struct {
	EmbField string
	EmbPort  int
}

// Validate accepts a nil receiver: the outer struct's promoted Validate
// calls it through a nil embedded pointer.
func (e *EmbeddedSection) Validate() error {
	if e != nil && e.EmbPort < 0 {
		return config.Invalid("emb_port", "must not be negative")
	}
	return nil
}

// An embedded pointer to a struct is flattened like an embedded struct:
// its fields have the outer struct's keys and variables, a source that
// sets one allocates it, and the defaults' struct is copied.
func TestEmbeddedPointer(t *testing.T) {
	type cfg struct {
		*EmbeddedSection
		Port int
	}
	work, _, _ := isolated(t)
	write(t, filepath.Join(work, ".my_svc.yaml"), "emb_field: from-yaml\nport: 1\n")
	load := func(d cfg, env ...string) (cfg, error) {
		return config.Load("my_svc", d, config.WithDirs(work, ""), config.WithSecretsDir(""), config.WithEnviron(env))
	}
	got, err := load(cfg{}, "MY_SVC_EMB_PORT=7")
	if err != nil || got.EmbeddedSection == nil || got.EmbField != "from-yaml" || got.EmbPort != 7 {
		t.Fatalf("nil default: Load = %+v, %v; want emb_field from-yaml and emb_port 7", got.EmbeddedSection, err)
	}
	def := &EmbeddedSection{EmbField: "default", EmbPort: 2}
	got, err = load(cfg{EmbeddedSection: def})
	if err != nil || got.EmbField != "from-yaml" || got.EmbPort != 2 || def.EmbField != "default" {
		t.Errorf("Load = %+v, %v, defaults now %+v; want the yaml over a copy of the defaults", got.EmbeddedSection, err, def)
	}
	if _, err = load(cfg{}, "MY_SVC_EMB_PORT=-1"); !strings.Contains(fmt.Sprint(err), "emb_port: must not be negative") {
		t.Errorf("Load with a negative emb_port = %v, want the embedded struct's Validate error", err)
	}
	write(t, filepath.Join(work, ".my_svc.yaml"), "port: 1\n")
	if got, err = load(cfg{}); err != nil || got.EmbeddedSection != nil {
		t.Errorf("no source sets it: Load = %+v, %v; want it nil", got.EmbeddedSection, err)
	}
}
