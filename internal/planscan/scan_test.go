package planscan

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseReport(t *testing.T) {
	// testdata/report.json is trivy v0.74.0's report on testdata/plan.json
	// after Clean: one result that only counts passes, one with the failures.
	got, err := ParseReport(readFile(t, "testdata/report.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Finding{
		{ID: "AWS-0104", Severity: "CRITICAL", Resource: "aws_vpc_security_group_egress_rule.networking_bridge_egress_443_C16D8182",
			Title: "A security group rule should not allow unrestricted egress to any IP address.", Message: "Security group rule allows unrestricted egress to any IP address."},
		{ID: "AWS-0178", Severity: "MEDIUM", Resource: "aws_vpc.networking_vpc_7065E1BC", Message: "VPC does not have VPC Flow Logs enabled."},
		{ID: "AWS-0017", Severity: "LOW", Resource: "aws_cloudwatch_log_group.networking_flow_log_group_3AAA2407",
			Title: "CloudWatch log groups should be encrypted using CMK", Message: "Log group is not encrypted."},
	}
	if len(got) != len(want) {
		t.Fatalf("%d findings, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g := got[i]
		if want[i].Title == "" { // a long title: check only its start
			g.Title = ""
			if !strings.HasPrefix(got[i].Title, "VPC Flow Logs is a feature") {
				t.Errorf("finding %d: title %q", i, got[i].Title)
			}
		}
		if !reflect.DeepEqual(g, want[i]) {
			t.Errorf("finding %d:\ngot  %+v\nwant %+v", i, g, want[i])
		}
	}
}

func TestParseReportOnlyFailures(t *testing.T) {
	report := `{"SchemaVersion": 2, "Results": [{"Target": "main.tf", "Type": "terraformplan", "Misconfigurations": [
		{"ID": "AWS-0001", "Severity": "HIGH", "Status": "PASS"},
		{"ID": "AWS-0002", "Severity": "LOW", "Status": "FAIL", "CauseMetadata": {"Resource": "aws_s3_bucket.b"}},
		{"ID": "AWS-0003", "Severity": "HIGH", "Status": "FAIL", "CauseMetadata": {"Resource": "aws_s3_bucket.b"}}]}]}`
	got, err := ParseReport([]byte(report))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range got {
		ids = append(ids, f.ID)
	}
	if want := []string{"AWS-0003", "AWS-0002"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("findings %v, want %v (failures only, HIGH first)", ids, want)
	}
}

func TestParseReportErrors(t *testing.T) {
	tests := []struct{ name, report, want string }{
		{"not JSON", `{`, "trivy report"},
		{"old schema", `{"SchemaVersion": 1, "Results": [{"Type": "terraformplan"}]}`, "schema version 1"},
		{"no plan scanned", `{"SchemaVersion": 2, "Results": [{"Target": "x.json", "Type": "cloudformation"}]}`, "no Terraform plan was scanned"},
		{"no results", `{"SchemaVersion": 2}`, "no Terraform plan was scanned"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseReport([]byte(tt.report))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one with %q", err, tt.want)
			}
		})
	}
}

func TestLogErrors(t *testing.T) {
	log := strings.Join([]string{
		"2026-11-27T03:40:39Z\tINFO\t[misconfig] Misconfiguration scanning is enabled",
		"2026-11-27T03:40:39Z\tERROR\t[misconfig] Falling back to embedded checks\terr=\"failed to check cache\"",
		"2026-11-27T03:40:41Z\tERROR\t[terraform parser] Error parsing file\tmodule=\"root\" file_path=\"main.tf\"",
		"2026-11-27T03:40:41Z\tWARN\t[misconfig] something",
		"2026-11-27T03:40:41Z\tFATAL\tboom",
		"",
	}, "\n")
	got := logErrors(log)
	if len(got) != 2 || !strings.Contains(got[0], "Error parsing file") || !strings.Contains(got[1], "boom") {
		t.Errorf("logErrors = %q, want the parse error and the fatal line", got)
	}
	if got := logErrors("2026-11-27T03:40:39Z\tERROR\t[misconfig] Falling back to embedded checks\n"); len(got) != 0 {
		t.Errorf("logErrors = %q, want none for the embedded-checks fallback", got)
	}
}

func TestTrivyEnv(t *testing.T) {
	got := trivyEnv([]string{"HOME=/root", "TRIVY=/bin/trivy", "TRIVY_SEVERITY=CRITICAL", "TRIVY_IGNOREFILE=x"})
	if want := []string{"HOME=/root", "TRIVY=/bin/trivy"}; !reflect.DeepEqual(got, want) {
		t.Errorf("trivyEnv = %v, want %v", got, want)
	}
}

func TestDefaultTrivyPath(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/c")
	if got, want := DefaultTrivyPath(), "/c/n8n-builder-tools/trivy-v0.74.0/trivy"; got != want {
		t.Errorf("DefaultTrivyPath() = %s, want %s", got, want)
	}
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "/h")
	if got, want := DefaultTrivyPath(), "/h/.cache/n8n-builder-tools/trivy-v0.74.0/trivy"; got != want {
		t.Errorf("DefaultTrivyPath() = %s, want %s", got, want)
	}
}

func TestFindTrivyErrors(t *testing.T) {
	t.Setenv(TrivyEnv, filepath.Join(t.TempDir(), "trivy"))
	if _, err := FindTrivy(); err == nil || !strings.Contains(err.Error(), "scripts/install-trivy.sh") {
		t.Errorf("missing binary: error %v, want one naming scripts/install-trivy.sh", err)
	}
	// The test binary is a Go binary, but not trivy.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(TrivyEnv, self)
	if _, err := FindTrivy(); err == nil || !strings.Contains(err.Error(), "want github.com/aquasecurity/trivy v0.74.0") {
		t.Errorf("wrong binary: error %v, want a version mismatch", err)
	}
}

// TestScan runs the real trivy over testdata/plan.json, raw and cleaned.
// It needs the binary (scripts/install-trivy.sh); about two seconds a scan.
func TestScan(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the trivy scans")
	}
	trivy, err := FindTrivy()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	dir := t.TempDir()
	ignore := filepath.Join(dir, "ignore.yaml")
	writeFile(t, ignore, `misconfigurations:
  - id: AWS-0104
    statement: only in plans named dev.*
    paths: [dev.*]
    resources: [aws_vpc_security_group_egress_rule.networking_bridge_egress_443_*]
  - id: AWS-0017
    statement: everywhere
`)

	t.Run("raw plan is not scanned", func(t *testing.T) {
		t.Parallel()
		// Its unknown list elements make trivy fail to parse the plan.
		_, err := Scan(context.Background(), trivy, "testdata/plan.json", "")
		if err == nil || !strings.Contains(err.Error(), "Error parsing file") {
			t.Errorf("error %v, want trivy's parse error", err)
		}
	})
	t.Run("cleaned plan", func(t *testing.T) {
		t.Parallel()
		clean, err := Clean(readFile(t, "testdata/plan.json"))
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "dev.tfplan.json")
		writeFile(t, file, string(clean))
		findings, err := Scan(context.Background(), trivy, file, ignore)
		if err != nil {
			t.Fatal(err)
		}
		rules, err := LoadIgnoreFile(ignore)
		if err != nil {
			t.Fatal(err)
		}
		// The rules apply by the plan file's name: the same findings in a
		// plan named prod.* are accepted by the unscoped rule only. One
		// scan serves both names (each scan is seconds of CPU).
		for _, name := range []string{"dev.tfplan.json", "prod.tfplan.json"} {
			accepted := map[string]bool{}
			for _, f := range findings {
				if name == "dev.tfplan.json" {
					accepted[f.ID] = f.Accepted != nil // as Scan matched them
				} else {
					accepted[f.ID] = rules.Match(name, f, time.Now()) != nil
				}
			}
			want := map[string]bool{"AWS-0104": name == "dev.tfplan.json", "AWS-0178": false, "AWS-0017": true}
			if !reflect.DeepEqual(accepted, want) {
				t.Errorf("%s: accepted by ID %v, want %v", name, accepted, want)
			}
		}
	})
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
