package planscan

import (
	"strings"
	"testing"
	"time"
)

const validIgnore = `# accepted findings
misconfigurations:
  - id: AWS-0053
    statement: the ALB is public by design

  - id: AWS-0104
    statement: the bridge calls the Anthropic API
    resources:
      - aws_vpc_security_group_egress_rule.networking_bridge_egress_443_*
  - id: AWS-0054
    statement: dev has no certificate
    paths: [dev.tfplan.json]
    expired_at: 2030-01-02
`

func TestParseIgnoreFile(t *testing.T) {
	f, err := ParseIgnoreFile([]byte(validIgnore))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rules) != 3 {
		t.Fatalf("%d rules, want 3", len(f.Rules))
	}
	r := f.Rules[2]
	if r.ID != "AWS-0054" || r.Line != 10 || r.Paths[0] != "dev.tfplan.json" || r.Statement != "dev has no certificate" ||
		!r.ExpiredAt.Equal(time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("rule 3 = %+v", r)
	}
	if got := f.Rules[1].String(); got != "line 6 (AWS-0104)" {
		t.Errorf("String() = %q", got)
	}
	if f, err := ParseIgnoreFile(nil); err != nil || len(f.Rules) != 0 {
		t.Errorf("empty file: %v rules, error %v; want none and no error", f, err)
	}
}

// TestParseIgnoreFileErrors: one case per rule, all problems reported at once.
func TestParseIgnoreFileErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"no statement", "misconfigurations:\n  - id: AWS-0053\n", []string{"line 2 (AWS-0053): no statement"}},
		{"blank statement", "misconfigurations:\n  - id: AWS-0053\n    statement: '  '\n", []string{"line 2 (AWS-0053): no statement"}},
		{"no id", "misconfigurations:\n  - statement: why\n", []string{"line 2: no id"}},
		{"misspelled key", "misconfigurations:\n  - id: AWS-0053\n    statement: why\n    path: [dev.tfplan.json]\n", []string{"field path not found"}},
		{"other section", "vulnerabilities:\n  - id: CVE-1\n    statement: why\n", []string{"field vulnerabilities not found"}},
		{"bad glob", "misconfigurations:\n  - id: AWS-0053\n    statement: why\n    resources: ['aws_lb.[']\n", []string{`bad glob "aws_lb.["`}},
		{"empty glob", "misconfigurations:\n  - id: AWS-0053\n    statement: why\n    paths: ['']\n", []string{`bad glob ""`}},
		{"all at once", "misconfigurations:\n  - id: AWS-0053\n  - id: AWS-0054\n    statement: why\n  - statement: why\n",
			[]string{"line 2 (AWS-0053): no statement", "line 5: no id"}},
		{"not YAML", "misconfigurations: [", []string{"yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseIgnoreFile([]byte(tt.yaml))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestMatch(t *testing.T) {
	f, err := ParseIgnoreFile([]byte(validIgnore))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	egress := "aws_vpc_security_group_egress_rule.networking_bridge_egress_443_C16D8182"
	tests := []struct {
		name     string
		plan     string
		finding  Finding
		now      time.Time
		wantLine int // 0: no rule
	}{
		{"by id, any plan, any resource", "/tmp/x/prod.tfplan.json", Finding{ID: "AWS-0053", Resource: "aws_lb.alb"}, now, 3},
		{"by AVD ID", "prod.tfplan.json", Finding{ID: "X", AVDID: "AWS-0053"}, now, 3},
		{"fails: other id", "prod.tfplan.json", Finding{ID: "AWS-0052", Resource: "aws_lb.alb"}, now, 0},
		{"resource glob", "prod.tfplan.json", Finding{ID: "AWS-0104", Resource: egress}, now, 6},
		{"fails: other resource", "prod.tfplan.json", Finding{ID: "AWS-0104", Resource: "aws_vpc_security_group_egress_rule.alb_egress_1A2B"}, now, 0},
		{"path glob on the base name", "/tmp/x/dev.tfplan.json", Finding{ID: "AWS-0054"}, now, 10},
		{"fails: other plan", "/tmp/dev/prod.tfplan.json", Finding{ID: "AWS-0054"}, now, 0},
		{"fails: expired", "dev.tfplan.json", Finding{ID: "AWS-0054"}, time.Date(2030, 1, 3, 0, 0, 0, 0, time.UTC), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.Match(tt.plan, tt.finding, tt.now)
			got := 0
			if r != nil {
				got = r.Line
			}
			if got != tt.wantLine {
				t.Errorf("matched rule at line %d, want %d", got, tt.wantLine)
			}
		})
	}
	var none *IgnoreFile
	if r := none.Match("dev.tfplan.json", Finding{ID: "AWS-0053"}, now); r != nil {
		t.Errorf("nil file matched %v", r)
	}
}
