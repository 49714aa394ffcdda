package testutil

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// mockDefaults are ARN-shaped (and otherwise well-formed) values for the
// mocked provider: by default it fills computed attributes with random
// strings, which fail the provider's validation where one resource's ARN,
// name or domain feeds another.
var mockDefaults = map[string]string{
	"aws_iam_role":                            `arn = "arn:aws:iam::123456789012:role/mock"`,
	"aws_iam_policy":                          `arn = "arn:aws:iam::123456789012:policy/mock"`,
	"aws_cloudwatch_log_group":                `arn = "arn:aws:logs:us-east-1:123456789012:log-group:mock"`,
	"aws_lb":                                  `arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/mock/0123456789abcdef", arn_suffix = "app/mock/0123456789abcdef", dns_name = "mock-123.us-east-1.elb.amazonaws.com", zone_id = "Z35SXDOTRQ7X7K"`,
	"aws_lb_target_group":                     `arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/mock/0123456789abcdef", arn_suffix = "targetgroup/mock/0123456789abcdef"`,
	"aws_lb_listener":                         `arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/mock/0123456789abcdef/0123456789abcdef"`,
	"aws_secretsmanager_secret":               `arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mock-AbCdEf"`,
	"aws_acm_certificate":                     `arn = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000", domain_validation_options = [{ domain_name = "mock.example.com", resource_record_name = "_x.mock.example.com.", resource_record_type = "CNAME", resource_record_value = "_y.acm-validations.aws." }]`,
	"aws_acm_certificate_validation":          `certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"`,
	"aws_cloudfront_distribution":             `arn = "arn:aws:cloudfront::123456789012:distribution/EMOCK", domain_name = "dmock.cloudfront.net", hosted_zone_id = "Z2FDTNDATAQYW2"`,
	"aws_cloudfront_response_headers_policy":  `id = "00000000-0000-0000-0000-000000000000"`,
	"aws_cloudfront_function":                 `arn = "arn:aws:cloudfront::123456789012:function/mock"`,
	"aws_cloudwatch_log_delivery_destination": `arn = "arn:aws:logs:us-east-1:123456789012:delivery-destination:mock"`,
	"aws_wafv2_web_acl":                       `arn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/mock/00000000-0000-0000-0000-000000000000"`,
	"aws_wafv2_ip_set":                        `arn = "arn:aws:wafv2:us-east-1:123456789012:global/ipset/mock/00000000-0000-0000-0000-000000000000"`,
	"aws_ecs_cluster":                         `arn = "arn:aws:ecs:us-east-1:123456789012:cluster/mock"`,
	"aws_ecs_task_definition":                 `arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/mock:1"`,
	"aws_ecr_repository":                      `arn = "arn:aws:ecr:us-east-1:123456789012:repository/mock", repository_url = "123456789012.dkr.ecr.us-east-1.amazonaws.com/mock"`,
	"aws_s3_bucket":                           `arn = "arn:aws:s3:::mock-bucket", bucket = "mock-bucket", bucket_regional_domain_name = "mock-bucket.s3.us-east-1.amazonaws.com"`,
	"aws_kms_key":                             `arn = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000", key_id = "00000000-0000-0000-0000-000000000000"`,
	"aws_sns_topic":                           `arn = "arn:aws:sns:us-east-1:123456789012:mock-alerts"`,
	"aws_cloudwatch_metric_alarm":             `arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:mock"`,
}

// mockPolicyJSON is a valid policy for every aws_iam_policy_document: roles
// and policies check that their documents are JSON.
const mockPolicyJSON = `{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Service\":\"ecs-tasks.amazonaws.com\"}}]}`

// StateCheck is one assertion on the applied state: the HCL expression Expr
// must equal Want (also HCL, e.g. `"10.0.0.0/16"` or `3600`).
type StateCheck struct {
	Expr, Want string
}

// TestFile is one <Name>.tftest.hcl file: its runs apply one after the other
// to one shared state, which Terraform destroys when the file is done, with
// the configuration of the last run.
type TestFile struct {
	Name string
	Runs []TestRun
}

// TestRun is one `command = apply` run: Config names the configuration it
// applies (a key of the configs given to TestWithMocks; "" is the root), and
// Checks are asserted on the state afterwards.
type TestRun struct {
	Name   string
	Config string
	Checks []StateCheck
}

// TestWithMocks runs `terraform test` with a mocked AWS provider. configs
// holds synthesized stacks by name: "" is the root configuration, any other
// name becomes a subdirectory a run can apply instead (the same environment
// changed, e.g. with its protection lifted). It returns everything Terraform
// printed and the error of the command: a failed run or a failed destroy at
// the end of a file makes it fail, which callers may expect.
func (tf *Terraform) TestWithMocks(t testing.TB, configs map[string][]byte, files []TestFile) (string, error) {
	t.Helper()
	root, ok := configs[""]
	if !ok {
		t.Fatal("testutil: TestWithMocks needs a root configuration (key \"\")")
	}
	dir := PrepareStack(t, root)
	for name, stackJSON := range configs {
		if name == "" {
			continue
		}
		sub := PrepareStack(t, stackJSON)
		if err := os.Rename(sub, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	providers, err := mockProviders(slices.Collect(maps.Values(configs)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		test := providers + renderRuns(f)
		if err := os.WriteFile(filepath.Join(dir, f.Name+".tftest.hcl"), []byte(test), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tf.Run(dir, "init", "-input=false", "-no-color", "-backend=false"); err != nil {
		t.Fatal(err)
	}
	out, err := tf.run(dir, true, "test", "-no-color")
	if err != nil {
		return err.Error(), err // the error holds stdout and stderr
	}
	return string(out), nil
}

// mockProviders renders a mock_provider block for every aws provider block
// of the stacks (the default and each alias, once), with well-formed defaults
// for computed attributes.
func mockProviders(stacks [][]byte) (string, error) {
	var aliases []string
	for _, data := range stacks {
		var stack struct {
			Provider struct {
				Aws []struct {
					Alias string `json:"alias"`
				} `json:"aws"`
			} `json:"provider"`
		}
		if err := json.Unmarshal(data, &stack); err != nil {
			return "", err
		}
		for _, p := range stack.Provider.Aws {
			if !slices.Contains(aliases, p.Alias) {
				aliases = append(aliases, p.Alias)
			}
		}
	}
	slices.Sort(aliases) // "" (the default) first
	types := make([]string, 0, len(mockDefaults))
	for typ := range mockDefaults {
		types = append(types, typ)
	}
	sort.Strings(types)

	var b strings.Builder
	for _, alias := range aliases {
		b.WriteString("mock_provider \"aws\" {\n")
		if alias != "" {
			fmt.Fprintf(&b, "  alias = %q\n", alias)
		}
		for _, typ := range types {
			fmt.Fprintf(&b, "  mock_resource %q {\n    defaults = { %s }\n  }\n", typ, mockDefaults[typ])
		}
		fmt.Fprintf(&b, "  mock_data \"aws_iam_policy_document\" {\n    defaults = { json = \"%s\" }\n  }\n}\n\n", mockPolicyJSON)
	}
	return b.String(), nil
}

// renderRuns writes the run blocks of one test file. Runs that apply another
// configuration share the file's state through state_key (Terraform >= 1.11);
// without one, each configuration would get a state of its own.
func renderRuns(f TestFile) string {
	var b strings.Builder
	for _, r := range f.Runs {
		fmt.Fprintf(&b, "run %q {\n  command = apply\n", r.Name)
		if r.Config != "" || len(f.Runs) > 1 {
			fmt.Fprintf(&b, "  state_key = %q\n", f.Name)
		}
		if r.Config != "" {
			fmt.Fprintf(&b, "  module {\n    source = %q\n  }\n", "./"+r.Config)
		}
		for _, c := range r.Checks {
			fmt.Fprintf(&b, "  assert {\n    condition     = %s == %s\n    error_message = %q\n  }\n", c.Expr, c.Want, c.Expr+" is not "+c.Want)
		}
		b.WriteString("}\n\n")
	}
	return b.String()
}
