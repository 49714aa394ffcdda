package testutil

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// MirrorEnv names the variable that points at a provider mirror for
// machines without the registry: a folder holding
// registry.terraform.io/hashicorp/aws/<version>/<os>_<arch>/.
const MirrorEnv = "TF_PROVIDER_MIRROR"

// Terraform runs a Terraform-compatible CLI against a local copy of the
// provider (see providerSource): terraform, or another one (OpenTofu's tofu)
// through NeedCLI.
type Terraform struct {
	// Name is the command ("terraform", "tofu"), for messages.
	Name      string
	Binary    string
	env       []string
	providers *providerServers
}

// registries are the hosts a CLI resolves "hashicorp/aws" to; the mirror
// holds registry.terraform.io and is shown to other CLIs under their host.
var registries = map[string]string{"terraform": "registry.terraform.io", "tofu": "registry.opentofu.org"}

// clis holds, per CLI name, the result of finding and configuring it once per
// test binary: every test of a package shares one CLI configuration.
var clis sync.Map // name -> func() (*Terraform, error)

// missingError says which tool or input a tier lacks: the tier is skipped.
type missingError string

func (m missingError) Error() string { return string(m) }

// NeedTerraform returns terraform; see NeedCLI.
func NeedTerraform(t testing.TB) *Terraform { return NeedCLI(t, "terraform") }

// NeedCLI returns the named Terraform-compatible CLI set up for the provider
// mirror, or skips the test with what is missing (under CI=true a missing
// tool is a failure). With -short it skips: the terraform tiers are the slow
// ones, and `go test -short ./...` is the quick loop.
func NeedCLI(t testing.TB, name string) *Terraform {
	t.Helper()
	if testing.Short() {
		t.Skipf("-short: skipping the %s tier", name)
	}
	find, _ := clis.LoadOrStore(name, sync.OnceValues(func() (*Terraform, error) { return findCLI(name) }))
	tf, err := find.(func() (*Terraform, error))()
	var missing missingError
	switch {
	case errors.As(err, &missing):
		Missing(t, name, string(missing))
	case err != nil:
		t.Fatal(err)
	}
	return tf
}

// TofuEnv names the variable that points at an OpenTofu binary; without it
// the tiers look for tofu on the PATH, then where scripts/install-tofu.sh
// puts it (DefaultTofuPath).
const TofuEnv = "TOFU"

// TofuVersion is the OpenTofu release scripts/install-tofu.sh builds.
const TofuVersion = "1.12.6"

// DefaultTofuPath is where scripts/install-tofu.sh puts the binary:
// $XDG_CACHE_HOME/n8n-builder-tools/tofu-v1.12.6/tofu, ~/.cache by default.
func DefaultTofuPath() string {
	return filepath.Join(ToolCache(), "tofu-v"+TofuVersion, "tofu")
}

// lookCLI finds the binary of a CLI: terraform on the PATH; tofu at $TOFU,
// on the PATH, or where scripts/install-tofu.sh builds it.
func lookCLI(name string) (string, string) {
	if name != "tofu" {
		if bin, err := exec.LookPath(name); err == nil {
			return bin, ""
		}
		return "", name + " is not on the PATH (install Terraform >= 1.11)"
	}
	bin := os.Getenv(TofuEnv)
	if bin == "" {
		if bin, _ = exec.LookPath("tofu"); bin == "" {
			bin = DefaultTofuPath()
		}
	}
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Sprintf("no OpenTofu at %s (run scripts/install-tofu.sh, or set %s to a tofu binary)", bin, TofuEnv)
	}
	return bin, ""
}

// findCLI looks the CLI up and writes its configuration; a missingError
// says what is missing.
func findCLI(name string) (*Terraform, error) {
	bin, why := lookCLI(name)
	if bin == "" {
		return nil, missingError(why)
	}
	host := cmp.Or(registries[name], "registry.terraform.io")
	mirror, why, err := providerSource(bin, name, host)
	if why != "" {
		return nil, missingError(why)
	}
	if err != nil {
		return nil, err
	}
	// The files live beside other test binaries' in the temp dir, named by
	// content: the same for every run, so there is nothing to clean up.
	view := mirror
	if _, err := os.Stat(filepath.Join(mirror, host)); err != nil {
		view = filepath.Join(os.TempDir(), "n8n-builder-mirror-"+shortHash(mirror+"|packages|"+host))
		aws := filepath.Join(mirror, "registry.terraform.io", "hashicorp", "aws")
		if err := linkPackages(aws, filepath.Join(view, host, "hashicorp", "aws")); err != nil {
			return nil, err
		}
	}
	rc := fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %q\n    include = [\"%s/hashicorp/aws\"]\n  }\n}\n", view, host)
	cfg := filepath.Join(os.TempDir(), "n8n-builder-"+name+"-"+shortHash(rc)+".rc")
	if err := writeAtomic(cfg, []byte(rc)); err != nil {
		return nil, err
	}
	return &Terraform{Name: name, Binary: bin, providers: newProviderServers(view, host), env: []string{
		"TF_CLI_CONFIG_FILE=" + cfg,
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"CHECKPOINT_DISABLE=1",
		// No GOGC=off for terraform and the provider: it looked cheaper
		// once, but the page faults of never reusing memory made the plans
		// of both stacks cost a third more CPU (34 s against 26 s).
	}}, nil
}

// linkPackages recreates the provider folder of a mirror (<version>/<os>_<arch>/,
// or packed .zip files) under dst, with symlinks to the packages: OpenTofu
// follows a symlink only at the package level, not a linked host folder.
func linkPackages(src, dst string) error {
	link := func(from, to string) error {
		if err := os.Symlink(from, to); err != nil && !os.IsExist(err) {
			return err
		}
		return nil
	}
	versions, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, v := range versions {
		if !v.IsDir() {
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return err
			}
			if err := link(filepath.Join(src, v.Name()), filepath.Join(dst, v.Name())); err != nil {
				return err
			}
			continue
		}
		platforms, err := os.ReadDir(filepath.Join(src, v.Name()))
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, v.Name()), 0o755); err != nil {
			return err
		}
		for _, p := range platforms {
			if err := link(filepath.Join(src, v.Name(), p.Name()), filepath.Join(dst, v.Name(), p.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// shortHash names a file by its content.
func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return fmt.Sprintf("%x", sum[:6])
}

// writeAtomic writes data to path through a rename, so a concurrent reader
// (another test binary) never sees half a file.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Run runs the CLI with args in dir, offline, and returns its stdout.
func (tf *Terraform) Run(dir string, args ...string) ([]byte, error) {
	return tf.run(dir, false, args...)
}

// run is Run; mocked says every provider block of the configuration in dir
// is a mock_provider (a `terraform test` of TestWithMocks).
func (tf *Terraform) run(dir string, mocked bool, args ...string) ([]byte, error) {
	cmd := exec.Command(tf.Binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), tf.env...)
	if s := tf.providers.lease(dir, mocked, args); s != nil {
		defer tf.providers.release(s)
		cmd.Env = append(cmd.Env, "TF_REATTACH_PROVIDERS="+s.reattach)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("%s %v: %v\n%s%s", tf.Name, args, err, stdout.String(), stderr.String())
	}
	return stdout.Bytes(), nil
}

// mockCredentials let the provider plan without an account.
var mockCredentials = map[string]any{
	"access_key":                  "mock-access-key",
	"secret_key":                  "mock-secret-key",
	"skip_credentials_validation": true,
	"skip_requesting_account_id":  true,
	"skip_metadata_api_check":     true,
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
		mock := maps.Clone(mockCredentials)
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

// showPlan runs init and plan in dir (a generated root, see PlanTogether)
// and returns the plan as `show -json` writes it. There is no separate
// validate: plan validates the configuration first and fails on the same
// errors, and each command costs seconds of provider start.
func (tf *Terraform) showPlan(t testing.TB, dir string) []byte {
	t.Helper()
	steps := [][]string{
		{"init", "-input=false", "-no-color"},
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
	return out
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
