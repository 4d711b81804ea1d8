package dao_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCompileErrors proves that the typed API turns mistakes into compile
// errors: each program under testdata/compile (which share the types of
// testdata/compile/docs) is built with the go command, and must fail with the messages its "// want: <regexp>" lines
// name (testdata/compile/ok must build).
func TestCompileErrors(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		goCmd = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	dirs, err := os.ReadDir(filepath.Join("testdata", "compile"))
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`(?m)^// want: (.+)$`)
	for _, d := range dirs {
		if d.Name() == "docs" { // the shared declarations, not a program
			continue
		}
		t.Run(d.Name(), func(t *testing.T) {
			t.Parallel()
			dir := "./" + filepath.ToSlash(filepath.Join("testdata", "compile", d.Name()))
			src, err := os.ReadFile(filepath.Join(dir, "main.go"))
			if err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(goCmd, "build", "-o", os.DevNull, dir).CombinedOutput()
			wants := want.FindAllStringSubmatch(string(src), -1)
			if len(wants) == 0 {
				if err != nil {
					t.Fatalf("%s must compile: %v\n%s", dir, err, out)
				}
				return
			}
			if err == nil {
				t.Fatalf("%s compiled; want the compile errors %q", dir, wants)
			}
			for _, w := range wants {
				if !regexp.MustCompile(w[1]).Match(out) {
					t.Errorf("%s: the compiler's output does not match %q:\n%s", dir, w[1], strings.TrimSpace(string(out)))
				}
			}
		})
	}
}
