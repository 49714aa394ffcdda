package testutil

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestSkipSummaryWithoutVerbose runs `go test` (no -v) on a package whose
// test skips a tier, with output to pipes as in CI: the summary line must be
// in what the go command prints, next to its ok line.
func TestSkipSummaryWithoutVerbose(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds and runs another test binary")
	}
	cmd := exec.Command("go", "test", "-count=1", "./testdata/skipdemo")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CI=") { // under CI=true a skip is a failure
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test: %v\n%s", err, out)
	}
	want := "internal/testutil/testdata/skipdemo: skipped tiers: terraform (demo: not installed)\n"
	if !strings.Contains(string(out), want) || !strings.Contains(string(out), "ok  \t") {
		t.Errorf("go test printed:\n%s\nwant a line ending %q and the ok line", out, want)
	}
}
