// Package waf defines the WAF web ACL in front of CloudFront: an optional
// client allow-list, a per-IP rate limit and two AWS managed rule groups.
// It covers the UI and the bridge paths alike, since both go through the
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
	// AllowedCidrs, when set, are the only IPv4 client ranges let through.
	// Default: none (everyone).
	AllowedCidrs []string
	// Provider is an AWS provider in us-east-1, where CLOUDFRONT-scope web
	// ACLs live. Default: nil, the stack's default provider — correct only
	// when the stack's region is us-east-1.
	Provider cdktf.TerraformProvider
}

// withDefaults fills in the documented default of every field left at zero.
func (p Props) withDefaults() Props {
	p.RateLimitPer5Min = cmp.Or(p.RateLimitPer5Min, defaultRateLimit)
	return p
}

// validate panics on programmer misuse, naming every problem at once; the
// environments loader reports user errors before this runs.
func (p Props) validate() {
	var problems []string
	if p.NamePrefix == "" {
		problems = append(problems, "NamePrefix is required")
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
)

const (
	defaultRateLimit    = 1000
	commonRuleSet       = "AWSManagedRulesCommonRuleSet"
	knownBadInputsSet   = "AWSManagedRulesKnownBadInputsRuleSet"
	bodySizeRestriction = "SizeRestrictions_BODY"
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

	var rules []*wafv2webacl.Wafv2WebAclRule
	if len(props.AllowedCidrs) > 0 {
		cidrs := append([]string(nil), props.AllowedCidrs...)
		sort.Strings(cidrs)
		set := wafv2ipset.NewWafv2IpSet(c, jsii.String("allowed_clients"), &wafv2ipset.Wafv2IpSetConfig{
			Provider:         props.Provider,
			Name:             jsii.String(props.NamePrefix + "-allowed-clients"),
			Description:      jsii.String("Client ranges allowed to reach the " + props.NamePrefix + " UI and bridge"),
			Scope:            jsii.String("CLOUDFRONT"),
			IpAddressVersion: jsii.String("IPV4"),
			Addresses:        jsii.Strings(cidrs...),
		})
		// Block what is NOT in the set (rather than allow what is, with a
		// default block): the rules below then still apply to allowed clients.
		rules = append(rules, &wafv2webacl.Wafv2WebAclRule{
			Name:     jsii.String(RuleAllowList),
			Priority: jsii.Number(1),
			Action:   &wafv2webacl.Wafv2WebAclRuleAction{Block: &wafv2webacl.Wafv2WebAclRuleActionBlock{}},
			Statement: map[string]any{
				"not_statement": map[string]any{
					"statement": map[string]any{
						"ip_set_reference_statement": map[string]any{"arn": set.Arn()},
					},
				},
			},
			VisibilityConfig: ruleVisibility(props.NamePrefix, RuleAllowList),
		})
	}
	rules = append(rules,
		&wafv2webacl.Wafv2WebAclRule{
			Name:     jsii.String(RuleRateLimit),
			Priority: jsii.Number(2),
			Action:   &wafv2webacl.Wafv2WebAclRuleAction{Block: &wafv2webacl.Wafv2WebAclRuleActionBlock{}},
			Statement: map[string]any{
				// The evaluation window defaults to 300 s: the limit is per 5 minutes.
				"rate_based_statement": map[string]any{
					"limit":              props.RateLimitPer5Min,
					"aggregate_key_type": "IP",
				},
			},
			VisibilityConfig: ruleVisibility(props.NamePrefix, RuleRateLimit),
		},
		managedRuleGroup(props.NamePrefix, RuleCommon, 3, commonRuleSet,
			// n8n's error-callback POSTs carry the failed execution (node
			// parameters, code, error stacks) and often exceed the rule's
			// 8 KB body limit; counting instead of blocking keeps them
			// flowing while the metric still shows them.
			bodySizeRestriction),
		managedRuleGroup(props.NamePrefix, RuleKnownBadInputs, 4, knownBadInputsSet),
	)

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

// managedRuleGroup is a rule that runs an AWS managed rule group with its own
// actions, except the rules in countOnly, which only count.
//
// The bindings type the rule but not its statement (the wafv2 statement
// schema nests too deep for the generator: Statement is `interface{}`), so
// statements are maps with Terraform's attribute names, passed through as is.
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
