package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/stacks/outputs"
)

// goldenOutputs returns the outputs of the golden stack of env
// (stacks/testdata/<env>.tf.json) as `terraform output -json` would print
// them after an apply: the smoke check is tested against the outputs the
// stacks really declare, so renaming one fails here. Each Terraform
// reference "${type.name.attr}" becomes a made-up host, "attr.type.test"
// with "-" for "_" (resolveRef).
func goldenOutputs(t *testing.T, env string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "stacks", "testdata", env+".tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	var stack struct {
		Output map[string]struct {
			Value any `json:"value"`
		} `json:"output"`
	}
	if err := json.Unmarshal(data, &stack); err != nil {
		t.Fatal(err)
	}
	if len(stack.Output) == 0 {
		t.Fatalf("the golden %s stack has no outputs", env)
	}
	applied := map[string]any{}
	for name, o := range stack.Output {
		s, ok := o.Value.(string)
		if !ok {
			t.Fatalf("output %s of the golden %s stack is %v, want a string", name, env, o.Value)
		}
		applied[name] = map[string]any{"sensitive": false, "type": "string", "value": reference.ReplaceAllStringFunc(s, resolveRef)}
	}
	out, err := json.Marshal(applied)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// reference matches a Terraform reference "${type.name.attr}".
var reference = regexp.MustCompile(`\$\{([a-z0-9_]+)\.[A-Za-z0-9_-]+\.([a-z0-9_]+)\}`)

// resolveRef turns "${aws_lb.x.dns_name}" into "dns-name.aws-lb.test".
func resolveRef(ref string) string {
	m := reference.FindStringSubmatch(ref)
	return strings.ReplaceAll(m[2]+"."+m[1]+".test", "_", "-")
}

func TestGoldenOutputsResolveEveryReference(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		if data := goldenOutputs(t, env); strings.Contains(string(data), "${") {
			t.Errorf("%s: unresolved reference in %s", env, data)
		}
	}
	// The twin: a reference is recognised and replaced.
	if got := reference.ReplaceAllStringFunc("https://${aws_lb.loadbalancer_alb_A40065EB.dns_name}/ws", resolveRef); got != "https://dns-name.aws-lb.test/ws" {
		t.Errorf("resolved to %q", got)
	}
}

// TestFieldsAreStackOutputs: every output the smoke check reads is declared
// by the stacks; the required ones and the exposure by every environment,
// ui_url by prod (which has a domain). api_url exists only for a public ALB
// with HTTPS, which neither has: prod's ALB is private, so it must lack it.
func TestFieldsAreStackOutputs(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		values, err := parseOutputs(goldenOutputs(t, env))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := values[exposureOutput]; !ok {
			t.Errorf("the golden %s stack has no output %s, which the smoke check reads", env, exposureOutput)
		}
		for _, f := range fields {
			if f.output == outputs.APIURL {
				continue
			}
			if _, ok := values[f.output]; !ok && (f.required || env == "prod") {
				t.Errorf("the golden %s stack has no output %s, which the smoke check reads", env, f.output)
			}
		}
	}
	prod, err := parseOutputs(goldenOutputs(t, "prod"))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := prod[outputs.APIURL]; ok || prod[exposureOutput] != ExposureCloudFront {
		t.Errorf("prod: %s = %v, %s = %v; want a private ALB without an api_url", outputs.APIURL, v, exposureOutput, prod[exposureOutput])
	}
}
