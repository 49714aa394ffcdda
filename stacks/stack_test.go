package stacks_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/environments"
	"github.com/n8n-builder/infra/internal/awsprovider"
	"github.com/n8n-builder/infra/internal/golden"
	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/stacks"
)

// TestGolden compares each stack with its golden file, which an earlier
// synth in another process wrote: it is also the test that synthesis is
// deterministic (no timestamps, random values or map order in the output).
func TestGolden(t *testing.T) {
	for name, s := range synthesized {
		t.Run(name, func(t *testing.T) {
			golden.Check(t, name+".tf.json", s.json)
		})
	}
}

// machinePath matches the usual roots of a machine's own folders.
var machinePath = regexp.MustCompile(`"(/home/|/Users/|/root/|/tmp/|/var/folders/|/private/|[A-Za-z]:\\\\)`)

func TestNoAbsolutePaths(t *testing.T) {
	wd, _ := os.Getwd()
	home, _ := os.UserHomeDir()
	for name, s := range synthesized {
		if m := machinePath.FindAll(s.json, -1); len(m) > 0 {
			t.Errorf("%s: machine paths in the output: %q", name, m)
		}
		for _, dir := range []string{filepath.Dir(wd), os.TempDir(), home} {
			if dir != "" && bytes.Contains(s.json, []byte(dir+"/")) {
				t.Errorf("%s: output contains the path %s", name, dir)
			}
		}
	}
}

func TestProviderConstraintAdmitsInstalledProvider(t *testing.T) {
	for name, s := range synthesized {
		req := s.Tree()["terraform"].(map[string]any)["required_providers"].(map[string]any)["aws"].(map[string]any)
		if req["version"] != awsprovider.Constraint || req["source"] != "hashicorp/aws" {
			t.Errorf("%s: required_providers.aws = %v, want source hashicorp/aws, version %q", name, req, awsprovider.Constraint)
		}
	}
}

func TestDefaultTags(t *testing.T) {
	for name, s := range synthesized {
		want := map[string]any{"Project": s.env.ProjectName, "Environment": name, "ManagedBy": "cdktf"}
		for _, p := range providers(s) {
			tags := p["default_tags"].([]any)[0].(map[string]any)["tags"].(map[string]any)
			for k, v := range want {
				if tags[k] != v {
					t.Errorf("%s: provider %v: default tag %s = %v, want %v", name, p["alias"], k, tags[k], v)
				}
			}
		}
	}
}

func TestLocalBackendIsRelative(t *testing.T) {
	s := stack(t, "dev")
	local := s.Tree()["terraform"].(map[string]any)["backend"].(map[string]any)["local"].(map[string]any)
	if got, want := local["path"], "../../../terraform.dev.tfstate"; got != want {
		t.Errorf("local backend path = %v, want %v (the project root, seen from cdktf.out/stacks/dev)", got, want)
	}
}

func TestS3Backend(t *testing.T) {
	env := example(t, "staging.json")
	app := testutil.App()
	s := testutil.Synth(stacks.New(app, env))
	backend := s.Tree()["terraform"].(map[string]any)["backend"].(map[string]any)
	s3, ok := backend["s3"].(map[string]any)
	if !ok {
		t.Fatalf("backend = %v, want s3", backend)
	}
	want := map[string]any{"bucket": "my-terraform-state", "key": "n8n-builder/staging/terraform.tfstate", "region": "us-east-1", "encrypt": true, "use_lockfile": true}
	for k, v := range want {
		if s3[k] != v {
			t.Errorf("backend.s3.%s = %v, want %v", k, s3[k], v)
		}
	}
	if _, ok := backend["local"]; ok {
		t.Error("both s3 and local backends synthesized")
	}
}

func providers(s *stackOutput) []map[string]any {
	var out []map[string]any
	for _, p := range s.Tree()["provider"].(map[string]any)["aws"].([]any) {
		out = append(out, p.(map[string]any))
	}
	return out
}

// TestGlobalResourcesInUsEast1: in another region, CloudFront's certificate
// and the WAF web ACL go through a provider aliased to us-east-1; the ALB's
// certificate stays in the stack's region.
func TestGlobalResourcesInUsEast1(t *testing.T) {
	env := example(t, "eu-west-1.json")
	s := testutil.Synth(stacks.New(testutil.App(), env))

	var aliased bool
	for _, p := range s.Tree()["provider"].(map[string]any)["aws"].([]any) {
		p := p.(map[string]any)
		if p["alias"] == "us_east_1" && p["region"] == "us-east-1" {
			aliased = true
		}
	}
	if !aliased {
		t.Fatalf("no aws provider aliased us_east_1: %v", s.Tree()["provider"])
	}
	byDomain := map[string]any{}
	for _, c := range s.Resources("aws_acm_certificate") {
		byDomain[c["domain_name"].(string)] = c["provider"]
	}
	if byDomain["builder.example.eu"] != "aws.us_east_1" || byDomain["api.builder.example.eu"] != nil {
		t.Errorf("certificate providers = %v, want the UI's in aws.us_east_1 and the API's in the default provider", byDomain)
	}
	for _, acl := range s.Resources("aws_wafv2_web_acl") {
		if acl["provider"] != "aws.us_east_1" || acl["scope"] != "CLOUDFRONT" {
			t.Errorf("web ACL provider %v scope %v, want aws.us_east_1 and CLOUDFRONT", acl["provider"], acl["scope"])
		}
	}
	// CloudFront's metrics exist only in us-east-1: its alarm lives there and
	// notifies a topic there; every other alarm stays in the stack's region.
	globalTopic := s.Ref("aws_sns_topic", "monitoring_global_topic", "arn")
	for _, a := range s.Resources("aws_cloudwatch_metric_alarm") {
		cloudFront := a["namespace"] == "AWS/CloudFront"
		if wantGlobal := a["provider"] == "aws.us_east_1"; cloudFront != wantGlobal || cloudFront != (fmt.Sprint(a["alarm_actions"]) == "["+globalTopic+"]") {
			t.Errorf("alarm %v: provider %v, actions %v; want aws.us_east_1 and the us-east-1 topic exactly for CloudFront's", a["alarm_name"], a["provider"], a["alarm_actions"])
		}
	}
	// The WAF allow-list is IPv4-only, so IPv6 is off and the UI gets no AAAA record.
	for _, d := range s.Resources("aws_cloudfront_distribution") {
		if d["is_ipv6_enabled"] != false {
			t.Errorf("is_ipv6_enabled = %v with an IPv4 allow-list", d["is_ipv6_enabled"])
		}
	}
	for _, r := range s.Resources("aws_route53_record") {
		if r["type"] == "AAAA" {
			t.Errorf("AAAA record %v although IPv6 is off", r["name"])
		}
	}
}

// TestReadmeListsEveryOutput keeps the README's outputs table in step with the stacks.
func TestReadmeListsEveryOutput(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start, end := strings.Index(text, "<!-- outputs:begin -->"), strings.Index(text, "<!-- outputs:end -->")
	if start < 0 || end < start {
		t.Fatal("README.md has no outputs section markers")
	}
	table := text[start:end]
	for name, s := range synthesized {
		for output := range s.Outputs() {
			if !strings.Contains(table, "`"+output+"`") {
				t.Errorf("%s: output %s is not in the README's outputs table", name, output)
			}
		}
	}
}

// example loads one of the example environment files.
func example(t *testing.T, name string) *environments.Environment {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "environments", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	env, err := environments.Parse("environments/examples/"+name, data)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// albOutputs are the outputs that name the ALB itself; in cloudfront mode
// their descriptions say it is reachable only inside the VPC.
var albOutputs = []string{"alb_dns_name", "alb_url"}

// urlsAroundCloudFront lists the outputs other than albOutputs whose value
// points at the ALB: with a private ALB, a URL the world cannot reach.
func urlsAroundCloudFront(s *testutil.Synthesized) []string {
	var out []string
	for name, o := range s.Outputs() {
		value := fmt.Sprint(o.(map[string]any)["value"])
		if !slices.Contains(albOutputs, name) && strings.Contains(value, "${aws_lb.") {
			out = append(out, name+" = "+value)
		}
	}
	sort.Strings(out)
	return out
}

// TestPublicURLsGoThroughCloudFront: prod's URLs (error_callback_url,
// websocket_url, ...) point at CloudFront's or the custom domain, and the
// ALB outputs say the ALB is internal. dev, with a public ALB, is the twin.
func TestPublicURLsGoThroughCloudFront(t *testing.T) {
	prod := stack(t, "prod")
	if got := urlsAroundCloudFront(prod.Synthesized); len(got) > 0 {
		t.Errorf("prod outputs that bypass CloudFront:\n%s", strings.Join(got, "\n"))
	}
	for _, name := range []string{"error_callback_url", "websocket_url"} {
		if v := prod.Outputs()[name].(map[string]any)["value"]; !strings.Contains(fmt.Sprint(v), "://"+prod.env.DomainName+"/") {
			t.Errorf("prod %s = %v, want it on %s", name, v, prod.env.DomainName)
		}
	}
	for _, name := range albOutputs {
		if d := fmt.Sprint(prod.Outputs()[name].(map[string]any)["description"]); !strings.Contains(d, "only inside the VPC") {
			t.Errorf("prod %s description %q does not say the ALB is reachable only inside the VPC", name, d)
		}
	}
	if got := urlsAroundCloudFront(stack(t, "dev").Synthesized); len(got) < 2 {
		t.Errorf("dev (public ALB): flagged %v, want at least error_callback_url and websocket_url", got)
	}
}

// TestExamplesInBothModes synthesizes every example environment with each
// loadBalancer.exposure and checks the shape: an internal ALB behind a VPC
// origin with every URL through CloudFront, or an internet-facing one. The
// field that belongs to the other mode goes (validation refuses it there):
// the ALB allow-list is public-only, the callback allow-list private-only.
func TestExamplesInBothModes(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "environments", "examples", "*.json"))
	if len(files) < 3 {
		t.Fatalf("%d examples, want at least 3", len(files))
	}
	for _, file := range files {
		for _, exposure := range []string{environments.ExposurePublic, environments.ExposureCloudFront} {
			t.Run(filepath.Base(file)+"/"+exposure, func(t *testing.T) {
				env := exampleAs(t, file, exposure)
				s := testutil.Synth(stacks.New(testutil.App(), env))
				problems := privateALBProblems(s)
				if exposure == environments.ExposureCloudFront {
					problems = append(problems, urlsAroundCloudFront(s)...)
					for _, p := range problems {
						t.Error(p)
					}
					return
				}
				if len(problems) == 0 || s.Count("aws_cloudfront_vpc_origin") != 0 {
					t.Errorf("public: %d VPC origins, problems %v; want an internet-facing ALB and no VPC origin", s.Count("aws_cloudfront_vpc_origin"), problems)
				}
			})
		}
	}
}

// exampleAs loads an example file with loadBalancer.exposure set to exposure.
func exampleAs(t *testing.T, file, exposure string) *environments.Environment {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	section := func(key string) map[string]any {
		m, ok := raw[key].(map[string]any)
		if !ok {
			m = map[string]any{}
			raw[key] = m
		}
		return m
	}
	section("loadBalancer")["exposure"] = exposure
	if exposure == environments.ExposureCloudFront {
		delete(section("loadBalancer"), "allowedCidrs")
	} else {
		delete(section("waf"), "callbackAllowedCidrs")
	}
	data, _ = json.Marshal(raw)
	env, err := environments.Parse("environments/examples/"+filepath.Base(file), data)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// TestBuildReportsPanics proves the app's last line of defence: an
// environment the loader did not catch (here one built by hand, with no AZs)
// makes the networking module panic; Build turns that into one line naming
// the file.
func TestBuildReportsPanics(t *testing.T) {
	env := environments.Defaults()
	env.Name, env.File = "broken", "environments/broken.json"
	_, err := stacks.Build(testutil.App(), &env)
	if err == nil {
		t.Fatal("no error for an environment without AZs")
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "environments/broken.json: the stack could not be built") || strings.Contains(msg, "\n") {
		t.Errorf("error is not one line naming the file: %q", msg)
	}
}
