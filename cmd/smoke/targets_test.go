package main

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/stacks/outputs"
)

// prodTargets are what the golden prod stack's outputs (goldenOutputs), an
// environment with a custom domain, HTTPS and a private ALB, resolve to.
var prodTargets = Targets{
	Exposure:                  ExposureCloudFront, // prod's ALB is internal
	ALBURL:                    "https://dns-name.aws-lb.test",
	WebSocketURL:              "wss://builder.example.com/ws",
	CloudFrontURL:             "https://domain-name.aws-cloudfront-distribution.test",
	WebSocketViaCloudFrontURL: "wss://builder.example.com/ws",
	UIURL:                     "https://builder.example.com",
}

func TestParseOutputs(t *testing.T) {
	got, err := parseOutputs(goldenOutputs(t, "prod"))
	if err != nil {
		t.Fatalf("parseOutputs() error = %v", err)
	}
	if got[outputs.ALBURL] != prodTargets.ALBURL {
		t.Errorf(`parseOutputs()[%q] = %v, want %q`, outputs.ALBURL, got[outputs.ALBURL], prodTargets.ALBURL)
	}
	if got[outputs.ECSClusterName] != "name.aws-ecs-cluster.test" {
		t.Errorf(`parseOutputs()[%q] = %v, want the resolved reference`, outputs.ECSClusterName, got[outputs.ECSClusterName])
	}
	// Outputs the check does not use may have any type.
	got, err = parseOutputs([]byte(`{"subnets": {"sensitive": false, "type": ["list", "string"], "value": ["subnet-0a1", "subnet-0b2"]}}`))
	if want := []any{"subnet-0a1", "subnet-0b2"}; err != nil || !reflect.DeepEqual(got["subnets"], want) {
		t.Errorf(`parseOutputs()["subnets"] = %v, %v; want %v`, got["subnets"], err, want)
	}
}

func TestParseOutputsErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"not JSON", "No outputs found"},
		{"a list", `["https://x"]`},
		{"values without the envelope", `{"alb_url": "https://x"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseOutputs([]byte(tc.in))
			if err == nil || !strings.HasPrefix(err.Error(), "not the output of terraform output -json: ") {
				t.Errorf("parseOutputs(%q) error = %v, want one starting %q", tc.in, err, "not the output of terraform output -json: ")
			}
		})
	}
}

func TestTargetsFrom(t *testing.T) {
	prod, err := parseOutputs(goldenOutputs(t, "prod"))
	if err != nil {
		t.Fatal(err)
	}
	without := func(names ...string) map[string]any {
		m := map[string]any{}
		for k, v := range prod {
			m[k] = v
		}
		for _, n := range names {
			delete(m, n)
		}
		return m
	}
	with := func(name string, value any) map[string]any {
		m := without()
		m[name] = value
		return m
	}
	tests := []struct {
		name      string
		outputs   map[string]any
		overrides Targets
		want      Targets
		wantErrs  []string // each must appear in the error
	}{
		{name: "all from outputs", outputs: prod, want: prodTargets},
		{
			name:      "flags override outputs",
			outputs:   prod,
			overrides: Targets{ALBURL: "http://localhost:3000", UIURL: "https://ui.test"},
			want: Targets{
				Exposure:                  ExposureCloudFront,
				ALBURL:                    "http://localhost:3000",
				WebSocketURL:              prodTargets.WebSocketURL,
				CloudFrontURL:             prodTargets.CloudFrontURL,
				WebSocketViaCloudFrontURL: prodTargets.WebSocketViaCloudFrontURL,
				UIURL:                     "https://ui.test",
			},
		},
		{
			name:      "flags alone",
			overrides: Targets{ALBURL: "http://a", WebSocketURL: "ws://a/ws", CloudFrontURL: "https://c", WebSocketViaCloudFrontURL: "wss://c/ws"},
			want:      Targets{Exposure: ExposurePublic, ALBURL: "http://a", WebSocketURL: "ws://a/ws", CloudFrontURL: "https://c", WebSocketViaCloudFrontURL: "wss://c/ws"},
		},
		{
			name:    "private ALB: alb_url is not needed",
			outputs: without(outputs.ALBURL),
			want: Targets{Exposure: ExposureCloudFront, WebSocketURL: prodTargets.WebSocketURL, CloudFrontURL: prodTargets.CloudFrontURL,
				WebSocketViaCloudFrontURL: prodTargets.WebSocketViaCloudFrontURL, UIURL: prodTargets.UIURL},
		},
		{
			name:      "flag overrides the exposure",
			outputs:   prod,
			overrides: Targets{Exposure: ExposurePublic},
			want:      func() Targets { p := prodTargets; p.Exposure = ExposurePublic; return p }(),
		},
		{
			name:     "public ALB needs alb_url",
			outputs:  func() map[string]any { m := without(outputs.ALBURL); m[exposureOutput] = ExposurePublic; return m }(),
			wantErrs: []string{"missing output alb_url:"},
		},
		{
			name:     "no exposure output means public",
			outputs:  without(exposureOutput, outputs.ALBURL),
			wantErrs: []string{"missing output alb_url:"},
		},
		{
			name:     "unknown exposure",
			outputs:  with(exposureOutput, "private"),
			wantErrs: []string{`load_balancer_exposure "private": want "public" or "cloudfront"`},
		},
		{
			name:     "exposure not a string",
			outputs:  with(exposureOutput, true),
			wantErrs: []string{`output load_balancer_exposure is true, want "public" or "cloudfront"`},
		},
		{
			name:    "custom domains are optional",
			outputs: without(outputs.UIURL),
			want:    Targets{Exposure: ExposureCloudFront, ALBURL: prodTargets.ALBURL, WebSocketURL: prodTargets.WebSocketURL, CloudFrontURL: prodTargets.CloudFrontURL, WebSocketViaCloudFrontURL: prodTargets.WebSocketViaCloudFrontURL},
		},
		{
			name:     "missing output",
			outputs:  without(outputs.WebSocketViaCloudFrontURL),
			wantErrs: []string{"missing output websocket_url_via_cloudfront: the stack outputs lack it and -websocket-url-via-cloudfront is not set; apply the stack or pass -websocket-url-via-cloudfront"},
		},
		{
			name:    "no outputs names every required one",
			outputs: map[string]any{},
			wantErrs: []string{
				"missing output alb_url:", "missing output websocket_url:",
				"missing output cloudfront_url:", "missing output websocket_url_via_cloudfront:",
			},
		},
		{
			name:     "output not a string",
			outputs:  with(outputs.ALBURL, []any{"https://a", "https://b"}),
			wantErrs: []string{"output alb_url is [https://a https://b], want a string URL"},
		},
		{
			name:     "websocket URL with http scheme",
			outputs:  with(outputs.WebSocketURL, "https://api.example.com/ws"),
			wantErrs: []string{`websocket_url "https://api.example.com/ws": scheme must be ws or wss`},
		},
		{
			name:      "custom domain over http",
			outputs:   prod,
			overrides: Targets{UIURL: "http://app.example.com"},
			wantErrs:  []string{`ui_url "http://app.example.com": scheme must be https`},
		},
		{
			name:     "URL without host",
			outputs:  with(outputs.ALBURL, "http://"),
			wantErrs: []string{`alb_url "http://": no host`},
		},
		{
			name:     "not a URL",
			outputs:  with(outputs.CloudFrontURL, "d1234abcd.cloudfront.net"),
			wantErrs: []string{`cloudfront_url "d1234abcd.cloudfront.net": scheme must be http or https`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := targetsFrom(tc.outputs, tc.overrides)
			if len(tc.wantErrs) == 0 {
				if err != nil {
					t.Fatalf("targetsFrom() error = %v", err)
				}
				if got != tc.want {
					t.Errorf("targetsFrom() = %+v, want %+v", got, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("targetsFrom() = %+v, want an error", got)
			}
			for _, w := range tc.wantErrs {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("targetsFrom() error = %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

// fakeTerraform puts a terraform on PATH that runs script, and returns a
// stack dir holding outputs.json.
func fakeTerraform(t *testing.T, script string) string {
	if runtime.GOOS == "windows" {
		t.Skip("fake terraform is a shell script")
	}
	bin := t.TempDir()
	err := os.WriteFile(filepath.Join(bin, "terraform"), []byte("#!/bin/sh\n"+script+"\n"), 0o755)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	stack := t.TempDir()
	if err := os.WriteFile(filepath.Join(stack, "outputs.json"), goldenOutputs(t, "prod"), 0o644); err != nil {
		t.Fatal(err)
	}
	return stack
}

func TestReadOutputsFromDir(t *testing.T) {
	// Reading outputs.json relative to the working directory proves terraform
	// runs in the stack dir; the args check proves it asks for JSON.
	dir := fakeTerraform(t, `[ "$*" = "output -json -no-color" ] || { echo "unexpected args: $*" >&2; exit 9; }
cat outputs.json`)
	outputs, err := readOutputs(t.Context(), dir, "")
	if err != nil {
		t.Fatalf("readOutputs() error = %v", err)
	}
	got, err := targetsFrom(outputs, Targets{})
	if err != nil || got != prodTargets {
		t.Errorf("targets from -dir = %+v, %v; want %+v", got, err, prodTargets)
	}
}

func TestReadOutputsErrors(t *testing.T) {
	tests := []struct {
		name    string
		script  string // of the fake terraform; "" runs none
		file    string // "" reads from the fake terraform's dir
		wantErr string // the error must contain it
	}{
		{
			name:    "terraform fails",
			script:  `echo "Error: No outputs found" >&2; exit 1`,
			wantErr: ": exit status 1: Error: No outputs found",
		},
		{
			name:    "terraform prints no JSON",
			script:  `echo "Warning: no state"`,
			wantErr: ": not the output of terraform output -json: ",
		},
		{name: "file missing", file: "testdata/nope.json", wantErr: "open testdata/nope.json: no such file or directory"},
		{name: "file not JSON", file: "targets_test.go", wantErr: "targets_test.go: not the output of terraform output -json: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var dir string
			if tc.script != "" {
				dir = fakeTerraform(t, tc.script)
				tc.wantErr = "terraform output -json in " + dir + tc.wantErr
			}
			_, err := readOutputs(t.Context(), dir, tc.file)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("readOutputs() error = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestReadOutputsNone(t *testing.T) {
	got, err := readOutputs(t.Context(), "", "")
	if got != nil || err != nil {
		t.Errorf("readOutputs() = %v, %v; want nil, nil so flags alone are used", got, err)
	}
}
