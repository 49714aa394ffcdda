// Package testutil holds the helpers the module and stack tests share:
// a test stack, its synthesized JSON, and assertions that say what they saw.
package testutil

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/n8n-builder/infra/internal/awsprovider"
)

// NewStack returns a stack with an AWS provider in us-east-1, for module tests.
func NewStack() cdktf.TerraformStack { return NewStackIn("us-east-1") }

// NewStackIn returns a stack with an AWS provider in region and the stacks'
// provider constraint, so test stacks also plan against the installed provider.
func NewStackIn(region string) cdktf.TerraformStack {
	app := App()
	stack := cdktf.NewTerraformStack(app, jsii.String("test"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String(region)})
	awsprovider.Pin(stack)
	return stack
}

// App returns a cdktf testing app. They all share one outdir (in scratch):
// left to choose, each makes a temp folder of its own that nothing removes.
func App() cdktf.App {
	return cdktf.Testing_App(&cdktf.TestingAppConfig{Outdir: jsii.String(scratch())})
}

// scratch is the test binary's temp folder for what would otherwise stay in
// the system's: the testing apps' outdir and the provider servers' sockets.
// Main removes it.
var scratch = sync.OnceValue(func() string {
	dir, err := os.MkdirTemp("", "n8n-builder-test-")
	if err != nil {
		panic(err)
	}
	return dir
})

// Synth synthesizes stack (validations on, no metadata, sorted keys) and
// parses it, so a test package can synthesize once and assert many times.
func Synth(stack cdktf.TerraformStack) *Synthesized {
	return Parse([]byte(*cdktf.Testing_Synth(stack, jsii.Bool(true))))
}

// Parse wraps the JSON of a synthesized stack (e.g. a cdk.tf.json file).
func Parse(data []byte) *Synthesized {
	s := &Synthesized{JSON: string(data)}
	if err := json.Unmarshal(data, &s.tree); err != nil {
		panic("testutil: synthesized stack is not JSON: " + err.Error())
	}
	return s
}

// Synthesized is a synthesized stack: its JSON text and parsed tree.
type Synthesized struct {
	JSON string
	tree map[string]any
}

// Resources returns the resources of a type by their Terraform name.
func (s *Synthesized) Resources(resourceType string) map[string]map[string]any {
	return s.block("resource", resourceType)
}

// DataSources returns the data sources of a type by their Terraform name.
func (s *Synthesized) DataSources(dataType string) map[string]map[string]any {
	return s.block("data", dataType)
}

// Outputs returns the stack outputs by name.
func (s *Synthesized) Outputs() map[string]any {
	out, _ := s.tree["output"].(map[string]any)
	return out
}

// Tree is the whole parsed document.
func (s *Synthesized) Tree() map[string]any { return s.tree }

func (s *Synthesized) block(kind, typ string) map[string]map[string]any {
	all, _ := s.tree[kind].(map[string]any)
	byName, _ := all[typ].(map[string]any)
	out := make(map[string]map[string]any, len(byName))
	for name, v := range byName {
		out[name], _ = v.(map[string]any)
	}
	return out
}

// Resource returns the one resource of a type with a name, failing the test if absent.
func (s *Synthesized) Resource(t testing.TB, resourceType, name string) map[string]any {
	t.Helper()
	r, ok := s.Resources(resourceType)[name]
	if !ok {
		t.Fatalf("no %s.%s; have %s: %v", resourceType, name, resourceType, sortedNames(s.Resources(resourceType)))
	}
	return r
}

// Count returns how many resources of a type the stack has.
func (s *Synthesized) Count(resourceType string) int { return len(s.Resources(resourceType)) }

// HasResource reports, through cdktf's own matcher, whether some resource of
// the type has (at least) the given properties.
func (s *Synthesized) HasResource(resourceType string, props map[string]any) bool {
	return *cdktf.Testing_ToHaveResourceWithProperties(jsii.String(s.JSON), jsii.String(resourceType), &props)
}

// AssertResource fails the test unless some resource of the type has props,
// printing the resources of that type it did find.
func AssertResource(t testing.TB, s *Synthesized, resourceType string, props map[string]any) {
	t.Helper()
	if !s.HasResource(resourceType, props) {
		t.Errorf("no %s with %s\nfound:\n%s", resourceType, compact(props), compact(s.Resources(resourceType)))
	}
}

// RefuteResource fails the test if some resource of the type has props: the
// failing twin of AssertResource.
func RefuteResource(t testing.TB, s *Synthesized, resourceType string, props map[string]any) {
	t.Helper()
	if s.HasResource(resourceType, props) {
		t.Errorf("unexpected %s with %s\nfound:\n%s", resourceType, compact(props), compact(s.Resources(resourceType)))
	}
}

// Decode parses a JSON string attribute (e.g. a policy document) into v.
func Decode(t testing.TB, attr any, v any) {
	t.Helper()
	text, ok := attr.(string)
	if !ok {
		t.Fatalf("attribute is %T, want a JSON string: %v", attr, attr)
	}
	if err := json.Unmarshal([]byte(text), v); err != nil {
		t.Fatalf("attribute is not JSON: %v\n%s", err, text)
	}
}

func compact(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

func sortedNames[V any](m map[string]V) string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// Ref returns the Terraform reference "${type.name.attr}" of the one resource
// of the type whose name contains part (a construct ID), so tests need not
// spell out the hash cdktf appends to names. It panics unless exactly one matches.
func (s *Synthesized) Ref(resourceType, part, attr string) string {
	var found []string
	for name := range s.Resources(resourceType) {
		if strings.Contains(name, part) {
			found = append(found, name)
		}
	}
	if len(found) != 1 {
		panic("testutil: " + resourceType + " named like " + part + ": found " + strings.Join(found, ", "))
	}
	return "${" + resourceType + "." + found[0] + "." + attr + "}"
}

// Main runs a test package: setup if given (which synthesizes the package's
// stacks, once; its error fails the run before any test), then the tests;
// then it closes the jsii runtime, removes scratch, reports the skipped
// tiers (ReportSkipped) and exits.
func Main(m *testing.M, setup func() error) {
	flag.Parse()
	RunPlansTogether()
	code := func() int {
		defer jsii.Close()
		if setup != nil {
			if err := setup(); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		}
		return m.Run()
	}()
	os.RemoveAll(scratch())
	ReportSkipped()
	os.Exit(code)
}

// Strings converts a JSON list attribute ([]any of strings) to []string.
func Strings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, len(list))
	for i, x := range list {
		out[i], _ = x.(string)
	}
	return out
}

// plansAtOnce is how many tests of a package may run in parallel when the
// terraform tiers run: more than any package has, so no test waits for a
// slot. Such a test mostly waits: on a terraform, tofu or Trivy process, or
// on a plan another test is making. With the default (GOMAXPROCS, 2 here)
// the waiting tests held every slot and the independent plans and applies
// ran one after the other. With 8, whichever tests won the slots waited on
// terraform's plan, and OpenTofu's often started only after it: the full
// suite took 78–86 s, against 75 s with every test running (peak memory of
// the machine during the suite: 2.3 GB).
const plansAtOnce = 64

// RunPlansTogether raises -test.parallel to plansAtOnce unless the command
// line sets it; call it from TestMain after flag.Parse. The terraform tiers'
// tests call t.Parallel at their start, so their plans, applies and scans
// overlap instead of running one top-level test after another.
func RunPlansTogether() {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set && !testing.Short() {
		flag.Set("test.parallel", strconv.Itoa(max(plansAtOnce, runtime.GOMAXPROCS(0))))
	}
}
