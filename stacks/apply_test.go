package stacks_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/internal/testutil"
)

// mockARNs are ARN-shaped values for the mock provider: by default it fills
// computed attributes with random strings, which fail the provider's ARN
// validation where one resource's ARN feeds another.
var mockARNs = map[string]string{
	"aws_iam_role":                           `arn = "arn:aws:iam::123456789012:role/mock"`,
	"aws_cloudwatch_log_group":               `arn = "arn:aws:logs:us-east-1:123456789012:log-group:mock"`,
	"aws_lb":                                 `arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/mock/0123456789abcdef", arn_suffix = "app/mock/0123456789abcdef", dns_name = "mock-123.us-east-1.elb.amazonaws.com", zone_id = "Z35SXDOTRQ7X7K"`,
	"aws_lb_target_group":                    `arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/mock/0123456789abcdef", arn_suffix = "targetgroup/mock/0123456789abcdef"`,
	"aws_lb_listener":                        `arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/mock/0123456789abcdef/0123456789abcdef"`,
	"aws_secretsmanager_secret":              `arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mock-AbCdEf"`,
	"aws_acm_certificate":                    `arn = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000", domain_validation_options = [{ domain_name = "mock.example.com", resource_record_name = "_x.mock.example.com.", resource_record_type = "CNAME", resource_record_value = "_y.acm-validations.aws." }]`,
	"aws_acm_certificate_validation":         `certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"`,
	"aws_cloudfront_distribution":            `arn = "arn:aws:cloudfront::123456789012:distribution/EMOCK", domain_name = "dmock.cloudfront.net", hosted_zone_id = "Z2FDTNDATAQYW2"`,
	"aws_wafv2_web_acl":                      `arn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/mock/00000000-0000-0000-0000-000000000000"`,
	"aws_wafv2_ip_set":                       `arn = "arn:aws:wafv2:us-east-1:123456789012:global/ipset/mock/00000000-0000-0000-0000-000000000000"`,
	"aws_ecs_cluster":                        `arn = "arn:aws:ecs:us-east-1:123456789012:cluster/mock"`,
	"aws_ecs_task_definition":                `arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/mock:1"`,
	"aws_ecr_repository":                     `arn = "arn:aws:ecr:us-east-1:123456789012:repository/mock", repository_url = "123456789012.dkr.ecr.us-east-1.amazonaws.com/mock"`,
	"aws_s3_bucket":                          `arn = "arn:aws:s3:::mock-bucket", bucket = "mock-bucket", bucket_regional_domain_name = "mock-bucket.s3.us-east-1.amazonaws.com"`,
	"aws_iam_policy":                         `arn = "arn:aws:iam::123456789012:policy/mock"`,
	"aws_cloudfront_response_headers_policy": `id = "00000000-0000-0000-0000-000000000000"`,
}

// mockPolicyJSON is a valid policy document for every aws_iam_policy_document:
// roles and policies validate that their documents are JSON.
const mockPolicyJSON = `{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Service\":\"ecs-tasks.amazonaws.com\"}}]}`

// stateCheck is one assertion on the applied state: an HCL expression that
// must equal a value.
type stateCheck struct {
	expr, want string
}

// applyChecks picks key values of an environment to assert after apply.
func applyChecks(s *stackOutput) []stateCheck {
	env := s.env
	addr := func(typ, part string) string {
		ref := s.Ref(typ, part, "x")
		return strings.TrimSuffix(strings.TrimPrefix(ref, "${"), ".x}")
	}
	return []stateCheck{
		{addr("aws_vpc", "vpc") + ".cidr_block", fmt.Sprintf("%q", env.Network.VpcCidr)},
		{"length(" + addr("aws_default_security_group", "default_security_group") + ".ingress)", "0"},
	}
}

// TestApplyAndDestroy applies each environment with `terraform test` and a
// mocked AWS provider (Terraform destroys it again at the end of the run),
// proving the whole configuration applies and destroys without an account.
func TestApplyAndDestroy(t *testing.T) {
	for _, name := range []string{"dev", "prod"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := stack(t, name)
			tf := testutil.NeedTerraform(t)
			dir := testutil.PrepareStack(t, s.json)
			if err := os.WriteFile(filepath.Join(dir, "apply.tftest.hcl"), []byte(tftest(s)), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := tf.Run(dir, "init", "-input=false", "-no-color", "-backend=false"); err != nil {
				t.Fatal(err)
			}
			out, err := tf.Run(dir, "test", "-no-color")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(out), "1 passed, 0 failed") {
				t.Errorf("terraform test did not pass:\n%s", out)
			}
		})
	}
}

// tftest renders the test file: a mock provider per provider block (aliases
// included) and one apply run with the state checks.
func tftest(s *stackOutput) string {
	var b strings.Builder
	var types []string
	for typ := range mockARNs {
		types = append(types, typ)
	}
	sort.Strings(types)
	for _, p := range providers(s) {
		b.WriteString("mock_provider \"aws\" {\n")
		if alias, ok := p["alias"].(string); ok {
			fmt.Fprintf(&b, "  alias = %q\n", alias)
		}
		for _, typ := range types {
			fmt.Fprintf(&b, "  mock_resource %q {\n    defaults = { %s }\n  }\n", typ, mockARNs[typ])
		}
		fmt.Fprintf(&b, "  mock_data \"aws_iam_policy_document\" {\n    defaults = { json = \"%s\" }\n  }\n", mockPolicyJSON)
		b.WriteString("}\n\n")
	}
	b.WriteString("run \"apply\" {\n  command = apply\n")
	for _, c := range applyChecks(s) {
		fmt.Fprintf(&b, "  assert {\n    condition     = %s == %s\n    error_message = %q\n  }\n", c.expr, c.want, c.expr+" is not "+c.want)
	}
	b.WriteString("}\n")
	return b.String()
}
