package modules_test

import (
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/n8n-builder/infra/internal/modulestacks"
	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/modules/dns"
)

// dnsStack is one stack, synthesized once: a dual-stack alias to CloudFront
// and an IPv4-only one to an ALB with target health.
var dnsStack = synthOnce(func() *testutil.Synthesized {
	stack := testutil.NewStack()
	dns.New(stack, "ui_alias", dns.Props{
		ZoneID: modulestacks.ZoneID, Name: "builder.example.com",
		TargetDNSName: jsii.String("d111111abcdef8.cloudfront.net"), TargetZoneID: jsii.String("Z2FDTNDATAQYW2"),
	})
	dns.New(stack, "api_alias", dns.Props{
		ZoneID: modulestacks.ZoneID, Name: "api.builder.example.com",
		TargetDNSName: jsii.String("proj-alb-1.eu-west-1.elb.amazonaws.com"), TargetZoneID: jsii.String("Z32O12XQLNTSW2"),
		EvaluateTargetHealth: true, IPv4Only: true,
	})
	return testutil.Synth(stack)
})

func TestDNSAliasRecords(t *testing.T) {
	s := dnsStack()
	for _, typ := range []string{"A", "AAAA"} {
		testutil.AssertResource(t, s, "aws_route53_record", map[string]any{
			"zone_id": modulestacks.ZoneID, "name": "builder.example.com", "type": typ,
			"alias": map[string]any{"name": "d111111abcdef8.cloudfront.net", "zone_id": "Z2FDTNDATAQYW2", "evaluate_target_health": false},
		})
	}
	testutil.AssertResource(t, s, "aws_route53_record", map[string]any{
		"zone_id": modulestacks.ZoneID, "name": "api.builder.example.com", "type": "A",
		"alias": map[string]any{"name": "proj-alb-1.eu-west-1.elb.amazonaws.com", "zone_id": "Z32O12XQLNTSW2", "evaluate_target_health": true},
	})
	// IPv4Only: no AAAA record.
	testutil.RefuteResource(t, s, "aws_route53_record", map[string]any{"name": "api.builder.example.com", "type": "AAAA"})
	if n := s.Count("aws_route53_record"); n != 3 {
		t.Errorf("%d records, want 3", n)
	}
}

// The construct IDs "<id>/a" and "<id>/aaaa" are the records' addresses in
// existing state (they were certificates.Alias's before this module).
func TestDNSConstructIDs(t *testing.T) {
	s := dnsStack()
	for _, part := range []string{"ui_alias_a_", "ui_alias_aaaa_", "api_alias_a_"} {
		found := false
		for name := range s.Resources("aws_route53_record") {
			found = found || strings.HasPrefix(name, part)
		}
		if !found {
			t.Errorf("no aws_route53_record named %s...", part)
		}
	}
}

func TestDNSMisusePanics(t *testing.T) {
	defer func() {
		msg, _ := recover().(string)
		// Every problem in one panic.
		for _, want := range []string{"ZoneID is required", "Name is required", "TargetDNSName and TargetZoneID are required"} {
			if !strings.Contains(msg, want) {
				t.Errorf("panic %q, want it to contain %q", msg, want)
			}
		}
	}()
	dns.New(testutil.NewStack(), "alias", dns.Props{})
}
