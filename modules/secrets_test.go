package modules_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/modules/secrets"
)

// secretsVariants are two stacks: dev (delete at once, default description,
// its outputs declared as stack outputs so their tokens can be checked) and
// prod (30-day recovery window).
type secretsVariants struct{ dev, prod *testutil.Synthesized }

var secretsStacks = synthOnce(func() (v secretsVariants) {
	stack := testutil.NewStack()
	s := secrets.New(stack, "secret", secrets.Props{Name: "proj-dev-anthropic-key"})
	for name, out := range map[string]*string{"arn": s.Arn, "name": s.Name, "read_policy": s.ReadPolicyJSON, "value_from": s.ApiKeyValueFrom} {
		cdktf.NewTerraformOutput(stack, jsii.String(name), &cdktf.TerraformOutputConfig{Value: out})
	}
	v.dev = testutil.Synth(stack)

	stack = testutil.NewStack()
	secrets.New(stack, "secret", secrets.Props{Name: "proj-prod-anthropic-key", RecoveryWindowDays: 30, Description: "the key"})
	v.prod = testutil.Synth(stack)
	return v
})

func TestSecretsNameAndRecoveryWindow(t *testing.T) {
	v := secretsStacks()
	dev, prod := v.dev, v.prod
	tests := []struct {
		name      string
		s         *testutil.Synthesized
		want, not map[string]any
	}{
		{"dev", dev,
			map[string]any{"name": "proj-dev-anthropic-key", "recovery_window_in_days": 0},
			map[string]any{"recovery_window_in_days": 30}},
		{"prod", prod,
			map[string]any{"name": "proj-prod-anthropic-key", "recovery_window_in_days": 30, "description": "the key"},
			map[string]any{"recovery_window_in_days": 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.AssertResource(t, tt.s, "aws_secretsmanager_secret", tt.want)
			testutil.RefuteResource(t, tt.s, "aws_secretsmanager_secret", tt.not)
			for name, r := range tt.s.Resources("aws_secretsmanager_secret") {
				if _, ok := r["name_prefix"]; ok {
					t.Errorf("%s has a name_prefix; the name must be exact", name)
				}
			}
			if n := tt.s.Count("aws_secretsmanager_secret"); n != 1 {
				t.Errorf("%d secrets, want 1", n)
			}
		})
	}
}

// placeholderVersion returns the one secret version, failing unless there is exactly one.
func placeholderVersion(t *testing.T, s *testutil.Synthesized) map[string]any {
	t.Helper()
	versions := s.Resources("aws_secretsmanager_secret_version")
	if len(versions) != 1 {
		t.Fatalf("%d secret versions, want 1", len(versions))
	}
	for _, v := range versions {
		return v
	}
	return nil
}

func TestSecretsPlaceholderVersion(t *testing.T) {
	dev := secretsStacks().dev
	v := placeholderVersion(t, dev)
	if got, want := v["secret_id"], dev.Ref("aws_secretsmanager_secret", "secret", "id"); got != want {
		t.Errorf("secret_id = %v, want %v", got, want)
	}
	var value map[string]string
	testutil.Decode(t, v["secret_string"], &value)
	if len(value) != 1 || !strings.HasPrefix(value["ANTHROPIC_API_KEY"], "REPLACE_ME") ||
		!strings.Contains(value["ANTHROPIC_API_KEY"], "put-secret-value --secret-id proj-dev-anthropic-key") {
		t.Errorf("secret_string = %v, want only ANTHROPIC_API_KEY holding an obvious placeholder that says how to set the key", value)
	}
}

// The placeholder version must keep a label of its own, so that moving
// AWSCURRENT/AWSPREVIOUS never leaves it unlabelled (deprecated), and must
// never claim AWSCURRENT, which would put the placeholder back in service.
func TestSecretsPlaceholderStages(t *testing.T) {
	dev := secretsStacks().dev
	testutil.AssertResource(t, dev, "aws_secretsmanager_secret_version", map[string]any{"version_stages": []any{secrets.PlaceholderStage}})
	testutil.RefuteResource(t, dev, "aws_secretsmanager_secret_version", map[string]any{"version_stages": []any{"AWSCURRENT"}})
	stages := testutil.Strings(placeholderVersion(t, dev)["version_stages"])
	if !slices.Equal(stages, []string{"TERRAFORM_PLACEHOLDER"}) {
		t.Errorf("version_stages = %v, want exactly [TERRAFORM_PLACEHOLDER]", stages)
	}
}

func TestSecretsPlaceholderIgnoresChanges(t *testing.T) {
	dev := secretsStacks().dev
	lc, _ := placeholderVersion(t, dev)["lifecycle"].(map[string]any)
	got := testutil.Strings(lc["ignore_changes"])
	slices.Sort(got)
	if want := []string{"secret_string", "version_stages"}; !slices.Equal(got, want) {
		t.Errorf("lifecycle.ignore_changes = %v, want %v (secret_string alone lets the placeholder come back)", got, want)
	}
	// The twin: the secret itself ignores nothing.
	for name, r := range dev.Resources("aws_secretsmanager_secret") {
		if _, ok := r["lifecycle"]; ok {
			t.Errorf("%s has a lifecycle block %v, want none", name, r["lifecycle"])
		}
	}
}

func TestSecretsReadPolicy(t *testing.T) {
	dev := secretsStacks().dev
	docs := dev.DataSources("aws_iam_policy_document")
	if len(docs) != 1 {
		t.Fatalf("%d policy documents, want 1", len(docs))
	}
	arn := dev.Ref("aws_secretsmanager_secret", "secret", "arn")
	for name, doc := range docs {
		statements, _ := doc["statement"].([]any)
		if len(statements) != 1 {
			t.Fatalf("%s: %d statements, want 1", name, len(statements))
		}
		st := statements[0].(map[string]any)
		actions := testutil.Strings(st["actions"])
		slices.Sort(actions)
		if want := []string{"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"}; !slices.Equal(actions, want) {
			t.Errorf("actions = %v, want %v", actions, want)
		}
		if got := testutil.Strings(st["resources"]); !slices.Equal(got, []string{arn}) {
			t.Errorf("resources = %v, want only %s", got, arn)
		}
		if st["effect"] != "Allow" {
			t.Errorf("effect = %v, want Allow", st["effect"])
		}
	}
}

func TestSecretsOutputs(t *testing.T) {
	dev := secretsStacks().dev
	arn := dev.Ref("aws_secretsmanager_secret", "secret", "arn")
	var doc string
	for name := range dev.DataSources("aws_iam_policy_document") {
		doc = "${data.aws_iam_policy_document." + name + ".json}"
	}
	want := map[string]string{
		"arn":         arn,
		"name":        dev.Ref("aws_secretsmanager_secret", "secret", "name"),
		"read_policy": doc,
		"value_from":  arn + ":ANTHROPIC_API_KEY::",
	}
	outputs := dev.Outputs()
	for name, w := range want {
		o, _ := outputs[name].(map[string]any)
		if o["value"] != w {
			t.Errorf("output %s = %v, want %s", name, o["value"], w)
		}
	}
}
