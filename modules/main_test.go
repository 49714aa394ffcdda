// Package modules_test holds the unit tests of every module under modules/,
// in files named after the module (modules/<name>_test.go), all in one test
// binary. The stacks that go through Terraform are built by
// internal/modulestacks, and their terraform tiers run in the stacks
// package, in the plan and the `terraform test` it makes of the
// environments (stacks/modules_tier_test.go).
//
// Why one binary: every test binary that synthesizes starts its own jsii
// runtime, a node process that loads the 237 MB AWS provider bindings (about
// 3 s of CPU before the first assertion), and every test binary links those
// bindings (about 2 s of CPU). With a test package per module, `go test
// ./modules/...` paid both 13 times; now it pays them once. Measured on the
// shared 2-core machine, interleaved, load average 1–3 (2026-12-02):
//
//	go test -short -count=1 ./modules/...   47 s wall / 88 s CPU with 13 binaries, 8.3 s / 9.8 s with one
//	go test -count=1 ./modules/...          126 s / 213 s with 13, 103 s / 170 s with one
//
// Each module's stacks are synthesized on first use (synthOnce), in the one
// jsii runtime: `go test ./modules -run ECR` synthesizes ECR's stacks only.
// Every test's name starts with its module's (TestECR..., TestLoadBalancer...)
// so that -run selects one module.
package modules_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/n8n-builder/infra/internal/testutil"
)

// TestMain runs the tests and then closes the one jsii runtime (testutil.Main
// calls jsii.Close); nothing is synthesized up front.
func TestMain(m *testing.M) {
	testutil.Main(m, nil)
}

// synthMu serializes synthesis: the jsii runtime answers one call at a time
// and its Go client does not lock around a request and its response. Tests
// call jsii (synthesis, testutil.AssertResource) only before t.Parallel.
var synthMu sync.Mutex

// synthOnce returns a function that builds a module's test stacks on its
// first call, holding synthMu, and returns the same stacks on every later
// call.
func synthOnce[T any](build func() T) func() T {
	return sync.OnceValue(func() T {
		synthMu.Lock()
		defer synthMu.Unlock()
		return build()
	})
}

// resourceName returns the Terraform name of the one resource of typ whose
// name contains part ("" matches any), so tests need not spell out the hash
// cdktf appends to names; it fails the test unless exactly one matches.
func resourceName(t *testing.T, s *testutil.Synthesized, typ, part string) string {
	t.Helper()
	return onlyName(t, "resource "+typ, s.Resources(typ), part)
}

// dataName is resourceName for data sources.
func dataName(t *testing.T, s *testutil.Synthesized, typ, part string) string {
	t.Helper()
	return onlyName(t, "data source "+typ, s.DataSources(typ), part)
}

func onlyName(t *testing.T, what string, byName map[string]map[string]any, part string) string {
	t.Helper()
	var found []string
	for name := range byName {
		if strings.Contains(name, part) {
			found = append(found, name)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s named like %q: found %v, want one", what, part, found)
	}
	return found[0]
}

// address turns a reference "${type.name.attr}" into the address "type.name".
func address(ref string) string {
	ref = strings.TrimSuffix(strings.TrimPrefix(ref, "${"), "}")
	return ref[:strings.LastIndex(ref, ".")]
}

// policyStatement is one statement of an aws_iam_policy_document, as
// synthesized.
type policyStatement struct {
	Sid        string   `json:"sid"`
	Effect     string   `json:"effect"`
	Actions    []string `json:"actions"`
	Resources  []string `json:"resources"`
	Principals []struct {
		Type        string   `json:"type"`
		Identifiers []string `json:"identifiers"`
	} `json:"principals"`
	Condition []struct {
		Test     string   `json:"test"`
		Variable string   `json:"variable"`
		Values   []string `json:"values"`
	} `json:"condition"`
}

// policyStatements returns every statement of every policy document whose
// name contains part ("" for all), failing the test if no document matches.
func policyStatements(t *testing.T, s *testutil.Synthesized, part string) []map[string]any {
	t.Helper()
	var out []map[string]any
	matched := false
	for name, doc := range s.DataSources("aws_iam_policy_document") {
		if !strings.Contains(name, part) {
			continue
		}
		matched = true
		for _, st := range doc["statement"].([]any) {
			out = append(out, st.(map[string]any))
		}
	}
	if !matched {
		t.Fatalf("no policy document named like %q", part)
	}
	return out
}
