package testutil

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// skipped records, per tier ("terraform", "tofu", "trivy"), why it was
// skipped in this test binary; ReportSkipped prints it once at the end.
var skipped sync.Map // tier -> reason

// Missing skips the test because a tier's tool or input is missing, and
// records it for ReportSkipped; under CI=true it fails the test instead:
// CI installs everything.
func Missing(t testing.TB, tier, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("the %s tier cannot run: %s", tier, why)
	}
	skipped.LoadOrStore(tier, why)
	t.Skipf("skipping the %s tier: %s", tier, why)
}

// ReportSkipped prints one line naming the tiers this test binary skipped,
// if any; call it from TestMain after m.Run. `go test ./...` shows a passing
// package's output only with -v, so without -v the line goes to where the
// go command itself writes (see goCommandStderr).
func ReportSkipped() {
	var parts []string
	skipped.Range(func(tier, why any) bool {
		parts = append(parts, fmt.Sprintf("%s (%s)", tier, why))
		return true
	})
	if len(parts) == 0 {
		return
	}
	slices.Sort(parts)
	line := fmt.Sprintf("%s: skipped tiers: %s\n", callerPackage(), strings.Join(parts, "; "))
	var w io.Writer = os.Stdout
	if !testing.Verbose() {
		if f := goCommandStderr(); f != nil {
			defer f.Close()
			w = f
		}
	}
	io.WriteString(w, line)
}

// goCommandStderr opens the standard error of the go command that runs this
// test binary (Linux: through /proc), which is the terminal or CI log that
// also shows go test's own lines; nil when the parent is not the go command
// (a test binary run by hand shows its output anyway) or /proc is missing.
func goCommandStderr() *os.File {
	parent := fmt.Sprintf("/proc/%d/", os.Getppid())
	if comm, err := os.ReadFile(parent + "comm"); err != nil || strings.TrimSpace(string(comm)) != "go" {
		return nil
	}
	f, err := os.OpenFile(parent+"fd/2", os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil
	}
	return f
}

// callerPackage returns the import path of the package whose TestMain
// called ReportSkipped (directly or through Main), e.g. ".../stacks".
func callerPackage() string {
	pcs := make([]uintptr, 8)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "github.com/n8n-builder/infra/internal/testutil.") || !more {
			pkg := f.Function
			if i := strings.LastIndex(pkg, "/"); i >= 0 {
				if j := strings.Index(pkg[i:], "."); j >= 0 {
					pkg = pkg[:i+j]
				}
			}
			return strings.TrimSuffix(pkg, "_test")
		}
	}
}
