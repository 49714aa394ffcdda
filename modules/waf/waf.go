// Package waf defines the WAF web ACL in front of CloudFront: an optional
// client allow-list, a per-IP rate limit, two AWS managed rule groups, and
// for the path your n8n calls (/error-callback) an optional guard that admits
// only n8n's addresses and the one exception to the body-size limit. It
// covers the UI and the bridge paths alike, since both go through the
// distribution.
package waf

import (
	"cmp"
	"sort"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/wafv2ipset"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/wafv2webacl"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Props configures WAF. The zero value of a field means its documented default.
type Props struct {
	// NamePrefix starts every resource name: "<project>-<env>". Required.
	NamePrefix string
	// RateLimitPer5Min is how many requests one client IP may make in any 5
	// minutes before it is blocked (until its rate falls). Default: 1000.
	RateLimitPer5Min int
	// AllowedCidrs, when set, are the only IPv4 client ranges let through
	// (CallbackAllowedCidrs also reach CallbackPath). Default: none (everyone).
	AllowedCidrs []string
	// CallbackPath is the path your n8n POSTs failed executions to: the only
	// one where bodies may exceed the common rule set's 8 KB. Default:
	// "/error-callback".
	CallbackPath string
	// CallbackAllowedCidrs, when set, are the only IPv4 ranges that may call
	// CallbackPath (your n8n's addresses). Default: none (anyone).
	CallbackAllowedCidrs []string
	// Provider is an AWS provider in us-east-1, where CLOUDFRONT-scope web
	// ACLs live. Default: nil, the stack's default provider — correct only
	// when the stack's region is us-east-1.
	Provider cdktf.TerraformProvider
}

// withDefaults fills in the documented default of every field left at zero.
func (p Props) withDefaults() Props {
	p.RateLimitPer5Min = cmp.Or(p.RateLimitPer5Min, defaultRateLimit)
	p.CallbackPath = cmp.Or(p.CallbackPath, defaultCallbackPath)
	return p
}

// validate panics on programmer misuse, naming every problem at once; the
// environments loader reports user errors before this runs.
func (p Props) validate() {
	var problems []string
	if p.NamePrefix == "" {
		problems = append(problems, "NamePrefix is required")
	}
	if !strings.HasPrefix(p.CallbackPath, "/") {
		problems = append(problems, "CallbackPath "+p.CallbackPath+" must start with /")
	}
	if len(problems) > 0 {
		panic("waf: " + strings.Join(problems, "; "))
	}
}

// Rule names, in priority order. The priorities are fixed, so adding or
// removing the allow-list does not renumber the other rules.
const (
	RuleAllowList      = "allow-list"
	RuleRateLimit      = "rate-limit"
	RuleCommon         = "aws-common-rule-set"
	RuleKnownBadInputs = "aws-known-bad-inputs"
	RuleBodySize       = "body-size-outside-callback"
	RuleCallbackGuard  = "callback-allow-list"
)

const (
	defaultRateLimit    = 1000
	defaultCallbackPath = "/error-callback"
	commonRuleSet       = "AWSManagedRulesCommonRuleSet"
	knownBadInputsSet   = "AWSManagedRulesKnownBadInputsRuleSet"
	bodySizeRestriction = "SizeRestrictions_BODY"
	// BodySizeLabel is what the common rule set puts on a request whose body
	// is over 8 KB, also when its rule only counts.
	BodySizeLabel = "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body"
)

// WAF is the CLOUDFRONT-scope web ACL.
type WAF struct {
	constructs.Construct
	// WebACLArn goes to the distribution's web_acl_id.
	WebACLArn *string
}

// New defines the web ACL (and the allow-list's IP set) under scope.
func New(scope constructs.Construct, id string, props Props) *WAF {
	props = props.withDefaults()
	props.validate()
	c := constructs.NewConstruct(scope, jsii.String(id))
	name := props.NamePrefix + "-cloudfront"

	callback := pathStartsWith(props.CallbackPath)
	// fromCallbackClients matches n8n calling its path; nil without a list.
	var callbackClients wafv2ipset.Wafv2IpSet
	var fromCallbackClients map[string]any
	if len(props.CallbackAllowedCidrs) > 0 {
		callbackClients = ipSet(c, props, "callback_clients", "-callback-clients",
			"Ranges allowed to call "+props.CallbackPath+" on the "+props.NamePrefix+" bridge", props.CallbackAllowedCidrs)
		fromCallbackClients = and(callback, ipSetStatement(callbackClients))
	}

	var rules []*wafv2webacl.Wafv2WebAclRule
	if len(props.AllowedCidrs) > 0 {
		set := ipSet(c, props, "allowed_clients", "-allowed-clients", "Client ranges allowed to reach the "+props.NamePrefix+" UI and bridge", props.AllowedCidrs)
		// n8n calling its path passes too: its addresses need not be among
		// the people's who use the UI.
		allowed := ipSetStatement(set)
		if callbackClients != nil {
			allowed = map[string]any{"or_statement": map[string]any{"statement": []any{allowed, fromCallbackClients}}}
		}
		// Block what is NOT in the set (rather than allow what is, with a
		// default block): the rules below then still apply to allowed clients.
		rules = append(rules, &wafv2webacl.Wafv2WebAclRule{
			Name:             jsii.String(RuleAllowList),
			Priority:         jsii.Number(1),
			Action:           block(),
			Statement:        not(allowed),
			VisibilityConfig: ruleVisibility(props.NamePrefix, RuleAllowList),
		})
	}
	rules = append(rules,
		&wafv2webacl.Wafv2WebAclRule{
			Name:     jsii.String(RuleRateLimit),
			Priority: jsii.Number(2),
			Action:   block(),
			Statement: map[string]any{
				// The evaluation window defaults to 300 s: the limit is per 5 minutes.
				"rate_based_statement": map[string]any{
					"limit":              props.RateLimitPer5Min,
					"aggregate_key_type": "IP",
				},
			},
			VisibilityConfig: ruleVisibility(props.NamePrefix, RuleRateLimit),
		},
		// The body-size rule only counts (and labels) here; RuleBodySize
		// blocks what it labels everywhere but the callback path.
		managedRuleGroup(props.NamePrefix, RuleCommon, 3, commonRuleSet, bodySizeRestriction),
		managedRuleGroup(props.NamePrefix, RuleKnownBadInputs, 4, knownBadInputsSet),
		// n8n's error-callback POSTs carry the failed execution (node
		// parameters, code, error stacks) and often exceed the common rule
		// set's 8 KB body limit: only that path may, anything else over it
		// is blocked as the rule set would.
		&wafv2webacl.Wafv2WebAclRule{
			Name:     jsii.String(RuleBodySize),
			Priority: jsii.Number(5),
			Action:   block(),
			Statement: and(
				map[string]any{"label_match_statement": map[string]any{"scope": "LABEL", "key": BodySizeLabel}},
				not(callback),
			),
			VisibilityConfig: ruleVisibility(props.NamePrefix, RuleBodySize),
		},
	)
	if callbackClients != nil {
		// Anyone else calling the callback path is blocked: with the WAF in
		// front of every path, it is the only way to the bridge's
		// /error-callback.
		rules = append(rules, &wafv2webacl.Wafv2WebAclRule{
			Name:             jsii.String(RuleCallbackGuard),
			Priority:         jsii.Number(6),
			Action:           block(),
			Statement:        and(callback, not(ipSetStatement(callbackClients))),
			VisibilityConfig: ruleVisibility(props.NamePrefix, RuleCallbackGuard),
		})
	}

	acl := wafv2webacl.NewWafv2WebAcl(c, jsii.String("web_acl"), &wafv2webacl.Wafv2WebAclConfig{
		Provider:      props.Provider,
		Name:          jsii.String(name),
		Description:   jsii.String("Protects the " + props.NamePrefix + " CloudFront distribution (UI and bridge)"),
		Scope:         jsii.String("CLOUDFRONT"),
		DefaultAction: &wafv2webacl.Wafv2WebAclDefaultAction{Allow: &wafv2webacl.Wafv2WebAclDefaultActionAllow{}},
		Rule:          &rules,
		VisibilityConfig: &wafv2webacl.Wafv2WebAclVisibilityConfig{
			CloudwatchMetricsEnabled: jsii.Bool(true),
			MetricName:               jsii.String(name),
			SampledRequestsEnabled:   jsii.Bool(true),
		},
	})
	return &WAF{Construct: c, WebACLArn: acl.Arn()}
}

// ipSet defines a CLOUDFRONT-scope IPv4 set "<prefix><suffix>" of cidrs.
func ipSet(c constructs.Construct, props Props, id, suffix, description string, cidrs []string) wafv2ipset.Wafv2IpSet {
	sorted := append([]string(nil), cidrs...)
	sort.Strings(sorted)
	return wafv2ipset.NewWafv2IpSet(c, jsii.String(id), &wafv2ipset.Wafv2IpSetConfig{
		Provider:         props.Provider,
		Name:             jsii.String(props.NamePrefix + suffix),
		Description:      jsii.String(description),
		Scope:            jsii.String("CLOUDFRONT"),
		IpAddressVersion: jsii.String("IPV4"),
		Addresses:        jsii.Strings(sorted...),
	})
}

// Statements. The bindings type the rule but not its statement (the wafv2
// statement schema nests too deep for the generator: Statement is
// `interface{}`), so statements are maps with Terraform's attribute names,
// passed through as is.

func ipSetStatement(set wafv2ipset.Wafv2IpSet) map[string]any {
	return map[string]any{"ip_set_reference_statement": map[string]any{"arn": set.Arn()}}
}

func not(statement map[string]any) map[string]any {
	return map[string]any{"not_statement": map[string]any{"statement": statement}}
}

func and(statements ...any) map[string]any {
	return map[string]any{"and_statement": map[string]any{"statement": statements}}
}

// pathStartsWith matches the URI path after URL-decoding and normalizing it
// (//a/./b becomes /a/b), so no other spelling of the path slips past.
func pathStartsWith(path string) map[string]any {
	return map[string]any{"byte_match_statement": map[string]any{
		"search_string":         path,
		"positional_constraint": "STARTS_WITH",
		"field_to_match":        map[string]any{"uri_path": map[string]any{}},
		"text_transformation": []any{
			map[string]any{"priority": 0, "type": "URL_DECODE"},
			map[string]any{"priority": 1, "type": "NORMALIZE_PATH"},
		},
	}}
}

func block() *wafv2webacl.Wafv2WebAclRuleAction {
	return &wafv2webacl.Wafv2WebAclRuleAction{Block: &wafv2webacl.Wafv2WebAclRuleActionBlock{}}
}

// managedRuleGroup is a rule that runs an AWS managed rule group with its own
// actions, except the rules in countOnly, which only count.
func managedRuleGroup(prefix, name string, priority int, group string, countOnly ...string) *wafv2webacl.Wafv2WebAclRule {
	statement := map[string]any{"vendor_name": "AWS", "name": group}
	if len(countOnly) > 0 {
		var overrides []any
		for _, rule := range countOnly {
			overrides = append(overrides, map[string]any{
				"name":          rule,
				"action_to_use": map[string]any{"count": map[string]any{}},
			})
		}
		statement["rule_action_override"] = overrides
	}
	return &wafv2webacl.Wafv2WebAclRule{
		Name:             jsii.String(name),
		Priority:         jsii.Number(priority),
		OverrideAction:   &wafv2webacl.Wafv2WebAclRuleOverrideAction{None: &wafv2webacl.Wafv2WebAclRuleOverrideActionNone{}},
		Statement:        map[string]any{"managed_rule_group_statement": statement},
		VisibilityConfig: ruleVisibility(prefix, name),
	}
}

func ruleVisibility(prefix, rule string) *wafv2webacl.Wafv2WebAclRuleVisibilityConfig {
	return &wafv2webacl.Wafv2WebAclRuleVisibilityConfig{
		CloudwatchMetricsEnabled: jsii.Bool(true),
		MetricName:               jsii.String(prefix + "-" + rule),
		SampledRequestsEnabled:   jsii.Bool(true),
	}
}
