package stacks_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/n8n-builder/infra/environments"
	"github.com/n8n-builder/infra/internal/modulestacks"
	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/stacks"
)

// bootstrapJSON is the bootstrap stack of the repository's environments, as
// cmd/bootstrap writes it; synthesized in TestMain too.
var bootstrapJSON []byte

// synthesized holds, per environment, the stack exactly as `go run .` writes
// it (cdk.tf.json) and parsed for assertions. Built once in TestMain: each
// synth costs seconds.
var synthesized map[string]*stackOutput

type stackOutput struct {
	env  *environments.Environment
	json []byte
	// hcl is the stack as `cdktf synth --hcl` writes it (cdk.tf): the same
	// conversion, done by the stack itself.
	hcl []byte
	*testutil.Synthesized
}

func TestMain(m *testing.M) {
	testutil.Main(m, func() error {
		envs, err := environments.LoadAll(environments.Embedded, "environments")
		if err != nil {
			return err
		}
		if synthesized, err = synthAll(envs); err != nil {
			return err
		}
		if !testing.Short() { // only the terraform tiers read them
			moduleStacks = modulestacks.Planned()
		}
		bootstrapJSON, err = synthBootstrap(envs)
		return err
	})
}

// synthApp synthesizes a real app into a temp dir: define adds its stacks,
// and read takes what it needs from the written stacks (cdktf.out/stacks)
// before the dir goes.
func synthApp(define func(cdktf.App), read func(stacksDir string) error) error {
	dir, err := os.MkdirTemp("", "stacks-test-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	app := stacks.NewApp(dir)
	define(app)
	if err := stacks.Synth(app); err != nil {
		return err
	}
	return read(filepath.Join(dir, "stacks"))
}

// synthAll synthesizes every environment in one app.
func synthAll(envs []*environments.Environment) (map[string]*stackOutput, error) {
	built := map[string]cdktf.TerraformStack{}
	out := map[string]*stackOutput{}
	err := synthApp(func(app cdktf.App) {
		for _, env := range envs {
			built[env.Name] = stacks.New(app, env)
		}
	}, func(dir string) error {
		for _, env := range envs {
			data, err := os.ReadFile(filepath.Join(dir, env.Name, "cdk.tf.json"))
			if err != nil {
				return err
			}
			stacks.PrepareHCL(built[env.Name]) // the JSON is written
			hcl, ok := (*built[env.Name].ToHclTerraform())["hcl"].(string)
			if !ok {
				return fmt.Errorf("%s: toHclTerraform returned no hcl", env.Name)
			}
			out[env.Name] = &stackOutput{env: env, json: data, hcl: []byte(hcl), Synthesized: testutil.Parse(data)}
		}
		return nil
	})
	return out, err
}

// synthBootstrap synthesizes the bootstrap stack of envs, as cmd/bootstrap does.
func synthBootstrap(envs []*environments.Environment) ([]byte, error) {
	buckets, err := stacks.StateBuckets(envs)
	if err != nil {
		return nil, err
	}
	var data []byte
	err = synthApp(func(app cdktf.App) { stacks.NewBootstrap(app, buckets, 4) }, func(dir string) (err error) {
		data, err = os.ReadFile(filepath.Join(dir, stacks.BootstrapStack, "cdk.tf.json"))
		return err
	})
	return data, err
}

// protectionStacks are the stacks TestProtectedRefusesDestroy applies:
// prod, and prod after the README's first step to remove it on purpose (its
// file with "protected": false), both without the WAF. The mocked apply of
// the web ACL costs more CPU than all the rest of prod (its schema is vast),
// and protection does not involve it; the plan tiers cover it. Synthesized
// on first use (only the terraform tier reads them), which must come before
// t.Parallel.
var protectionStacks = sync.OnceValues(func() (protection, error) {
	noWAF := map[string]any{"waf": map[string]any{"enabled": false}}
	protected, err := synthVariant("prod", noWAF)
	if err != nil {
		return protection{}, err
	}
	noWAF["protected"] = false
	lifted, err := synthVariant("prod", noWAF)
	return protection{protected, lifted}, err
})

// protection is prod as applied by the protection tests, and prod lifted.
type protection struct{ prod, lifted *stackOutput }

// synthVariant synthesizes environment name with the top-level fields of
// its file replaced by changes, in an app of its own (a stack's name is
// unique per app).
func synthVariant(name string, changes map[string]any) (*stackOutput, error) {
	file := name + ".json"
	data, err := fs.ReadFile(environments.Embedded, file)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	maps.Copy(doc, changes)
	if data, err = json.Marshal(doc); err != nil {
		return nil, err
	}
	env, err := environments.Parse("environments/"+file, data)
	if err != nil {
		return nil, fmt.Errorf("%s with %v: %w", file, changes, err)
	}
	out, err := synthAll([]*environments.Environment{env})
	if err != nil {
		return nil, err
	}
	return out[name], nil
}

// stack returns the synthesized stack of an environment.
func stack(t *testing.T, name string) *stackOutput {
	t.Helper()
	s, ok := synthesized[name]
	if !ok {
		t.Fatalf("no environment %q in environments/", name)
	}
	return s
}
