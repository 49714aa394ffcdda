package testutil

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/internal/awsprovider"
)

// withRegistry points the registry probe at url for one test.
func withRegistry(t *testing.T, url string) {
	old := registryURL
	registryURL = func(string) string { return url }
	t.Cleanup(func() { registryURL = old })
}

func mkdir(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestProviderSourceMirror(t *testing.T) {
	withRegistry(t, "http://127.0.0.1:1/") // never asked
	mirror := t.TempDir()
	t.Setenv(MirrorEnv, mirror)
	if _, why, _ := providerSource("terraform", "terraform", "registry.terraform.io"); !strings.Contains(why, MirrorEnv+"="+mirror) {
		t.Errorf("empty mirror: why = %q; want it to name %s", why, MirrorEnv)
	}
	mkdir(t, filepath.Join(mirror, "registry.terraform.io", "hashicorp", "aws"))
	if dir, why, err := providerSource("terraform", "terraform", "registry.terraform.io"); dir != mirror || why != "" || err != nil {
		t.Errorf("got %q, %q, %v; want the mirror", dir, why, err)
	}
}

func TestProviderSourceRegistryUnreachable(t *testing.T) {
	t.Setenv(MirrorEnv, "")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	withRegistry(t, "http://127.0.0.1:1/") // nothing listens on port 1
	_, why, err := providerSource("terraform", "terraform", "registry.terraform.io")
	if err != nil || !strings.Contains(why, MirrorEnv+" unset") || !strings.Contains(why, "registry.terraform.io cannot be reached") {
		t.Errorf("why = %q, err = %v; want a skip naming %s and the registry", why, err, MirrorEnv)
	}
}

// TestProviderSourceFillsCache runs the fill with a stand-in CLI that
// installs what init would, into the plugin cache it is given; a second
// call finds the cache without asking the registry.
func TestProviderSourceFillsCache(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in CLI is a shell script")
	}
	t.Setenv(MirrorEnv, "")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	registry := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("{}")) }))
	defer registry.Close()
	withRegistry(t, registry.URL)
	cli := filepath.Join(t.TempDir(), "tofu")
	script := "#!/bin/sh\nset -e\n[ \"$1\" = init ]\ngrep -q '\"version\":\"" + awsprovider.Constraint + "\"' main.tf.json\n" +
		"mkdir -p \"$TF_PLUGIN_CACHE_DIR/registry.opentofu.org/hashicorp/aws/" + awsprovider.Constraint + "/" + runtime.GOOS + "_" + runtime.GOARCH + "\"\n"
	if err := os.WriteFile(cli, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(ToolCache(), "providers")
	if dir, why, err := providerSource(cli, "tofu", "registry.opentofu.org"); dir != want || why != "" || err != nil {
		t.Fatalf("got %q, %q, %v; want %s", dir, why, err, want)
	}
	registry.Close()
	if dir, why, err := providerSource(cli, "tofu", "registry.opentofu.org"); dir != want || why != "" || err != nil {
		t.Errorf("second call: got %q, %q, %v; want the filled cache", dir, why, err)
	}
	os.WriteFile(cli, []byte("#!/bin/sh\necho no network >&2\nexit 1\n"), 0o755)
	registry = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer registry.Close()
	withRegistry(t, registry.URL)
	if _, _, err := providerSource(cli, "terraform", "registry.terraform.io"); err == nil || !strings.Contains(err.Error(), "no network") {
		t.Errorf("failed init: err = %v; want a failure with the CLI's output", err)
	}
}
