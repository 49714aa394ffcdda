package golden

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRefreshCommand: the command names this package's directory relative
// to the repository root (where go.mod is), since `go test` runs the tests
// in the package directory.
func TestRefreshCommand(t *testing.T) {
	want := "go test ./internal/golden -update  (from the repository root)"
	if got := RefreshCommand(); got != want {
		t.Errorf("RefreshCommand() = %q, want %q", got, want)
	}
}

// TestRefreshCommandWorks runs the package path of the printed command from
// the repository root: go resolves it to this package.
func TestRefreshCommandWorks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	pkg := strings.Fields(RefreshCommand())[2]
	cmd := exec.Command("go", "list", pkg)
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "github.com/n8n-builder/infra/internal/golden" {
		t.Errorf("go list %s from the repository root: %s, %v", pkg, out, err)
	}
}

func TestDiff(t *testing.T) {
	if d := Diff("a\nb\n", "a\nb\n"); d != "" {
		t.Errorf("Diff of equal texts = %q, want \"\"", d)
	}
	d := Diff("1\n2\n3\n4\n5\n", "1\n2\n3\n4\nfive\n")
	for _, want := range []string{"first difference at line 5 (want 6 lines, got 6 lines)", "  4\n- 5\n", "+ five\n"} {
		if !strings.Contains(d, want) {
			t.Errorf("Diff = %q, want it to contain %q", d, want)
		}
	}
}

// TestCheck: a matching file passes and -update rewrites a file (run in a
// temporary directory, as a package's tests would be).
func TestCheck(t *testing.T) {
	t.Chdir(t.TempDir())
	*update = true
	Check(t, "x.txt", []byte("v1\n"))
	*update = false
	if data, err := os.ReadFile(filepath.Join("testdata", "x.txt")); err != nil || string(data) != "v1\n" {
		t.Fatalf("after -update: %q, %v", data, err)
	}
	Check(t, "x.txt", []byte("v1\n"))
}

// TestCheckFails is Check's failing twin: a mismatch is reported.
func TestCheckFails(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", "x.txt"), []byte("v1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{TB: t}
	Check(rec, "x.txt", []byte("v2\n"))
	if !rec.failed || !strings.Contains(rec.msg, "x.txt differs") || !strings.Contains(rec.msg, " -update") {
		t.Errorf("mismatch reported as %q (failed %v)", rec.msg, rec.failed)
	}
}

// recorder catches a failure instead of failing the test.
type recorder struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.msg = fmt.Sprintf(format, args...)
}

func (r *recorder) Helper() {}
