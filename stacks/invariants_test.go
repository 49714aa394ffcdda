package stacks_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/modules/secrets"
)

// starResourceSids are the only statements allowed to name Resource "*",
// because AWS offers nothing narrower for their actions.
var starResourceSids = map[string]string{
	"EcsExecChannels": "ssmmessages:* channel actions have no resource-level permissions",
}

// iamProblems lists the Allow statements of the policy documents in s that
// grant a wildcard action, or "*" resources outside starResourceSids.
func iamProblems(s *testutil.Synthesized) []string {
	var out []string
	for name, doc := range s.DataSources("aws_iam_policy_document") {
		statements, _ := doc["statement"].([]any)
		for i, st := range statements {
			st := st.(map[string]any)
			if st["effect"] == "Deny" {
				continue // a Deny may be broad: it only takes away
			}
			where := fmt.Sprintf("%s statement %d (%v)", name, i, st["sid"])
			for _, a := range strings.Fields(fmt.Sprint(st["actions"], st["not_actions"])) {
				a = strings.Trim(a, "[]")
				if strings.Contains(a, "*") {
					out = append(out, where+": wildcard action "+a)
				}
			}
			if _, ok := st["not_actions"]; ok {
				out = append(out, where+": NotAction in an Allow grants everything else")
			}
			for _, r := range strings.Fields(strings.Trim(fmt.Sprint(st["resources"]), "[]")) {
				if r == "*" && starResourceSids[fmt.Sprint(st["sid"])] == "" {
					out = append(out, where+": resource \"*\"")
				}
			}
		}
	}
	return out
}

func TestNoWildcardIAM(t *testing.T) {
	for name, s := range synthesized {
		if n := len(s.DataSources("aws_iam_policy_document")); n < 5 {
			t.Errorf("%s: only %d policy documents; the check did not see the stack", name, n)
		}
		for _, p := range iamProblems(s.Synthesized) {
			t.Errorf("%s: %s", name, p)
		}
	}
}

// TestNoWildcardIAMCatches is the failing twin: the check must flag these.
func TestNoWildcardIAMCatches(t *testing.T) {
	bad := testutil.Parse([]byte(`{"data": {"aws_iam_policy_document": {
		"a": {"statement": [{"effect": "Allow", "actions": ["s3:*"], "resources": ["arn:aws:s3:::b"]}]},
		"b": {"statement": [{"effect": "Allow", "actions": ["*"], "resources": ["*"]}]},
		"c": {"statement": [{"effect": "Allow", "actions": ["secretsmanager:GetSecretValue"], "resources": ["*"]}]},
		"d": {"statement": [{"effect": "Allow", "actions": ["ecs:Describe*"], "resources": ["arn:aws:ecs:::x"]}]},
		"e": {"statement": [{"effect": "Deny", "actions": ["s3:*"], "resources": ["*"]}]}}}}`))
	got := iamProblems(bad)
	if len(got) != 5 {
		t.Errorf("flagged %d problems, want 5 (s3:*, *, two star resources, Describe*):\n%s", len(got), strings.Join(got, "\n"))
	}
}

// TestInlinePoliciesComeFromDocuments: every inline policy is one of the
// checked documents, and the only managed policy is ECS's execution policy.
func TestInlinePoliciesComeFromDocuments(t *testing.T) {
	for name, s := range synthesized {
		for rp, p := range s.Resources("aws_iam_role_policy") {
			if pol := fmt.Sprint(p["policy"]); !strings.HasPrefix(pol, "${data.aws_iam_policy_document.") {
				t.Errorf("%s: %s policy %s is not a policy document", name, rp, pol)
			}
		}
		for ra, a := range s.Resources("aws_iam_role_policy_attachment") {
			if a["policy_arn"] != "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" {
				t.Errorf("%s: %s attaches %v", name, ra, a["policy_arn"])
			}
		}
	}
}

// TestSecretScoping: the roles read exactly this stack's secret.
func TestSecretScoping(t *testing.T) {
	for name, s := range synthesized {
		secretArn := s.Ref("aws_secretsmanager_secret", "secret", "arn")
		for doc, d := range s.DataSources("aws_iam_policy_document") {
			for _, st := range d["statement"].([]any) {
				st := st.(map[string]any)
				if !strings.Contains(fmt.Sprint(st["actions"]), "secretsmanager:") {
					continue
				}
				if got := fmt.Sprint(st["resources"]); got != "["+secretArn+"]" {
					t.Errorf("%s: %s grants %v on %s, want only %s", name, doc, st["actions"], got, secretArn)
				}
			}
		}
	}
}

type containerDef struct {
	Name        string `json:"name"`
	Environment []struct {
		Name, Value string
	} `json:"environment"`
	Secrets []struct {
		Name      string `json:"name"`
		ValueFrom string `json:"valueFrom"`
	} `json:"secrets"`
}

// TestKeyInjectedAsSecret: the key reaches the container only through
// `secrets`, never as a plain environment variable.
func TestKeyInjectedAsSecret(t *testing.T) {
	for name, s := range synthesized {
		for _, td := range s.Resources("aws_ecs_task_definition") {
			var defs []containerDef
			if err := json.Unmarshal([]byte(td["container_definitions"].(string)), &defs); err != nil {
				t.Fatal(err)
			}
			want := s.Ref("aws_secretsmanager_secret", "secret", "arn") + ":ANTHROPIC_API_KEY::"
			if len(defs) != 1 || len(defs[0].Secrets) != 1 || defs[0].Secrets[0].Name != "ANTHROPIC_API_KEY" || defs[0].Secrets[0].ValueFrom != want {
				t.Errorf("%s: container secrets = %+v, want ANTHROPIC_API_KEY from %s", name, defs, want)
			}
			for _, e := range defs[0].Environment {
				if e.Name == "ANTHROPIC_API_KEY" || strings.Contains(e.Value, "sk-ant") {
					t.Errorf("%s: the key is a plain environment variable", name)
				}
			}
		}
	}
}

// TestUserSecretNeverReplaced: the placeholder version has a staging label
// of its own, never AWSCURRENT, and Terraform ignores both its value and its
// labels, so an apply can neither overwrite nor re-label the user's key.
func TestUserSecretNeverReplaced(t *testing.T) {
	for name, s := range synthesized {
		versions := s.Resources("aws_secretsmanager_secret_version")
		if len(versions) != 1 {
			t.Fatalf("%s: %d secret versions, want 1", name, len(versions))
		}
		for _, v := range versions {
			stages := fmt.Sprint(v["version_stages"])
			if stages != "["+secrets.PlaceholderStage+"]" {
				t.Errorf("%s: version_stages = %s, want only %s (never AWSCURRENT)", name, stages, secrets.PlaceholderStage)
			}
			ignored := fmt.Sprint(v["lifecycle"].(map[string]any)["ignore_changes"])
			for _, attr := range []string{"secret_string", "version_stages"} {
				if !strings.Contains(ignored, attr) {
					t.Errorf("%s: ignore_changes = %s, want %s in it", name, ignored, attr)
				}
			}
		}
	}
}

// TestDataSafety: prod keeps what matters on destroy; dev leaves nothing behind.
func TestDataSafety(t *testing.T) {
	type want struct {
		deletionProtection, versioning, forceDestroy, forceDelete bool
		mutability                                                string
		minRecovery, maxRecovery                                  int
	}
	for name, w := range map[string]want{
		"prod": {deletionProtection: true, versioning: true, mutability: "IMMUTABLE", minRecovery: 7, maxRecovery: 30},
		"dev":  {forceDestroy: true, forceDelete: true, mutability: "MUTABLE"},
	} {
		t.Run(name, func(t *testing.T) {
			s := stack(t, name)
			check := func(what string, got, want any) {
				t.Helper()
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s = %v, want %v", what, got, want)
				}
			}
			for _, lb := range s.Resources("aws_lb") {
				check("aws_lb.enable_deletion_protection", lb["enable_deletion_protection"], w.deletionProtection)
			}
			for n, b := range s.Resources("aws_s3_bucket") {
				check(n+".force_destroy", b["force_destroy"] == true, w.forceDestroy)
			}
			uiBucket := s.Ref("aws_s3_bucket", "frontend_bucket", "id")
			versioned := false
			for _, v := range s.Resources("aws_s3_bucket_versioning") {
				if v["bucket"] == uiBucket && fmt.Sprint(v["versioning_configuration"]) == "map[status:Enabled]" {
					versioned = true
				}
			}
			check("UI bucket versioning", versioned, w.versioning)
			for _, r := range s.Resources("aws_ecr_repository") {
				check("ecr force_delete", r["force_delete"] == true, w.forceDelete)
				check("ecr image_tag_mutability", r["image_tag_mutability"], w.mutability)
			}
			for _, sec := range s.Resources("aws_secretsmanager_secret") {
				days := int(sec["recovery_window_in_days"].(float64))
				if days < w.minRecovery || days > w.maxRecovery {
					t.Errorf("secret recovery window %d days, want %d..%d", days, w.minRecovery, w.maxRecovery)
				}
			}
		})
	}
}
