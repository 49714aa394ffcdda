package modules_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/modules/iampolicy"
)

// iampolicyStack holds three policy documents: "full" (every field of a
// statement), "trust" and "account_only" (trust policies).
var iampolicyStack = synthOnce(func() *testutil.Synthesized {
	stack := testutil.NewStack()
	iampolicy.New(stack, "full", iampolicy.Statement{
		Sid:        "ReadObjects",
		Actions:    []string{"s3:GetObject"},
		Resources:  []string{"arn:aws:s3:::bucket/*"},
		Principals: map[string][]string{"Service": {"cloudfront.amazonaws.com"}, "AWS": {"arn:aws:iam::123456789012:root"}},
		Conditions: []iampolicy.Condition{{Test: "StringEquals", Variable: "AWS:SourceArn", Values: []string{"arn:aws:cloudfront::123456789012:distribution/E1"}}},
	}, iampolicy.Statement{Effect: "Deny", Actions: []string{"s3:*"}, Resources: []string{"*"}})
	iampolicy.AssumeRole(stack, "trust", "ecs-tasks.amazonaws.com", "123456789012", "arn:aws:ecs:us-east-1:123456789012:*")
	iampolicy.AssumeRole(stack, "account_only", "vpc-flow-logs.amazonaws.com", iampolicy.AccountOf(jsii.String("arn:aws:logs:eu-west-1:210987654321:log-group:x")), "")
	return testutil.Synth(stack)
})

func TestIAMPolicyStatement(t *testing.T) {
	st := policyStatements(t, iampolicyStack(), "full")
	if len(st) != 2 {
		t.Fatalf("%d statements, want 2", len(st))
	}
	checks := []struct{ what, got, want string }{
		{"effect defaults to Allow", fmt.Sprint(st[0]["effect"]), "Allow"},
		{"sid", fmt.Sprint(st[0]["sid"]), "ReadObjects"},
		{"principals in fixed type order", fmt.Sprint(st[0]["principals"]), "[map[identifiers:[arn:aws:iam::123456789012:root] type:AWS] map[identifiers:[cloudfront.amazonaws.com] type:Service]]"},
		{"condition", fmt.Sprint(st[0]["condition"]), "[map[test:StringEquals values:[arn:aws:cloudfront::123456789012:distribution/E1] variable:AWS:SourceArn]]"},
		{"explicit effect", fmt.Sprint(st[1]["effect"]), "Deny"},
		{"no principals unless given", fmt.Sprint(st[1]["principals"]), "<nil>"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %s, want %s", c.what, c.got, c.want)
		}
	}
}

func TestIAMPolicyAssumeRole(t *testing.T) {
	for _, tt := range []struct{ doc, want string }{
		{"trust", "[map[actions:[sts:AssumeRole] condition:[" +
			"map[test:StringEquals values:[123456789012] variable:aws:SourceAccount] " +
			"map[test:ArnLike values:[arn:aws:ecs:us-east-1:123456789012:*] variable:aws:SourceArn]] " +
			"effect:Allow principals:[map[identifiers:[ecs-tasks.amazonaws.com] type:Service]]]]"},
		// No source ARN: the account alone. AccountOf is a Terraform
		// expression, evaluated by Terraform, not at synth.
		{"account_only", "[map[actions:[sts:AssumeRole] condition:[" +
			`map[test:StringEquals values:[${element(split(":", "arn:aws:logs:eu-west-1:210987654321:log-group:x"), 4)}] variable:aws:SourceAccount]] ` +
			"effect:Allow principals:[map[identifiers:[vpc-flow-logs.amazonaws.com] type:Service]]]]"},
	} {
		if got := fmt.Sprint(policyStatements(t, iampolicyStack(), tt.doc)); got != tt.want {
			t.Errorf("%s trust policy =\n %s\nwant\n %s", tt.doc, got, tt.want)
		}
	}
}

// TestIAMPolicyAssumeRoleNeedsAccount: a trust policy without the account is misuse.
func TestIAMPolicyAssumeRoleNeedsAccount(t *testing.T) {
	defer func() {
		if msg, _ := recover().(string); !strings.Contains(msg, "aws:SourceAccount") {
			t.Errorf("panic = %q, want one naming aws:SourceAccount", msg)
		}
	}()
	iampolicy.AssumeRole(testutil.NewStack(), "trust", "ecs-tasks.amazonaws.com", "", "")
}
