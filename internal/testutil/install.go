package testutil

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	"github.com/n8n-builder/infra/internal/awsprovider"
)

// ToolCache is the folder the install scripts and the test tiers keep tools
// in: $XDG_CACHE_HOME/n8n-builder-tools, ~/.cache/n8n-builder-tools by default.
func ToolCache() string {
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	return filepath.Join(cache, "n8n-builder-tools")
}

// registryURL is where a registry host answers; a variable so that a test
// can point it at an address nothing listens on.
var registryURL = func(host string) string { return "https://" + host + "/.well-known/terraform.json" }

// providerSource returns the folder a CLI installs hashicorp/aws from, laid
// out as a filesystem mirror (<host>/hashicorp/aws/<version>/<os>_<arch>/):
// $TF_PROVIDER_MIRROR when set (offline machines); otherwise a plugin cache
// in ToolCache that the CLI fills once from its registry, the way any
// user's init gets the provider. why says what is missing (the test skips);
// err is a failure.
func providerSource(bin, name, host string) (dir, why string, err error) {
	if mirror := os.Getenv(MirrorEnv); mirror != "" {
		if _, err := os.Stat(filepath.Join(mirror, "registry.terraform.io", "hashicorp", "aws")); err != nil {
			return "", fmt.Sprintf("%s=%s holds no registry.terraform.io/hashicorp/aws/<version>/", MirrorEnv, mirror), nil
		}
		return mirror, "", nil
	}
	cache := filepath.Join(ToolCache(), "providers")
	installed := filepath.Join(cache, host, "hashicorp", "aws", awsprovider.Constraint, runtime.GOOS+"_"+runtime.GOARCH)
	if _, err := os.Stat(installed); err == nil {
		return cache, "", nil
	}
	client := http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(registryURL(host))
	if err != nil {
		return "", fmt.Sprintf("no provider mirror (%s unset) and %s cannot be reached: %v", MirrorEnv, host, errors.Unwrap(err)), nil
	}
	resp.Body.Close()
	if err := fill(bin, cache); err != nil {
		return "", "", fmt.Errorf("%s could not install hashicorp/aws %s from %s into %s: %w", name, awsprovider.Constraint, host, cache, err)
	}
	if _, err := os.Stat(installed); err != nil {
		return "", "", fmt.Errorf("%s init succeeded but left no %s", name, installed)
	}
	return cache, "", nil
}

// fill runs init on a configuration that needs only the pinned aws provider,
// with the plugin cache at cache, under a lock: test binaries run at once,
// and a plugin cache is not safe for concurrent installs.
func fill(bin, cache string) error {
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return err
	}
	unlock, err := lockFile(filepath.Join(cache, ".lock"))
	if err != nil {
		return err
	}
	defer unlock()
	dir, err := os.MkdirTemp("", "n8n-builder-provider-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	config, _ := json.Marshal(map[string]any{"terraform": map[string]any{"required_providers": map[string]any{
		"aws": map[string]any{"source": "hashicorp/aws", "version": awsprovider.Constraint},
	}}})
	rc := fmt.Sprintf("plugin_cache_dir = %q\n", cache) // and no provider_installation: straight from the registry
	for file, data := range map[string][]byte{"main.tf.json": config, "cli.rc": []byte(rc)} {
		if err := os.WriteFile(filepath.Join(dir, file), data, 0o644); err != nil {
			return err
		}
	}
	cmd := exec.Command(bin, "init", "-input=false", "-no-color", "-backend=false")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(dir, "cli.rc"), "TF_PLUGIN_CACHE_DIR="+cache, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%v\n%s", err, out)
	}
	return nil
}
