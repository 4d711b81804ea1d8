package main

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMain runs main itself when the test binary is started by runMain.
func TestMain(m *testing.M) {
	if os.Getenv("STREAMCALC_TEST_RUN_MAIN") == "1" {
		os.Args = append([]string{"streamcalc"}, os.Args[1:]...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runMain runs the command with args and env in an empty directory and
// returns its exit code, stdout and stderr.
func runMain(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append([]string{"STREAMCALC_TEST_RUN_MAIN=1", "HOME=" + cmd.Dir, "PATH=" + os.Getenv("PATH")}, env...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String(), errOut.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String(), errOut.String()
	}
	t.Fatal(err)
	return 0, "", ""
}

func TestExitCodes(t *testing.T) {
	code, out, _ := runMain(t, nil)
	if code != 0 || !strings.Contains(out, "6 × 7 = 42") {
		t.Errorf("the demo: exit %d, output %q", code, out)
	}
	if code, _, errOut := runMain(t, nil, "-backend", "kafka"); code != 2 || !strings.Contains(errOut, "no arguments") {
		t.Errorf("an argument: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := runMain(t, []string{"STREAMCALC_DEMO=maybe", "STREAMCALC_EVENTS_BACKEND=rabbit"}); code != 2 ||
		!strings.Contains(errOut, "demo") || !strings.Contains(errOut, "events_backend") {
		t.Errorf("a bad configuration: exit %d, stderr %q", code, errOut)
	}
	// A failure at run time (here the health endpoints' address) ends
	// the process with exit status 1 and the error.
	if code, _, errOut := runMain(t, []string{"STREAMCALC_HEALTH_ADDR=127.0.0.1:99999"}); code != 1 || !strings.Contains(errOut, "health endpoints") {
		t.Errorf("a failure at run time: exit %d, stderr %q", code, errOut)
	}
}
