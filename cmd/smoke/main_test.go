package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/stacks/outputs"
)

// saveOutputs writes targets as `terraform output -json` would print them.
func saveOutputs(t *testing.T, targets Targets) string {
	outputs := map[string]any{}
	if targets.Exposure != "" {
		outputs[exposureOutput] = map[string]any{"sensitive": false, "type": "string", "value": targets.Exposure}
	}
	for _, f := range fields {
		if v := *f.get(&targets); v != "" {
			outputs[f.output] = map[string]any{"sensitive": false, "type": "string", "value": v}
		}
	}
	data, err := json.Marshal(outputs)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "outputs.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunCommand(t *testing.T) {
	healthy, _ := deploy(t, app{}, app{}, false, nil)
	noUI, _ := deploy(t, app{}, app{ui: indexOnly}, false, nil)
	healthyFile := saveOutputs(t, healthy)
	noUIFile := saveOutputs(t, noUI)
	// A private ALB: its outputs hold no alb_url, and the ALB itself is down.
	private, _ := deploy(t, app{health: respond(http.StatusServiceUnavailable, "text/plain", "")}, app{}, false, nil)
	private.Exposure, private.ALBURL = ExposureCloudFront, ""
	privateFile := saveOutputs(t, private)
	emptyFile := saveOutputs(t, Targets{})
	fast := []string{"-interval", "10ms", "-request-timeout", "1s", "-hold", "20ms", "-timeout", "5s", "-attempts", "1"}

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{name: "help", args: []string{"-h"}, wantCode: 0, wantStderr: usageLine},
		{name: "unknown flag", args: []string{"-url", "x"}, wantCode: 2, wantStderr: "flag provided but not defined: -url"},
		{name: "stray argument", args: []string{"dev"}, wantCode: 2, wantStderr: `smoke: unexpected argument "dev"`},
		{name: "both -dir and -outputs", args: []string{"-dir", ".", "-outputs", healthyFile}, wantCode: 2, wantStderr: "smoke: -dir and -outputs both name the outputs; pass one"},
		{name: "zero timeout", args: []string{"-outputs", healthyFile, "-timeout", "0"}, wantCode: 2, wantStderr: "smoke: -timeout 0s: must be positive"},
		{name: "no attempts", args: []string{"-outputs", healthyFile, "-attempts", "0"}, wantCode: 2, wantStderr: "smoke: -attempts 0: must be at least 1"},
		{name: "unreadable outputs", args: []string{"-outputs", "testdata/nope.json"}, wantCode: 2, wantStderr: "smoke: open testdata/nope.json: no such file or directory"},
		{name: "missing outputs", args: []string{"-outputs", emptyFile}, wantCode: 2, wantStderr: "smoke: missing output alb_url: "},
		{name: "healthy", args: append([]string{"-outputs", healthyFile}, fast...), wantCode: 0, wantStdout: "5 passed, 0 failed, 0 skipped"},
		{name: "failed check", args: append([]string{"-outputs", noUIFile}, fast...), wantCode: 1, wantStdout: "FAIL  UI deep link via CloudFront"},
		{name: "private ALB", args: append([]string{"-outputs", privateFile}, fast...), wantCode: 0, wantStdout: "INFO  the ALB is private (load_balancer_exposure \"cloudfront\")"},
		{name: "private ALB told it is public", args: append([]string{"-outputs", privateFile, "-load-balancer-exposure", "public"}, fast...), wantCode: 2, wantStderr: "smoke: missing output alb_url: "},
		{
			name:       "flag overrides a broken output",
			args:       append([]string{"-outputs", noUIFile, "-cloudfront-url", healthy.CloudFrontURL}, fast...),
			wantCode:   0,
			wantStdout: "5 passed, 0 failed, 0 skipped",
		},
		{
			name:       "flag overrides a good output",
			args:       append([]string{"-outputs", healthyFile, "-cloudfront-url", noUI.CloudFrontURL}, fast...),
			wantCode:   1,
			wantStdout: "FAIL  UI deep link via CloudFront",
		},
		{
			name:       "flags alone",
			args:       append([]string{"-alb-url", healthy.ALBURL, "-websocket-url", healthy.WebSocketURL, "-cloudfront-url", healthy.CloudFrontURL, "-websocket-url-via-cloudfront", healthy.WebSocketViaCloudFrontURL}, fast...),
			wantCode:   0,
			wantStdout: "5 passed, 0 failed, 0 skipped",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tc.args, &stdout, &stderr)
			if code != tc.wantCode {
				t.Errorf("run(%q) = %d, want %d", tc.args, code, tc.wantCode)
			}
			if !strings.Contains(stdout.String(), tc.wantStdout) {
				t.Errorf("stdout lacks %q", tc.wantStdout)
			}
			if !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("stderr lacks %q", tc.wantStderr)
			}
			if t.Failed() {
				t.Logf("stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
			}
		})
	}
}

// TestOfficeHoursNote: a failed run of a scheduled environment points at
// waking it up; a passing one, or one without a schedule, does not.
func TestOfficeHoursNote(t *testing.T) {
	healthy, _ := deploy(t, app{}, app{}, false, nil)
	down, _ := deploy(t, app{health: respond(http.StatusServiceUnavailable, "text/plain", "no tasks")}, app{}, false, nil)
	withHours := func(targets Targets, hours string) string {
		path := saveOutputs(t, targets)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var outs map[string]any
		if err := json.Unmarshal(data, &outs); err != nil {
			t.Fatal(err)
		}
		if hours != "" {
			outs[outputs.OfficeHours] = map[string]any{"sensitive": false, "type": "string", "value": hours}
		}
		data, _ = json.Marshal(outs)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	const hours = "MON,TUE 08:00-19:00 Europe/Berlin"
	fast := []string{"-interval", "10ms", "-request-timeout", "1s", "-hold", "20ms", "-timeout", "300ms", "-attempts", "1"}
	for _, tc := range []struct {
		name     string
		file     string
		wantCode int
		wantNote bool
	}{
		{"down in a scheduled environment", withHours(down, hours), 1, true},
		{"healthy in a scheduled environment", withHours(healthy, hours), 0, false},
		{"down without a schedule", withHours(down, ""), 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), append([]string{"-outputs", tc.file}, fast...), &stdout, &stderr)
			note := strings.Contains(stdout.String(), "note: the bridge runs only in office hours ("+hours+")")
			if code != tc.wantCode || note != tc.wantNote {
				t.Errorf("exit %d, note %v; want %d, %v\nstdout:\n%s\nstderr:\n%s", code, note, tc.wantCode, tc.wantNote, stdout.String(), stderr.String())
			}
		})
	}
}

func TestRunCommandFromDir(t *testing.T) {
	healthy, _ := deploy(t, app{}, app{}, false, nil)
	data, err := os.ReadFile(saveOutputs(t, healthy))
	if err != nil {
		t.Fatal(err)
	}
	dir := fakeTerraform(t, "cat outputs.json")
	if err := os.WriteFile(filepath.Join(dir, "outputs.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"-dir", dir, "-interval", "10ms", "-hold", "20ms"}, &stdout, &stderr)
	if code != 0 || !strings.Contains(stdout.String(), "5 passed, 0 failed, 0 skipped") {
		t.Errorf("run(-dir) = %d, want 0 and all passed\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
}
