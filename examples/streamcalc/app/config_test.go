package app

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLoad(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	base := Config{
		Backend: BackendMemory, Brokers: []string{"127.0.0.1:9092"}, ServiceName: "streamcalc",
		InstanceID: "i1", ProblemsTopic: "arithmetic_problems", OutputTopic: "calc_output",
		Demo: true, DemoTimeout: 30 * time.Second,
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want func(c *Config)
		err  bool
	}{
		{name: "defaults", want: func(*Config) {}},
		{name: "kafka serves by default", args: []string{"-backend", "kafka", "-brokers", "a:1, b:2"},
			want: func(c *Config) { c.Backend, c.Brokers, c.Demo = BackendKafka, []string{"a:1", "b:2"}, false }},
		{name: "env", env: map[string]string{"STREAMCALC_BACKEND": "kafka", "HEXKIT_KAFKA_BROKERS": "h:9"},
			want: func(c *Config) { c.Backend, c.Brokers, c.Demo = BackendKafka, []string{"h:9"}, false }},
		{name: "service env var wins over hexkit", env: map[string]string{"STREAMCALC_KAFKA_BROKERS": "s:1", "HEXKIT_KAFKA_BROKERS": "h:9"},
			want: func(c *Config) { c.Brokers = []string{"s:1"} }},
		{name: "flags win over env", args: []string{"-backend", "memory"}, env: map[string]string{"STREAMCALC_BACKEND": "kafka"},
			want: func(*Config) {}},
		{name: "kafka demo", args: []string{"-backend", "kafka", "-demo=true", "-create-topics"},
			want: func(c *Config) { c.Backend, c.CreateTopics = BackendKafka, true }},
		{name: "unknown backend", args: []string{"-backend", "rabbit"}, err: true},
		{name: "memory without demo", args: []string{"-demo=false"}, err: true},
		{name: "bad demo value", args: []string{"-demo=maybe"}, err: true},
		{name: "kafka without brokers", args: []string{"-backend", "kafka", "-brokers", " "}, err: true},
		{name: "stray argument", args: []string{"extra"}, err: true},
		{name: "unknown flag", args: []string{"-nope"}, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{"STREAMCALC_INSTANCE_ID": "i1"}
			for k, v := range tt.env {
				vars[k] = v
			}
			got, err := Load(tt.args, env(vars))
			if tt.err {
				if !errors.Is(err, ErrConfig) {
					t.Fatalf("Load(%q) error = %v, want ErrConfig", tt.args, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load(%q): %v", tt.args, err)
			}
			want := base
			tt.want(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Load(%q) (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}
