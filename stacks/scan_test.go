package stacks_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/n8n-builder/infra/internal/planscan"
	"github.com/n8n-builder/infra/internal/testutil"
)

// ignoreFile holds the accepted findings, each with its reason.
const ignoreFile = "../.trivyignore.yaml"

// TestSecurityScan scans each environment's plan with Trivy v0.74.0 (see
// internal/planscan): a HIGH or CRITICAL finding fails unless the ignore file
// accepts it; every other finding is logged. An ignore rule that accepts
// nothing in any environment fails too, so the file lists only what exists.
func TestSecurityScan(t *testing.T) {
	t.Parallel()                                       // plans run together (see TestMain)
	ignore, err := planscan.LoadIgnoreFile(ignoreFile) // checked even without trivy
	if err != nil {
		t.Fatal(err)
	}
	trivy := needTrivy(t)

	var (
		mu      sync.Mutex
		used    = map[int]bool{} // rule lines
		scanned int
	)
	var envs []string // every environment, so a new one is scanned too
	for name := range synthesized {
		envs = append(envs, name)
	}
	sort.Strings(envs)
	t.Run("env", func(t *testing.T) {
		for _, env := range envs {
			t.Run(env, func(t *testing.T) {
				t.Parallel()
				findings := scanPlan(t, trivy, env)
				for _, f := range findings {
					switch {
					case f.Blocking():
						t.Errorf("%s %s %s on %s: %s (%s) — fix it, or if it is by design, add a rule with the reason to .trivyignore.yaml",
							env, f.ID, f.Severity, f.Resource, f.Title, f.Message)
					case f.Accepted != nil:
						t.Logf("%s %s %s %s: %s — accepted by .trivyignore.yaml line %d: %s", env, f.ID, f.Severity, f.Resource, f.Title, f.Accepted.Line, f.Accepted.Statement)
					default:
						t.Logf("%s %s %s %s: %s", env, f.ID, f.Severity, f.Resource, f.Title)
					}
				}
				mu.Lock()
				defer mu.Unlock()
				scanned++
				for _, f := range findings {
					if f.Accepted != nil {
						used[f.Accepted.Line] = true
					}
				}
			})
		}
	})

	if scanned < len(envs) {
		return // a scan failed or was filtered out: unused rules prove nothing
	}
	for _, r := range ignore.Rules {
		if !used[r.Line] {
			t.Errorf("%s %s accepts no finding in any environment: remove it", ignoreFile, r)
		}
	}
}

// scanPlan scans the terraform plan of stack name with Trivy and returns
// its findings, each marked with the ignore file's rule that accepts it.
func scanPlan(t *testing.T, trivy, name string) []planscan.Finding {
	t.Helper()
	clean, err := planscan.Clean(planJSON(t, name))
	if err != nil {
		t.Fatal(err)
	}
	// The ignore file's "paths" match this name.
	file := filepath.Join(t.TempDir(), name+".tfplan.json")
	if err := os.WriteFile(file, clean, 0o644); err != nil {
		t.Fatal(err)
	}
	findings, err := planscan.Scan(context.Background(), trivy, file, ignoreFile)
	if err != nil {
		t.Fatal(err)
	}
	return findings
}

// needTrivy returns the trivy binary, or skips the test with how to get it,
// except under CI=true, where a missing tool is a failure.
func needTrivy(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping the security scan")
	}
	bin, err := planscan.FindTrivy()
	if err != nil {
		testutil.Missing(t, "trivy", err.Error())
	}
	return bin
}
