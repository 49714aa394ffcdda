// Package golden compares test output with files under testdata/, rewrites
// them under the -update flag, and prints a readable diff and the command
// that refreshes them. Every golden file of the repository goes through it.
package golden

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// update is the -update flag of every test binary that uses Check.
var update = flag.Bool("update", false, "rewrite the golden files in testdata/ instead of comparing with them")

// Check compares got with testdata/<name> of the package under test; with
// -update it rewrites the file instead. A mismatch prints a readable diff and
// the command that refreshes the file.
func Check(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; create it with: %s", err, RefreshCommand())
	}
	if d := Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (- golden, + got). Read the diff; if the change is intended, refresh with: %s\n%s", path, RefreshCommand(), d)
	}
}

// RefreshCommand is the command that rewrites the golden files of the
// package under test, to be run from the repository root. `go test` runs a
// package's tests in the package's directory, so it is found from there;
// `go test ./... -update` would not do: packages without the flag reject it.
func RefreshCommand() string {
	dir, err := os.Getwd()
	if err != nil {
		return "go test <package> -update"
	}
	for root := dir; ; {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			rel, _ := filepath.Rel(root, dir)
			return "go test ./" + strings.TrimPrefix(filepath.ToSlash(rel), ".") + " -update  (from the repository root)"
		}
		parent := filepath.Dir(root)
		if parent == root {
			return "go test . -update  (in " + dir + ")"
		}
		root = parent
	}
}

// Diff describes how got differs from want, or returns "" when they are
// equal: where the first difference is, with 3 lines of context before it
// and up to 6 lines of each side from there.
func Diff(want, got string) string {
	if want == got {
		return ""
	}
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "first difference at line %d (want %d lines, got %d lines)\n", i+1, len(w), len(g))
	for j := max(0, i-3); j < i; j++ {
		fmt.Fprintf(&b, "  %s\n", w[j])
	}
	for j := i; j < min(len(w), i+6); j++ {
		fmt.Fprintf(&b, "- %s\n", w[j])
	}
	for j := i; j < min(len(g), i+6); j++ {
		fmt.Fprintf(&b, "+ %s\n", g[j])
	}
	return b.String()
}
