package stacks_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/stacks"
)

// TestSynthFailureIsOneLine: when cdktf cannot write a stack (its folder is
// a file), Synth returns one line naming the output folder and the cause,
// not a panic with Go and JavaScript stack traces.
func TestSynthFailureIsOneLine(t *testing.T) {
	dir := t.TempDir()
	app := stacks.NewApp(dir)
	stacks.New(app, stack(t, "dev").env)
	if err := os.MkdirAll(filepath.Join(dir, "stacks"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stacks", "dev"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := stacks.Synth(app)
	if err == nil {
		t.Fatal("synthesized over a file where the stack's folder goes; want an error")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, dir+": synthesis failed: ") || !strings.Contains(msg, "not a directory") || strings.Contains(msg, "\n") {
		t.Errorf("error %q, want one line: <outdir>: synthesis failed: ...not a directory...", msg)
	}
}

// TestCheckOutput refuses, before the jsii runtime starts, an output folder
// that cannot be made and a CDKTF_CONTEXT_JSON that is not a JSON object,
// and creates the stacks folder otherwise.
func TestCheckOutput(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := stacks.CheckOutput(file); err == nil || !strings.HasPrefix(err.Error(), file+": the stacks cannot be written there: ") {
		t.Errorf("outdir is a file: error %v", err)
	}
	t.Setenv("CDKTF_OUTDIR", filepath.Join(file, "out"))
	if err := stacks.CheckOutput(""); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("CDKTF_OUTDIR under a file: error %v", err)
	}
	out := filepath.Join(dir, "out")
	if err := stacks.CheckOutput(out); err != nil {
		t.Errorf("a new folder: %v", err)
	} else if info, err := os.Stat(filepath.Join(out, "stacks")); err != nil || !info.IsDir() {
		t.Errorf("%s/stacks not created: %v", out, err)
	}
	t.Setenv("CDKTF_CONTEXT_JSON", "{bad")
	if err := stacks.CheckOutput(out); err == nil || !strings.HasPrefix(err.Error(), "CDKTF_CONTEXT_JSON") {
		t.Errorf("malformed CDKTF_CONTEXT_JSON: error %v", err)
	}
}
