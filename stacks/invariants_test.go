package stacks_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/modules/secrets"
	"github.com/n8n-builder/infra/stacks"
)

// starResourceActions are the only actions an Allow statement may grant on
// Resource "*", each because AWS offers no resource to scope it to. A
// statement on "*" must hold nothing but these.
var starResourceActions = map[string]string{
	"ecr:GetAuthorizationToken":        "the registry login token is per account and region (execution role, image pull)",
	"ssmmessages:CreateControlChannel": "ECS Exec channels have no resource-level permissions",
	"ssmmessages:CreateDataChannel":    "ECS Exec channels have no resource-level permissions",
	"ssmmessages:OpenControlChannel":   "ECS Exec channels have no resource-level permissions",
	"ssmmessages:OpenDataChannel":      "ECS Exec channels have no resource-level permissions",
}

// iamProblems lists the Allow statements of the policy documents in s that
// grant a wildcard action, or other actions than starResourceActions on "*".
//
// A KMS key policy is read differently: there "*" means the key itself, and
// AWS's default statement, kms:* for the account root (which hands the
// key's administration to the account's IAM policies), is the one wildcard
// action allowed, to that principal only.
func iamProblems(s *testutil.Synthesized) []string {
	keyPolicies := map[string]bool{}
	for _, kp := range s.Resources("aws_kms_key_policy") {
		keyPolicies[strings.TrimSuffix(strings.TrimPrefix(fmt.Sprint(kp["policy"]), "${data.aws_iam_policy_document."), ".json}")] = true
	}
	var out []string
	for name, doc := range s.DataSources("aws_iam_policy_document") {
		statements, _ := doc["statement"].([]any)
		for i, st := range statements {
			st := st.(map[string]any)
			if st["effect"] == "Deny" {
				continue // a Deny may be broad: it only takes away
			}
			where := fmt.Sprintf("%s statement %d (%v)", name, i, st["sid"])
			actions := append(testutil.Strings(st["actions"]), testutil.Strings(st["not_actions"])...)
			if keyPolicies[name] {
				if slices.Equal(actions, []string{"kms:*"}) && onlyAccountRoot(st) {
					continue
				}
				if _, ok := st["principals"]; !ok {
					out = append(out, where+": a key policy statement without a principal")
				}
			}
			for _, a := range actions {
				if strings.Contains(a, "*") {
					out = append(out, where+": wildcard action "+a)
				}
			}
			if _, ok := st["not_actions"]; ok {
				out = append(out, where+": NotAction in an Allow grants everything else")
			}
			if !slices.Contains(testutil.Strings(st["resources"]), "*") || keyPolicies[name] {
				continue
			}
			for _, a := range actions {
				if starResourceActions[a] == "" {
					out = append(out, where+": "+a+" on resource \"*\"")
				}
			}
		}
	}
	return out
}

// onlyAccountRoot reports whether a statement's only principal is an
// account root ("arn:aws:iam::<account>:root").
func onlyAccountRoot(st map[string]any) bool {
	principals, _ := st["principals"].([]any)
	if len(principals) != 1 {
		return false
	}
	p, _ := principals[0].(map[string]any)
	ids := testutil.Strings(p["identifiers"])
	return p["type"] == "AWS" && len(ids) == 1 && strings.HasPrefix(ids[0], "arn:aws:iam::") && strings.HasSuffix(ids[0], ":root")
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
		"e": {"statement": [{"effect": "Deny", "actions": ["s3:*"], "resources": ["*"]}]},
		"f": {"statement": [{"effect": "Allow", "actions": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage"], "resources": ["*"]}]},
		"g": {"statement": [{"effect": "Allow", "actions": ["ecr:GetAuthorizationToken"], "resources": ["*"]}]},
		"k": {"statement": [
			{"effect": "Allow", "actions": ["kms:*"], "resources": ["*"], "principals": [{"type": "AWS", "identifiers": ["arn:aws:iam::123456789012:root"]}]},
			{"effect": "Allow", "actions": ["kms:Decrypt"], "resources": ["*"], "principals": [{"type": "Service", "identifiers": ["cloudwatch.amazonaws.com"]}]},
			{"effect": "Allow", "actions": ["kms:*"], "resources": ["*"], "principals": [{"type": "Service", "identifiers": ["cloudwatch.amazonaws.com"]}]},
			{"effect": "Allow", "actions": ["kms:Encrypt"], "resources": ["*"]}]},
		"r": {"statement": [{"effect": "Allow", "actions": ["kms:*"], "resources": ["*"], "principals": [{"type": "AWS", "identifiers": ["arn:aws:iam::123456789012:root"]}]}]}}},
		"resource": {"aws_kms_key_policy": {"p": {"policy": "${data.aws_iam_policy_document.k.json}"}}}}`))
	got := iamProblems(bad)
	want := []string{
		"a statement 0 (<nil>): wildcard action s3:*",
		"b statement 0 (<nil>): * on resource \"*\"",
		"b statement 0 (<nil>): wildcard action *",
		"c statement 0 (<nil>): secretsmanager:GetSecretValue on resource \"*\"",
		"d statement 0 (<nil>): wildcard action ecs:Describe*",
		"f statement 0 (<nil>): ecr:BatchGetImage on resource \"*\"",
		"k statement 2 (<nil>): wildcard action kms:*",
		"k statement 3 (<nil>): a key policy statement without a principal",
		"r statement 0 (<nil>): kms:* on resource \"*\"",
		"r statement 0 (<nil>): wildcard action kms:*",
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("flagged:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestInlinePoliciesComeFromDocuments: every inline policy is one of the
// checked documents, and no managed policy is attached (AWS's managed
// policies, such as AmazonECSTaskExecutionRolePolicy, grant on "*").
func TestInlinePoliciesComeFromDocuments(t *testing.T) {
	for name, s := range synthesized {
		for rp, p := range s.Resources("aws_iam_role_policy") {
			if pol := fmt.Sprint(p["policy"]); !strings.HasPrefix(pol, "${data.aws_iam_policy_document.") {
				t.Errorf("%s: %s policy %s is not a policy document", name, rp, pol)
			}
		}
		for ra, a := range s.Resources("aws_iam_role_policy_attachment") {
			t.Errorf("%s: %s attaches the managed policy %v", name, ra, a["policy_arn"])
		}
		for ra, r := range s.Resources("aws_iam_role") {
			if _, ok := r["managed_policy_arns"]; ok {
				t.Errorf("%s: %s has managed_policy_arns %v", name, ra, r["managed_policy_arns"])
			}
		}
	}
}

// trustProblems lists the roles whose trust policy is not a policy document
// with an aws:SourceAccount condition on every statement (confused deputy).
func trustProblems(s *testutil.Synthesized) []string {
	var out []string
	docs := s.DataSources("aws_iam_policy_document")
	for ra, r := range s.Resources("aws_iam_role") {
		ref := fmt.Sprint(r["assume_role_policy"])
		doc, ok := docs[strings.TrimSuffix(strings.TrimPrefix(ref, "${data.aws_iam_policy_document."), ".json}")]
		if !ok {
			out = append(out, ra+": trust policy "+ref+" is not a policy document")
			continue
		}
		for i, st := range doc["statement"].([]any) {
			conds, _ := st.(map[string]any)["condition"].([]any)
			found := false
			for _, c := range conds {
				c := c.(map[string]any)
				found = found || (c["test"] == "StringEquals" && c["variable"] == "aws:SourceAccount" && len(testutil.Strings(c["values"])) == 1)
			}
			if !found {
				out = append(out, fmt.Sprintf("%s: trust statement %d has no aws:SourceAccount condition", ra, i))
			}
		}
	}
	return out
}

func TestTrustPoliciesNameTheAccount(t *testing.T) {
	for name, s := range synthesized {
		if n := s.Count("aws_iam_role"); n < 2 {
			t.Errorf("%s: only %d roles; the check did not see the stack", name, n)
		}
		for _, p := range trustProblems(s.Synthesized) {
			t.Errorf("%s: %s", name, p)
		}
	}
}

// TestTrustPoliciesNameTheAccountCatches is the failing twin.
func TestTrustPoliciesNameTheAccountCatches(t *testing.T) {
	bad := testutil.Parse([]byte(`{
		"data": {"aws_iam_policy_document": {
			"open": {"statement": [{"actions": ["sts:AssumeRole"], "principals": [{"type": "Service", "identifiers": ["ecs-tasks.amazonaws.com"]}]}]},
			"arn_only": {"statement": [{"actions": ["sts:AssumeRole"], "condition": [{"test": "ArnLike", "variable": "aws:SourceArn", "values": ["arn:aws:ecs:*:*:*"]}]}]},
			"ok": {"statement": [{"actions": ["sts:AssumeRole"], "condition": [{"test": "StringEquals", "variable": "aws:SourceAccount", "values": ["123456789012"]}]}]}}},
		"resource": {"aws_iam_role": {
			"a": {"assume_role_policy": "${data.aws_iam_policy_document.open.json}"},
			"b": {"assume_role_policy": "${data.aws_iam_policy_document.arn_only.json}"},
			"c": {"assume_role_policy": "{\"Statement\": []}"},
			"d": {"assume_role_policy": "${data.aws_iam_policy_document.ok.json}"}}}}`))
	got := trustProblems(bad)
	slices.Sort(got)
	want := []string{
		"a: trust statement 0 has no aws:SourceAccount condition",
		"b: trust statement 0 has no aws:SourceAccount condition",
		`c: trust policy {"Statement": []} is not a policy document`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("flagged:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
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
			testutil.DecodeJSONEncode(t, td["container_definitions"], &defs)
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

// preventDestroyProblems lists where s differs from: every resource of a
// PreventDestroy type has lifecycle.prevent_destroy exactly when protected,
// and no other resource has it.
func preventDestroyProblems(s *testutil.Synthesized, protected bool) []string {
	var out []string
	resources, _ := s.Tree()["resource"].(map[string]any)
	for _, typ := range slices.Sorted(maps.Keys(resources)) {
		_, listed := stacks.PreventDestroy[typ]
		for _, name := range slices.Sorted(maps.Keys(s.Resources(typ))) {
			lc, _ := s.Resources(typ)[name]["lifecycle"].(map[string]any)
			got := lc["prevent_destroy"] == true
			if want := listed && protected; got != want {
				out = append(out, fmt.Sprintf("%s.%s: prevent_destroy %v, want %v", typ, name, got, want))
			}
		}
	}
	return out
}

// TestPreventDestroy: protected prod refuses to destroy what hurts to lose
// (at least the ALB, the distribution, every bucket, the repository and the
// secret); unprotected dev refuses nothing.
func TestPreventDestroy(t *testing.T) {
	for _, typ := range []string{"aws_lb", "aws_cloudfront_distribution", "aws_s3_bucket", "aws_ecr_repository", "aws_secretsmanager_secret"} {
		if _, ok := stacks.PreventDestroy[typ]; !ok {
			t.Errorf("%s is not in PreventDestroy", typ)
		}
		if stack(t, "prod").Count(typ) == 0 {
			t.Errorf("prod has no %s: the check would pass vacuously", typ)
		}
	}
	for name, s := range synthesized {
		for _, p := range preventDestroyProblems(s.Synthesized, s.env.Protected) {
			t.Errorf("%s: %s", name, p)
		}
	}
}

// TestPreventDestroyCatches is the failing twin: a protected bucket without
// the setting, and an unprotected one with it, are both flagged.
func TestPreventDestroyCatches(t *testing.T) {
	bare := testutil.Parse([]byte(`{"resource": {"aws_s3_bucket": {"b": {}}, "aws_iam_role": {"r": {}}}}`))
	if got := preventDestroyProblems(bare, true); len(got) != 1 {
		t.Errorf("protected bucket without prevent_destroy: flagged %v, want one problem", got)
	}
	set := testutil.Parse([]byte(`{"resource": {"aws_s3_bucket": {"b": {"lifecycle": {"prevent_destroy": true}}}, "aws_iam_role": {"r": {"lifecycle": {"prevent_destroy": true}}}}}`))
	if got := preventDestroyProblems(set, false); len(got) != 2 {
		t.Errorf("unprotected resources with prevent_destroy: flagged %v, want two problems", got)
	}
	if got := preventDestroyProblems(set, true); len(got) != 1 {
		t.Errorf("protected role with prevent_destroy: flagged %v, want one problem", got)
	}
}

// connectAllows reports whether a CSP's connect-src lets a page served from
// pageOrigin open url, the way a browser without CSP Level 3's 'self' for
// wss:// (older Safari) decides: 'self' matches only the page's own scheme
// and host, so a wss:// URL needs its exact origin listed.
func connectAllows(csp, pageOrigin, url string) bool {
	scheme, rest, _ := strings.Cut(url, "://")
	host, _, _ := strings.Cut(rest, "/")
	for _, d := range strings.Split(csp, ";") {
		f := strings.Fields(d)
		if len(f) == 0 || f[0] != "connect-src" {
			continue
		}
		for _, src := range f[1:] {
			if src == "'self'" && scheme+"://"+host == pageOrigin || src == scheme+"://"+host {
				return true
			}
		}
	}
	return false
}

// TestCSPAdmitsTheUIWebSocket: the UI's CSP lets it open the WebSocket it is
// told to use (websocket_url_via_cloudfront) from its own origin, also in a
// browser where 'self' does not cover wss://; and it admits no other host.
func TestCSPAdmitsTheUIWebSocket(t *testing.T) {
	for name, s := range synthesized {
		if s.env.DomainName == "" {
			continue // dxxxx.cloudfront.net: 'self' only, see frontend.ContentSecurityPolicy
		}
		t.Run(name, func(t *testing.T) {
			var csp string
			for _, p := range s.Resources("aws_cloudfront_response_headers_policy") {
				csp = p["security_headers_config"].(map[string]any)["content_security_policy"].(map[string]any)["content_security_policy"].(string)
			}
			ws := fmt.Sprint(s.Outputs()["websocket_url_via_cloudfront"].(map[string]any)["value"])
			page := "https://" + s.env.DomainName
			if !connectAllows(csp, page, ws) {
				t.Errorf("CSP %q does not let %s open %s", csp, page, ws)
			}
			if connectAllows(csp, page, "wss://attacker.example.net/x") {
				t.Errorf("CSP %q lets the page open a WebSocket to another host", csp)
			}
		})
	}
}

// TestConnectAllowsCatches is the twin: the check refuses what old Safari refuses.
func TestConnectAllowsCatches(t *testing.T) {
	page := "https://builder.example.com"
	for _, tt := range []struct {
		csp, url string
		want     bool
	}{
		{"connect-src 'self'", "wss://builder.example.com/ws", false}, // 'self' is https only here
		{"connect-src 'self'", "https://builder.example.com/api/x", true},
		{"connect-src 'self' wss://builder.example.com", "wss://builder.example.com/ws", true},
		{"connect-src 'self' wss://builder.example.com", "wss://other.example.com/ws", false},
		{"default-src 'self'", "https://builder.example.com/", false},
	} {
		if got := connectAllows(tt.csp, page, tt.url); got != tt.want {
			t.Errorf("connectAllows(%q, %s) = %v, want %v", tt.csp, tt.url, got, tt.want)
		}
	}
}

// TestCloudFrontAccessLogs: where ui.accessLogs is on (prod), the
// distribution's access logs are delivered (standard logging v2); off, no
// delivery exists.
func TestCloudFrontAccessLogs(t *testing.T) {
	for name, s := range synthesized {
		t.Run(name, func(t *testing.T) {
			sources := s.Resources("aws_cloudwatch_log_delivery_source")
			if !s.env.UI.AccessLogs {
				if len(sources) != 0 || s.Count("aws_cloudwatch_log_delivery") != 0 {
					t.Errorf("access logs off, but %d delivery sources", len(sources))
				}
				return
			}
			if len(sources) != 1 || s.Count("aws_cloudwatch_log_delivery") != 1 {
				t.Fatalf("%d delivery sources and %d deliveries, want 1 each", len(sources), s.Count("aws_cloudwatch_log_delivery"))
			}
			for _, src := range sources {
				if src["log_type"] != "ACCESS_LOGS" || src["resource_arn"] != s.Ref("aws_cloudfront_distribution", "distribution", "arn") {
					t.Errorf("delivery source %v, want ACCESS_LOGS of the distribution", src)
				}
			}
		})
	}
}

// noncurrentProblems lists the versioned buckets without a lifecycle rule
// that expires noncurrent versions: they would keep every old object.
func noncurrentProblems(s *testutil.Synthesized) []string {
	expiring := map[string]bool{}
	for _, lc := range s.Resources("aws_s3_bucket_lifecycle_configuration") {
		rules, _ := lc["rule"].([]any)
		for _, r := range rules {
			r, _ := r.(map[string]any)
			if exp, ok := r["noncurrent_version_expiration"].(map[string]any); ok && r["status"] == "Enabled" && exp["noncurrent_days"] != nil {
				expiring[fmt.Sprint(lc["bucket"])] = true
			}
		}
	}
	var out []string
	for n, v := range s.Resources("aws_s3_bucket_versioning") {
		if fmt.Sprint(v["versioning_configuration"]) == "map[status:Enabled]" && !expiring[fmt.Sprint(v["bucket"])] {
			out = append(out, n+": bucket "+fmt.Sprint(v["bucket"])+" is versioned without noncurrent version expiry")
		}
	}
	return out
}

func TestVersionedBucketsExpireOldVersions(t *testing.T) {
	for name, s := range synthesized {
		for _, p := range noncurrentProblems(s.Synthesized) {
			t.Errorf("%s: %s", name, p)
		}
	}
	if n := stack(t, "prod").Count("aws_s3_bucket_versioning"); n == 0 {
		t.Error("prod has no versioned bucket: the check saw nothing")
	}
}

// TestVersionedBucketsExpireOldVersionsCatches is the failing twin.
func TestVersionedBucketsExpireOldVersionsCatches(t *testing.T) {
	bad := testutil.Parse([]byte(`{"resource": {
		"aws_s3_bucket_versioning": {
			"a": {"bucket": "A", "versioning_configuration": {"status": "Enabled"}},
			"b": {"bucket": "B", "versioning_configuration": {"status": "Enabled"}},
			"c": {"bucket": "C", "versioning_configuration": {"status": "Enabled"}}},
		"aws_s3_bucket_lifecycle_configuration": {
			"b": {"bucket": "B", "rule": [{"status": "Enabled", "expiration": {"days": 90}}]},
			"c": {"bucket": "C", "rule": [{"status": "Enabled", "noncurrent_version_expiration": {"noncurrent_days": 30}}]}}}}`))
	got := noncurrentProblems(bad)
	slices.Sort(got)
	if len(got) != 2 || !strings.HasPrefix(got[0], "a: ") || !strings.HasPrefix(got[1], "b: ") {
		t.Errorf("flagged %v, want a and b", got)
	}
}

// openToTheInternet are the sources that admit everyone.
var openToTheInternet = []string{"0.0.0.0/0", "::/0"}

// privateALBProblems lists what breaks the promise of loadBalancer.exposure
// "cloudfront" in s: a load balancer that is not internal, a security group
// rule (standalone, legacy or inline) that admits the whole internet, and a
// bridge origin that does not go through a VPC origin.
func privateALBProblems(s *testutil.Synthesized) []string {
	var out []string
	for _, typ := range []string{"aws_lb", "aws_alb"} {
		for name, lb := range s.Resources(typ) {
			if lb["internal"] != true {
				out = append(out, fmt.Sprintf("%s.%s: internal = %v", typ, name, lb["internal"]))
			}
		}
	}
	open := func(where string, cidrs ...any) {
		for _, c := range cidrs {
			values := testutil.Strings(c) // a list attribute
			if v, ok := c.(string); ok {
				values = []string{v} // cidr_ipv4, cidr_ipv6
			}
			for _, v := range values {
				if slices.Contains(openToTheInternet, v) {
					out = append(out, where+" admits "+v)
				}
			}
		}
	}
	for name, r := range s.Resources("aws_vpc_security_group_ingress_rule") {
		open("aws_vpc_security_group_ingress_rule."+name, r["cidr_ipv4"], r["cidr_ipv6"])
	}
	for name, r := range s.Resources("aws_security_group_rule") {
		if r["type"] == "ingress" {
			open("aws_security_group_rule."+name, r["cidr_blocks"], r["ipv6_cidr_blocks"])
		}
	}
	for name, sg := range s.Resources("aws_security_group") {
		ingress, _ := sg["ingress"].([]any)
		for _, in := range ingress {
			in, _ := in.(map[string]any)
			open("aws_security_group."+name+" inline ingress", in["cidr_blocks"], in["ipv6_cidr_blocks"])
		}
	}
	if s.Count("aws_cloudfront_vpc_origin") == 0 {
		out = append(out, "no aws_cloudfront_vpc_origin: CloudFront cannot reach an internal ALB")
	}
	return out
}

// TestPrivateALBInvariant: in every environment (and example) whose bridge is
// reached through CloudFront, no ALB is internet-facing and no security group
// admits 0.0.0.0/0 or ::/0.
func TestPrivateALBInvariant(t *testing.T) {
	checked := 0
	for name, s := range synthesized {
		if !s.env.PrivateALB() {
			continue
		}
		checked++
		for _, p := range privateALBProblems(s.Synthesized) {
			t.Errorf("%s: %s", name, p)
		}
	}
	if checked == 0 {
		t.Error("no environment with loadBalancer.exposure \"cloudfront\": the invariant checked nothing")
	}
}

// TestPrivateALBInvariantCatches is the failing twin: dev's public ALB and a
// hand-made stack with every kind of open rule must be flagged.
func TestPrivateALBInvariantCatches(t *testing.T) {
	if got := privateALBProblems(stack(t, "dev").Synthesized); len(got) < 3 {
		t.Errorf("dev (a public ALB open on 80 and 443): flagged %v, want the ALB, both rules and the missing VPC origin", got)
	}
	bad := testutil.Parse([]byte(`{"resource": {
		"aws_alb": {"a": {"internal": false}},
		"aws_lb": {"b": {"internal": true}},
		"aws_vpc_security_group_ingress_rule": {"v4": {"cidr_ipv4": "0.0.0.0/0"}, "v6": {"cidr_ipv6": "::/0"}, "ok": {"prefix_list_id": "pl-3b927c52"}},
		"aws_security_group_rule": {"legacy": {"type": "ingress", "cidr_blocks": ["10.0.0.0/8", "0.0.0.0/0"]}, "out": {"type": "egress", "cidr_blocks": ["0.0.0.0/0"]}},
		"aws_security_group": {"inline": {"ingress": [{"ipv6_cidr_blocks": ["::/0"]}]}},
		"aws_cloudfront_vpc_origin": {"o": {}}}}`))
	got := privateALBProblems(bad)
	want := []string{"aws_alb.a: internal", "v4 admits 0.0.0.0/0", "v6 admits ::/0", "legacy admits 0.0.0.0/0", "inline inline ingress admits ::/0"}
	if len(got) != len(want) {
		t.Errorf("flagged %d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.Contains(g, w) }) {
			t.Errorf("not flagged: %s (got %v)", w, got)
		}
	}
}
