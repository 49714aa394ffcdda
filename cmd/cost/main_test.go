package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/internal/golden"
)

// runCost runs the command and returns its exit code, stdout and stderr.
func runCost(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRunTable(t *testing.T) {
	code, out, errOut := runCost("-stack", "testdata/small.tf.json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden.Check(t, "small.golden.txt", []byte(out))
}

func TestRunJSON(t *testing.T) {
	code, out, errOut := runCost("-stack", "testdata/prod.tf.json", "-json", "-nat-gb", "200")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if rep.Region != "us-east-1" || rep.Assumptions.NATGB != 200 || rep.Assumptions.Hours != 730 {
		t.Errorf("got region %q, assumptions %+v; want us-east-1, -nat-gb 200 and the default 730 hours", rep.Region, rep.Assumptions)
	}
	nat := rep.Lines[slices.IndexFunc(rep.Lines, func(l Line) bool { return l.Component == "NAT data processed" })]
	if !near(nat.Min, 200*0.045) {
		t.Errorf("NAT data processed: got %v; want 200 GB × $0.045 = 9", nat.Min)
	}
	if !(rep.Min < rep.Max) {
		t.Errorf("total: got %v–%v; want min < max (prod autoscales 2–6)", rep.Min, rep.Max)
	}
}

func TestRunEnvShorthand(t *testing.T) {
	// -env reads cdktf.out/stacks/<env>/cdk.tf.json relative to the working
	// directory; here it does not exist, and the error names the path.
	code, _, errOut := runCost("-env", "nosuchenv")
	if code != 1 || !strings.Contains(errOut, filepath.Join("cdktf.out", "stacks", "nosuchenv", "cdk.tf.json")) {
		t.Errorf("got exit %d, stderr %q; want 1 and the path of the missing stack", code, errOut)
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	euWest := filepath.Join(dir, "cdk.tf.json")
	if err := os.WriteFile(euWest, []byte(stackJSON(`[{"region": "eu-west-1"}]`, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no stack", nil, 2, "no stack given"},
		{"stack and env", []string{"-stack", dir, "-env", "dev"}, 2, "not both"},
		{"stray argument", []string{"-env", "dev", "extra"}, 2, `unexpected argument "extra"`},
		{"bad number", []string{"-env", "dev", "-hours", "lots"}, 2, "not a number"},
		{"out of range", []string{"-stack", "testdata/small.tf.json", "-hours", "-5"}, 2, "want a number >= 0"},
		{"other region", []string{"-stack", dir}, 1, `region "eu-west-1" is not priced`},
		{"readme with stack", []string{"-update-readme", "-env", "dev"}, 2, "drop -stack"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCost(tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("got exit %d, stderr %q; want exit %d and %q", code, errOut, tt.code, tt.want)
			}
		})
	}
}

func TestRunHelpShowsDefaults(t *testing.T) {
	code, _, errOut := runCost("-h")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"-hours value", "(default 730)", "(default 1000000)", "-update-readme"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("help does not contain %q:\n%s", want, errOut)
		}
	}
}
