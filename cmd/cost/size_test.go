package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxLines is issue 13's budget for this command: at most 800 lines of Go besides the tests,
// so one person can read it all and check every figure against prices.go by hand.
const maxLines = 800

// nonTestLines counts the lines (as `wc -l` does) of the Go files in dir that are not tests,
// and says how many each has.
func nonTestLines(dir string) (int, []string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, nil, err
	}
	total, perFile := 0, []string{}
	for _, f := range entries {
		if f.IsDir() || !strings.HasSuffix(f.Name(), ".go") || strings.HasSuffix(f.Name(), "_test.go") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			return 0, nil, err
		}
		n := bytes.Count(data, []byte("\n"))
		total += n
		perFile = append(perFile, fmt.Sprintf("%s %d", f.Name(), n))
	}
	return total, perFile, nil
}

func TestStaysSmall(t *testing.T) {
	n, perFile, err := nonTestLines(".")
	if err != nil {
		t.Fatal(err)
	}
	if n > maxLines {
		t.Errorf("cmd/cost has %d non-test lines (%s); issue 13 keeps it at most %d so the tool stays small "+
			"enough to read and check by hand: make room by simplifying (standard library over hand-written "+
			"helpers, no entries for types the app never creates) before adding", n, strings.Join(perFile, ", "), maxLines)
	}
}

// The twin: the count skips tests, other files and directories, and a package one line over
// the budget is over it.
func TestNonTestLinesCountsOnlyCode(t *testing.T) {
	dir := t.TempDir()
	for name, lines := range map[string]int{"a.go": maxLines - 1, "b.go": 2, "a_test.go": 50, "notes.txt": 50, "sub/c.go": 50} {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(strings.Repeat("x\n", lines)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	n, perFile, err := nonTestLines(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n != maxLines+1 {
		t.Errorf("got %d lines (%s); want %d, a.go and b.go only, over the budget of %d", n, strings.Join(perFile, ", "), maxLines+1, maxLines)
	}
}
