package testutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// MirrorEnv names the variable that points at the provider mirror: a folder
// holding registry.terraform.io/hashicorp/aws/<version>/<os>_<arch>/.
const MirrorEnv = "TF_PROVIDER_MIRROR"

// defaultMirror is where the provider is pre-installed on our build machines.
const defaultMirror = "/opt/tf-plugins"

// Terraform runs the terraform CLI offline against the provider mirror.
type Terraform struct {
	Binary    string
	Mirror    string
	cliConfig string
}

// NeedTerraform returns a Terraform, or skips the test with what is missing,
// except under CI=true, where a missing tool is a failure.
func NeedTerraform(t testing.TB) *Terraform {
	t.Helper()
	bin, err := exec.LookPath("terraform")
	if err != nil {
		missing(t, "terraform is not on the PATH (install Terraform >= 1.10)")
	}
	mirror := os.Getenv(MirrorEnv)
	if mirror == "" {
		mirror = defaultMirror
	}
	if _, err := os.Stat(filepath.Join(mirror, "registry.terraform.io", "hashicorp", "aws")); err != nil {
		missing(t, fmt.Sprintf("no hashicorp/aws provider mirror at %s (set %s to a folder holding registry.terraform.io/hashicorp/aws/<version>/)", mirror, MirrorEnv))
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "terraform.rc")
	rc := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/hashicorp/aws"]
  }
}
`, mirror)
	if err := os.WriteFile(cfg, []byte(rc), 0o644); err != nil {
		t.Fatal(err)
	}
	return &Terraform{Binary: bin, Mirror: mirror, cliConfig: cfg}
}

func missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("terraform tier cannot run: %s", why)
	}
	t.Skipf("skipping the terraform tier: %s", why)
}

// Run runs terraform with args in dir, offline, and returns its stdout.
func (tf *Terraform) Run(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command(tf.Binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+tf.cliConfig,
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"CHECKPOINT_DISABLE=1",
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("terraform %v: %v\n%s%s", args, err, stdout.String(), stderr.String())
	}
	return stdout.Bytes(), nil
}

// PrepareStack copies a synthesized stack into a new directory and adds an
// override file that gives every AWS provider block mock credentials and turns
// off the calls a real account needs, and keeps state local. The override
// exists only in tests; users deploy the stack as synthesized.
func PrepareStack(t testing.TB, stackJSON []byte) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cdk.tf.json"), stackJSON, 0o644); err != nil {
		t.Fatal(err)
	}
	var stack struct {
		Provider struct {
			Aws []map[string]any `json:"aws"`
		} `json:"provider"`
	}
	if err := json.Unmarshal(stackJSON, &stack); err != nil {
		t.Fatal(err)
	}
	var providers []map[string]any
	for _, p := range stack.Provider.Aws {
		mock := map[string]any{
			"access_key":                  "mock-access-key",
			"secret_key":                  "mock-secret-key",
			"skip_credentials_validation": true,
			"skip_requesting_account_id":  true,
			"skip_metadata_api_check":     true,
		}
		if alias, ok := p["alias"]; ok {
			mock["alias"] = alias
		}
		providers = append(providers, mock)
	}
	override := map[string]any{
		"provider":  map[string]any{"aws": providers},
		"terraform": map[string]any{"backend": map[string]any{"local": map[string]any{"path": "terraform.tfstate"}}},
	}
	data, _ := json.MarshalIndent(override, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "mock_credentials_override.tf.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Plan runs init, validate and plan in dir and returns the plan as JSON.
func (tf *Terraform) Plan(t testing.TB, dir string) (*tfjson.Plan, []byte) {
	t.Helper()
	steps := [][]string{
		{"init", "-input=false", "-no-color"},
		{"validate", "-no-color"},
		{"plan", "-input=false", "-no-color", "-lock=false", "-refresh=false", "-out=test.tfplan"},
	}
	for _, args := range steps {
		if _, err := tf.Run(dir, args...); err != nil {
			t.Fatal(err)
		}
	}
	out, err := tf.Run(dir, "show", "-json", "test.tfplan")
	if err != nil {
		t.Fatal(err)
	}
	var plan tfjson.Plan
	if err := json.Unmarshal(out, &plan); err != nil {
		t.Fatalf("plan JSON: %v", err)
	}
	return &plan, out
}

// PlannedResources returns the planned values of every managed resource by
// address ("aws_vpc.networking_vpc_1A2B3C4D"), the root module and children.
func PlannedResources(plan *tfjson.Plan) map[string]*tfjson.StateResource {
	out := map[string]*tfjson.StateResource{}
	var walk func(m *tfjson.StateModule)
	walk = func(m *tfjson.StateModule) {
		if m == nil {
			return
		}
		for _, r := range m.Resources {
			if r.Mode == tfjson.ManagedResourceMode {
				out[r.Address] = r
			}
		}
		for _, c := range m.ChildModules {
			walk(c)
		}
	}
	if plan.PlannedValues != nil {
		walk(plan.PlannedValues.RootModule)
	}
	return out
}

// CountByType counts planned managed resources per type.
func CountByType(plan *tfjson.Plan) map[string]int {
	counts := map[string]int{}
	for _, r := range PlannedResources(plan) {
		counts[r.Type]++
	}
	return counts
}
