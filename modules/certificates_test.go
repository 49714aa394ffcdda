package modules_test

import (
	"testing"

	"github.com/n8n-builder/infra/internal/modulestacks"
	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/modules/certificates"
)

// certificatesVariants are three stacks: one in eu-west-1 with an aliased
// us-east-1 provider and both certificates; a us-east-1 stack with only the
// UI certificate on the default provider; and one with only the API
// certificate (the UI's is brought by the user).
type certificatesVariants struct {
	regional, useast1, apiOnly *testutil.Synthesized
}

var certificatesStacks = synthOnce(func() (v certificatesVariants) {
	v.regional = modulestacks.Certificates()

	stack := testutil.NewStackIn("us-east-1")
	certificates.New(stack, "certificates", certificates.Props{DomainName: "builder.example.com", HostedZoneID: modulestacks.ZoneID})
	v.useast1 = testutil.Synth(stack)

	stack = testutil.NewStackIn("us-east-1")
	certificates.New(stack, "certificates", certificates.Props{APIDomainName: "api.builder.example.com", HostedZoneID: modulestacks.ZoneID})
	v.apiOnly = testutil.Synth(stack)
	return v
})

func TestCertificates(t *testing.T) {
	v := certificatesStacks()
	regional, useast1, apiOnly := v.regional, v.useast1, v.apiOnly
	for _, domain := range []string{"builder.example.com", "api.builder.example.com"} {
		testutil.AssertResource(t, regional, "aws_acm_certificate", map[string]any{
			"domain_name": domain, "validation_method": "DNS",
			"lifecycle": map[string]any{"create_before_destroy": true},
		})
	}
	// One name per certificate: the validation record reads element 0 of
	// domain_validation_options, which a SAN would make ambiguous.
	for name, c := range regional.Resources("aws_acm_certificate") {
		if sans, ok := c["subject_alternative_names"]; ok {
			t.Errorf("%s has subject_alternative_names %v, want none", name, sans)
		}
	}
	testutil.AssertResource(t, useast1, "aws_acm_certificate", map[string]any{"domain_name": "builder.example.com"})
	testutil.AssertResource(t, apiOnly, "aws_acm_certificate", map[string]any{"domain_name": "api.builder.example.com"})
	for name, s := range map[string]*testutil.Synthesized{"without APIDomainName": useast1, "without DomainName": apiOnly} {
		for _, typ := range []string{"aws_acm_certificate", "aws_acm_certificate_validation", "aws_route53_record"} {
			if n := s.Count(typ); n != 1 {
				t.Errorf("%s: %d %s, want 1", name, n, typ)
			}
		}
	}
}

// The UI certificate must be issued in us-east-1 (CloudFront), the API one in
// the stack's region (the ALB).
func TestCertificatesProviders(t *testing.T) {
	v := certificatesStacks()
	regional, useast1 := v.regional, v.useast1
	testutil.AssertResource(t, regional, "aws_acm_certificate", map[string]any{"domain_name": "builder.example.com", "provider": "aws.global"})
	testutil.RefuteResource(t, regional, "aws_acm_certificate", map[string]any{"domain_name": "api.builder.example.com", "provider": "aws.global"})
	testutil.AssertResource(t, regional, "aws_acm_certificate_validation", map[string]any{
		"certificate_arn": regional.Ref("aws_acm_certificate", "ui_certificate", "arn"), "provider": "aws.global",
	})
	testutil.RefuteResource(t, regional, "aws_acm_certificate_validation", map[string]any{
		"certificate_arn": regional.Ref("aws_acm_certificate", "api_certificate", "arn"), "provider": "aws.global",
	})
	for name, s := range map[string]*testutil.Synthesized{"useast1": useast1} {
		for _, typ := range []string{"aws_acm_certificate", "aws_acm_certificate_validation"} {
			for rn, r := range s.Resources(typ) {
				if p, ok := r["provider"]; ok {
					t.Errorf("%s: %s.%s has provider %v, want the default one", name, typ, rn, p)
				}
			}
		}
	}
}

// TestCertificatesValidationRecords: each certificate is validated through
// a DNS record built from its domain_validation_options.
func TestCertificatesValidationRecords(t *testing.T) {
	regional := certificatesStacks().regional
	for _, cert := range []string{"ui", "api"} {
		t.Run(cert, func(t *testing.T) {
			arn := regional.Ref("aws_acm_certificate", cert+"_certificate", "arn")
			option := "${tolist(" + address(arn) + ".domain_validation_options).0."
			testutil.AssertResource(t, regional, "aws_route53_record", map[string]any{
				"zone_id":         modulestacks.ZoneID,
				"name":            option + "resource_record_name}",
				"type":            option + "resource_record_type}",
				"records":         []any{option + "resource_record_value}"},
				"ttl":             60,
				"allow_overwrite": true,
			})
			testutil.AssertResource(t, regional, "aws_acm_certificate_validation", map[string]any{
				"certificate_arn":         arn,
				"validation_record_fqdns": []any{regional.Ref("aws_route53_record", cert+"_validation_record", "fqdn")},
			})
		})
	}
}

func TestCertificatesMisusePanics(t *testing.T) {
	for name, props := range map[string]certificates.Props{
		"no name": {HostedZoneID: modulestacks.ZoneID},
		"no zone": {DomainName: "builder.example.com"},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil {
					t.Error("no panic")
				}
			}()
			certificates.New(nil, "certificates", props)
		})
	}
}
