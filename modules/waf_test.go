package modules_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/internal/modulestacks"
	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/modules/waf"
)

// wafVariants are two stacks: open (defaults, a us-east-1 stack) and
// restricted (an allow-list, a callback allow-list and a lower limit, in a
// eu-west-1 stack with an aliased us-east-1 provider).
type wafVariants struct{ open, restricted *testutil.Synthesized }

var wafStacks = synthOnce(func() wafVariants {
	return wafVariants{
		open:       modulestacks.WAF("us-east-1", false, waf.Props{NamePrefix: "proj-dev"}),
		restricted: modulestacks.WAF("eu-west-1", true, modulestacks.WAFRestrictedProps()),
	}
})

// rule is one web ACL rule as synthesized; Statement stays generic.
type rule struct {
	Name             string                     `json:"name"`
	Priority         int                        `json:"priority"`
	Action           map[string]any             `json:"action"`
	OverrideAction   map[string]any             `json:"override_action"`
	Statement        map[string]json.RawMessage `json:"statement"`
	VisibilityConfig struct {
		CloudwatchMetricsEnabled bool   `json:"cloudwatch_metrics_enabled"`
		MetricName               string `json:"metric_name"`
		SampledRequestsEnabled   bool   `json:"sampled_requests_enabled"`
	} `json:"visibility_config"`
}

// rules returns the one web ACL's rules in their synthesized order.
func rules(t *testing.T, s *testutil.Synthesized) []rule {
	t.Helper()
	acls := s.Resources("aws_wafv2_web_acl")
	if len(acls) != 1 {
		t.Fatalf("%d web ACLs, want 1", len(acls))
	}
	var out []rule
	for _, acl := range acls {
		b, _ := json.Marshal(acl["rule"])
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestWAFWebACL(t *testing.T) {
	open := wafStacks().open
	testutil.AssertResource(t, open, "aws_wafv2_web_acl", map[string]any{
		"name": "proj-dev-cloudfront", "scope": "CLOUDFRONT",
		"default_action":    map[string]any{"allow": map[string]any{}},
		"visibility_config": map[string]any{"cloudwatch_metrics_enabled": true, "sampled_requests_enabled": true, "metric_name": "proj-dev-cloudfront"},
	})
	testutil.RefuteResource(t, open, "aws_wafv2_web_acl", map[string]any{"scope": "REGIONAL"})
}

func TestWAFRules(t *testing.T) {
	v := wafStacks()
	open, restricted := v.open, v.restricted
	tests := []struct {
		name string
		s    *testutil.Synthesized
		want []string // names by ascending priority
	}{
		{"open", open, []string{waf.RuleRateLimit, waf.RuleCommon, waf.RuleKnownBadInputs, waf.RuleBodySize}},
		{"restricted", restricted, []string{waf.RuleAllowList, waf.RuleRateLimit, waf.RuleCommon, waf.RuleKnownBadInputs, waf.RuleBodySize, waf.RuleCallbackGuard}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var names []string
			last := 0
			for _, r := range rules(t, tt.s) {
				names = append(names, r.Name)
				if r.Priority <= last {
					t.Errorf("%s: priority %d after %d, want ascending", r.Name, r.Priority, last)
				}
				last = r.Priority
				if v := r.VisibilityConfig; !v.CloudwatchMetricsEnabled || !v.SampledRequestsEnabled || v.MetricName == "" {
					t.Errorf("%s: visibility_config %+v, want metrics and samples", r.Name, v)
				}
				// A rule has exactly one of action (own statement) and
				// override_action (rule group).
				if (r.Action == nil) == (r.OverrideAction == nil) {
					t.Errorf("%s: action %v, override_action %v; want exactly one", r.Name, r.Action, r.OverrideAction)
				}
			}
			if !reflect.DeepEqual(names, tt.want) {
				t.Errorf("rules = %v, want %v", names, tt.want)
			}
		})
	}
}

// Fixed priorities: the allow-list's presence does not renumber the others.
func TestWAFPrioritiesStable(t *testing.T) {
	v := wafStacks()
	open, restricted := v.open, v.restricted
	prio := func(s *testutil.Synthesized) map[string]int {
		out := map[string]int{}
		for _, r := range rules(t, s) {
			out[r.Name] = r.Priority
		}
		return out
	}
	o, r := prio(open), prio(restricted)
	for name, p := range o {
		if r[name] != p {
			t.Errorf("%s: priority %d open, %d restricted", name, p, r[name])
		}
	}
}

// ruleNamed returns the web ACL's rule called name.
func ruleNamed(t *testing.T, s *testutil.Synthesized, name string) rule {
	t.Helper()
	for _, r := range rules(t, s) {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no rule %s", name)
	return rule{}
}

// ruleStatement decodes a rule's statement of the given kind into v.
func ruleStatement(t *testing.T, r rule, kind string, v any) {
	t.Helper()
	raw, ok := r.Statement[kind]
	if !ok {
		t.Fatalf("%s: no %s in %v", r.Name, kind, r.Statement)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}

func TestWAFRateLimit(t *testing.T) {
	v := wafStacks()
	open, restricted := v.open, v.restricted
	for _, tt := range []struct {
		s    *testutil.Synthesized
		want int
	}{{open, 1000}, {restricted, 500}} {
		r := ruleNamed(t, tt.s, waf.RuleRateLimit)
		var rb struct {
			Limit            int    `json:"limit"`
			AggregateKeyType string `json:"aggregate_key_type"`
		}
		ruleStatement(t, r, "rate_based_statement", &rb)
		if rb.Limit != tt.want || rb.AggregateKeyType != "IP" {
			t.Errorf("rate_based_statement = %+v, want limit %d per IP", rb, tt.want)
		}
		if _, ok := r.Action["block"]; !ok {
			t.Errorf("action = %v, want block", r.Action)
		}
	}
}

func TestWAFAllowList(t *testing.T) {
	v := wafStacks()
	open, restricted := v.open, v.restricted
	if n := open.Count("aws_wafv2_ip_set"); n != 0 {
		t.Errorf("open: %d IP sets, want none", n)
	}
	testutil.AssertResource(t, restricted, "aws_wafv2_ip_set", map[string]any{
		"name": "proj-prod-allowed-clients", "scope": "CLOUDFRONT", "ip_address_version": "IPV4",
		"addresses": []any{"198.51.100.7/32", "203.0.113.0/24"}, "provider": "aws.global",
	})
	r := ruleNamed(t, restricted, waf.RuleAllowList)
	if _, ok := r.Action["block"]; !ok {
		t.Errorf("action = %v, want block", r.Action)
	}
	// Blocked: not (an allowed client, or a callback client on its path).
	var not struct {
		Statement struct {
			Or struct {
				Statement []json.RawMessage `json:"statement"`
			} `json:"or_statement"`
		} `json:"statement"`
	}
	ruleStatement(t, r, "not_statement", &not)
	allowed, callback := restricted.Ref("aws_wafv2_ip_set", "allowed_clients", "arn"), restricted.Ref("aws_wafv2_ip_set", "callback_clients", "arn")
	want := []string{
		`{"ip_set_reference_statement":{"arn":"` + allowed + `"}}`,
		`{"and_statement":{"statement":[` + callbackPath + `,{"ip_set_reference_statement":{"arn":"` + callback + `"}}]}}`,
	}
	if got := compactAll(t, not.Statement.Or.Statement); !reflect.DeepEqual(got, want) {
		t.Errorf("allow-list passes\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// callbackPath is the statement matching /error-callback, however spelled.
const callbackPath = `{"byte_match_statement":{"field_to_match":{"uri_path":{}},"positional_constraint":"STARTS_WITH","search_string":"/error-callback",` +
	`"text_transformation":[{"priority":0,"type":"URL_DECODE"},{"priority":1,"type":"NORMALIZE_PATH"}]}}`

// compactAll re-encodes raw statements compactly, keys sorted, for comparing.
func compactAll(t *testing.T, raw []json.RawMessage) []string {
	t.Helper()
	var out []string
	for _, r := range raw {
		var v any
		if err := json.Unmarshal(r, &v); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(v)
		out = append(out, string(b))
	}
	return out
}

// TestWAFBodySizeOnlyOnCallbackPath: the common rule set only counts oversized
// bodies; this rule blocks them everywhere but the callback path.
func TestWAFBodySizeOnlyOnCallbackPath(t *testing.T) {
	v := wafStacks()
	open, restricted := v.open, v.restricted
	for name, s := range map[string]*testutil.Synthesized{"open": open, "restricted": restricted} {
		r := ruleNamed(t, s, waf.RuleBodySize)
		if _, ok := r.Action["block"]; !ok {
			t.Errorf("%s: action = %v, want block", name, r.Action)
		}
		var and struct {
			Statement []json.RawMessage `json:"statement"`
		}
		ruleStatement(t, r, "and_statement", &and)
		want := []string{
			`{"label_match_statement":{"key":"` + waf.BodySizeLabel + `","scope":"LABEL"}}`,
			`{"not_statement":{"statement":` + callbackPath + `}}`,
		}
		if got := compactAll(t, and.Statement); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: body-size rule blocks\n%s\nwant\n%s", name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestWAFCallbackGuard: with a callback allow-list, anyone else calling the path
// is blocked; without one there is no guard and no set (the failing twin).
func TestWAFCallbackGuard(t *testing.T) {
	v := wafStacks()
	open, restricted := v.open, v.restricted
	testutil.AssertResource(t, restricted, "aws_wafv2_ip_set", map[string]any{
		"name": "proj-prod-callback-clients", "scope": "CLOUDFRONT", "ip_address_version": "IPV4",
		"addresses": []any{"192.0.2.10/32"}, "provider": "aws.global",
	})
	r := ruleNamed(t, restricted, waf.RuleCallbackGuard)
	if _, ok := r.Action["block"]; !ok {
		t.Errorf("action = %v, want block", r.Action)
	}
	var and struct {
		Statement []json.RawMessage `json:"statement"`
	}
	ruleStatement(t, r, "and_statement", &and)
	want := []string{callbackPath, `{"not_statement":{"statement":{"ip_set_reference_statement":{"arn":"` + restricted.Ref("aws_wafv2_ip_set", "callback_clients", "arn") + `"}}}}`}
	if got := compactAll(t, and.Statement); !reflect.DeepEqual(got, want) {
		t.Errorf("guard blocks\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, r := range rules(t, open) {
		if r.Name == waf.RuleCallbackGuard {
			t.Error("open: a callback guard without a callback allow-list")
		}
	}
	testutil.RefuteResource(t, open, "aws_wafv2_ip_set", map[string]any{"name": "proj-dev-callback-clients"})
}

func TestWAFManagedRuleGroups(t *testing.T) {
	open := wafStacks().open
	type override struct {
		Name        string         `json:"name"`
		ActionToUse map[string]any `json:"action_to_use"`
	}
	type group struct {
		VendorName string     `json:"vendor_name"`
		Name       string     `json:"name"`
		Overrides  []override `json:"rule_action_override"`
	}
	tests := []struct {
		rule  string
		group string
		want  []override
	}{
		{waf.RuleCommon, "AWSManagedRulesCommonRuleSet", []override{{"SizeRestrictions_BODY", map[string]any{"count": map[string]any{}}}}},
		{waf.RuleKnownBadInputs, "AWSManagedRulesKnownBadInputsRuleSet", nil},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			r := ruleNamed(t, open, tt.rule)
			if _, ok := r.OverrideAction["none"]; !ok {
				t.Errorf("override_action = %v, want none (the group's own actions)", r.OverrideAction)
			}
			var g group
			ruleStatement(t, r, "managed_rule_group_statement", &g)
			if g.VendorName != "AWS" || g.Name != tt.group || !reflect.DeepEqual(g.Overrides, tt.want) {
				t.Errorf("got %+v, want AWS %s with overrides %+v", g, tt.group, tt.want)
			}
		})
	}
}

func TestWAFProvider(t *testing.T) {
	v := wafStacks()
	open, restricted := v.open, v.restricted
	testutil.AssertResource(t, restricted, "aws_wafv2_web_acl", map[string]any{"provider": "aws.global"})
	for name, acl := range open.Resources("aws_wafv2_web_acl") {
		if p, ok := acl["provider"]; ok {
			t.Errorf("open: %s has provider %v, want the default one", name, p)
		}
	}
}
