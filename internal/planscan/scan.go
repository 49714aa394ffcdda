package planscan

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// TrivyVersion is the Trivy release the scan is pinned to: its embedded
// checks decide what is found, so another version gives other findings.
const TrivyVersion = "0.74.0"

// TrivyEnv names the variable that points at a trivy binary.
const TrivyEnv = "TRIVY"

// Finding is one failed check in Trivy's report.
type Finding struct {
	ID       string // "AWS-0104"; the key of ignore rules
	AVDID    string // "AVD-AWS-0104"; deprecated by Trivy, often empty
	Severity string // CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN
	Title    string
	Resource string // the resource address, "aws_lb.load_balancer_alb_1A2B3C4D"
	Message  string
	// Accepted is the ignore rule that accepts the finding; nil if none.
	Accepted *Rule
}

// Blocking reports whether the finding fails the scan: HIGH or CRITICAL and
// not accepted by the ignore file.
func (f Finding) Blocking() bool {
	return f.Accepted == nil && (f.Severity == "HIGH" || f.Severity == "CRITICAL")
}

// DefaultTrivyPath is where scripts/install-trivy.sh puts the binary:
// $XDG_CACHE_HOME/n8n-builder-tools/trivy-v0.74.0/trivy, ~/.cache by default.
func DefaultTrivyPath() string {
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	return filepath.Join(cache, "n8n-builder-tools", "trivy-v"+TrivyVersion, "trivy")
}

// FindTrivy returns the trivy binary named by $TRIVY, or else the one at
// DefaultTrivyPath, after checking that it was built from Trivy v0.74.0.
func FindTrivy() (string, error) {
	bin := os.Getenv(TrivyEnv)
	if bin == "" {
		bin = DefaultTrivyPath()
	}
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("no trivy at %s (run scripts/install-trivy.sh, or set %s to a trivy v%s binary)", bin, TrivyEnv, TrivyVersion)
	}
	// `trivy --version` says "dev" unless the build set it; the module
	// version recorded in the binary is always there.
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		return "", fmt.Errorf("%s: not a Go binary with build info: %v", bin, err)
	}
	if info.Main.Path != "github.com/aquasecurity/trivy" || info.Main.Version != "v"+TrivyVersion {
		return "", fmt.Errorf("%s is %s %s, want github.com/aquasecurity/trivy v%s (run scripts/install-trivy.sh)", bin, info.Main.Path, info.Main.Version, TrivyVersion)
	}
	return bin, nil
}

// Scan runs `trivy config` over one plan JSON file (prepared with Clean),
// offline with the checks embedded in the binary, and returns every failed
// check, HIGH and CRITICAL first, each marked with the rule of ignoreFile
// that accepts it (see IgnoreFile); ignoreFile may be "".
//
// It fails if Trivy logs an error, such as a plan it could not parse: Trivy
// then still exits 0 with a report of no failures.
func Scan(ctx context.Context, trivyPath, planFile, ignoreFile string) ([]Finding, error) {
	var ignore *IgnoreFile
	if ignoreFile != "" {
		var err error
		if ignore, err = LoadIgnoreFile(ignoreFile); err != nil {
			return nil, err
		}
	}
	abs, err := filepath.Abs(planFile)
	if err != nil {
		return nil, err
	}
	// An empty cache dir makes Trivy use the checks embedded in the binary,
	// not a bundle an earlier online run left in ~/.cache/trivy; it is also
	// the working dir, so no stray trivy.yaml applies.
	work, err := os.MkdirTemp("", "planscan-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)

	cmd := exec.CommandContext(ctx, trivyPath, trivyArgs(work, abs)...)
	cmd.Dir = work
	cmd.Env = trivyEnv(os.Environ())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("trivy %s: %v\n%s", strings.Join(cmd.Args[1:], " "), err, stderr.String())
	}
	if errs := logErrors(stderr.String()); len(errs) > 0 {
		return nil, fmt.Errorf("trivy could not scan all of %s:\n%s", planFile, strings.Join(errs, "\n"))
	}
	findings, err := ParseReport(stdout.Bytes())
	if err != nil {
		return nil, err
	}
	now := time.Now()
	for i := range findings {
		findings[i].Accepted = ignore.Match(planFile, findings[i], now)
	}
	return findings, nil
}

// trivyArgs are the arguments of one scan. Not --quiet: it would also hide
// the errors logErrors looks for. No --ignorefile: Trivy cannot scope a rule
// to one plan file (see IgnoreFile), so the rules are applied after the scan.
func trivyArgs(cacheDir, planFile string) []string {
	return []string{
		"config",
		"--format", "json",
		"--misconfig-scanners", "terraformplan-json", // nothing else is in the file
		"--skip-check-update", // offline: the checks embedded in the binary
		"--skip-version-check",
		"--disable-telemetry",
		"--cache-dir", cacheDir,
		planFile,
	}
}

// trivyEnv drops TRIVY_* variables: Trivy reads every flag from them too
// (TRIVY_SEVERITY, TRIVY_IGNOREFILE...), and a developer's shell must not
// change what the scan reports.
func trivyEnv(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, "TRIVY_") })
}

// embeddedChecksFallback is the error Trivy always logs under
// --skip-check-update with an empty cache, where it then uses the embedded
// checks, as intended.
const embeddedChecksFallback = "Falling back to embedded checks"

// logErrors returns the ERROR and FATAL lines of Trivy's log, but the one it
// always writes when it uses its embedded checks.
func logErrors(log string) []string {
	var errs []string
	for _, line := range strings.Split(log, "\n") {
		fields := strings.SplitN(line, "\t", 3)
		if len(fields) < 3 || (fields[1] != "ERROR" && fields[1] != "FATAL") {
			continue
		}
		if strings.Contains(fields[2], embeddedChecksFallback) {
			continue
		}
		errs = append(errs, line)
	}
	return errs
}

// report is the part of Trivy's JSON report that Scan reads.
type report struct {
	SchemaVersion int
	Results       []struct {
		Target            string
		Type              string
		Misconfigurations []struct {
			ID, AVDID, Title, Message, Severity, Status string
			CauseMetadata                               struct{ Resource string }
		}
	}
}

// ParseReport reads the failed checks of a Trivy JSON report (`--format
// json`), HIGH and CRITICAL first, then by ID and resource. It fails if the
// report shows no Terraform plan was scanned.
func ParseReport(data []byte) ([]Finding, error) {
	var r report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("trivy report: %w", err)
	}
	if r.SchemaVersion != 2 {
		return nil, fmt.Errorf("trivy report: schema version %d, want 2", r.SchemaVersion)
	}
	var plan bool
	var out []Finding
	for _, res := range r.Results {
		plan = plan || res.Type == "terraformplan"
		for _, m := range res.Misconfigurations {
			if m.Status != "FAIL" {
				continue
			}
			out = append(out, Finding{
				ID: m.ID, AVDID: m.AVDID, Severity: m.Severity, Title: m.Title,
				Resource: m.CauseMetadata.Resource, Message: m.Message,
			})
		}
	}
	if !plan {
		return nil, fmt.Errorf("trivy report: no Terraform plan was scanned (does the file have format_version and terraform_version?)")
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		if c := severityRank(b.Severity) - severityRank(a.Severity); c != 0 {
			return c
		}
		if c := strings.Compare(a.ID, b.ID); c != 0 {
			return c
		}
		return strings.Compare(a.Resource, b.Resource)
	})
	return out, nil
}

func severityRank(s string) int {
	return slices.Index([]string{"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"}, s)
}
