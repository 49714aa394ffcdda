package modules_test

import (
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"

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
	stack := testutil.NewStackIn("eu-west-1")
	global := provider.NewAwsProvider(stack, jsii.String("aws_global"), &provider.AwsProviderConfig{
		Region: jsii.String("us-east-1"), Alias: jsii.String("global"),
	})
	certificates.New(stack, "certificates", certificates.Props{
		DomainName:     "builder.example.com",
		APIDomainName:  "api.builder.example.com",
		HostedZoneID:   zoneID,
		GlobalProvider: global,
	})
	v.regional = testutil.Synth(stack)

	stack = testutil.NewStackIn("us-east-1")
	certificates.New(stack, "certificates", certificates.Props{DomainName: "builder.example.com", HostedZoneID: zoneID})
	v.useast1 = testutil.Synth(stack)

	stack = testutil.NewStackIn("us-east-1")
	certificates.New(stack, "certificates", certificates.Props{APIDomainName: "api.builder.example.com", HostedZoneID: zoneID})
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
				"zone_id":         zoneID,
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
		"no name": {HostedZoneID: zoneID},
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

// TestCertificatesPlan proves the validation records' references to the certificate's
// domain_validation_options (a set) pass terraform validate and plan.
func TestCertificatesPlan(t *testing.T) {
	t.Parallel()
	plan := modulePlan(t, "certificates_regional")
	got := testutil.CountByType(plan)
	for typ, want := range map[string]int{"aws_acm_certificate": 2, "aws_acm_certificate_validation": 2, "aws_route53_record": 2} {
		if got[typ] != want {
			t.Errorf("%s: %d planned, want %d", typ, got[typ], want)
		}
	}
}

// TestCertificatesMockedApply applies and destroys the regional variant with `terraform
// test` and mocked providers (default and aliased).
func TestCertificatesMockedApply(t *testing.T) {
	t.Parallel()
	moduleApplied(t, "certificates")
}
