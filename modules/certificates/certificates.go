// Package certificates issues the ACM certificates of the UI (in us-east-1,
// for CloudFront) and of the bridge's API name (in the stack's region, for
// the ALB), validated through DNS records in a Route 53 zone. The alias
// records that point the names at CloudFront and the ALB are the dns module's.
package certificates

import (
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/acmcertificate"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/acmcertificatevalidation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route53record"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Props configures Certificates. The zero value of a field means its documented default.
type Props struct {
	// DomainName of the UI, e.g. "builder.example.com". Default: "" (no UI
	// certificate, e.g. one is given; UICertificateArn is then nil).
	DomainName string
	// APIDomainName of the bridge, e.g. "api.builder.example.com". Default:
	// "" (no API certificate; APICertificateArn is nil), for an HTTP-only ALB.
	APIDomainName string
	// HostedZoneID of the Route 53 zone that holds both names. Required.
	HostedZoneID string
	// GlobalProvider is an AWS provider in us-east-1, where CloudFront takes
	// its certificates from. Default: nil, the stack's default provider —
	// correct only when the stack's region is us-east-1.
	GlobalProvider cdktf.TerraformProvider
}

// validate panics on programmer misuse, naming every problem at once; the
// environments loader reports user errors before this runs.
func (p Props) validate() {
	var problems []string
	if p.HostedZoneID == "" {
		problems = append(problems, "HostedZoneID is required")
	}
	if p.DomainName == "" && p.APIDomainName == "" {
		problems = append(problems, "need at least one of DomainName and APIDomainName")
	}
	if len(problems) > 0 {
		panic("certificates: " + strings.Join(problems, "; "))
	}
}

// Certificates holds the ARNs of the validated certificates.
type Certificates struct {
	constructs.Construct
	// UICertificateArn is the us-east-1 certificate for DomainName, for
	// CloudFront. It is the validation resource's attribute, so a consumer
	// waits until the certificate is issued. nil without DomainName.
	UICertificateArn *string
	// APICertificateArn is the regional certificate for APIDomainName, for the
	// ALB's HTTPS listener, likewise after validation. nil without APIDomainName.
	APICertificateArn *string
}

// validationTTL of the validation CNAMEs: short, they are only read by ACM.
const validationTTL = 60

// New defines the certificates and their DNS validation under scope.
func New(scope constructs.Construct, id string, props Props) *Certificates {
	props.validate()
	c := constructs.NewConstruct(scope, jsii.String(id))
	certs := &Certificates{Construct: c}
	if props.DomainName != "" {
		// The UI certificate goes to us-east-1 whatever the stack's
		// region: CloudFront accepts no other.
		certs.UICertificateArn = certificate(c, "ui", props.DomainName, props.HostedZoneID, props.GlobalProvider)
	}
	if props.APIDomainName != "" {
		certs.APICertificateArn = certificate(c, "api", props.APIDomainName, props.HostedZoneID, nil)
	}
	return certs
}

// certificate defines one DNS-validated certificate for domain alone (no
// SANs) with provider (nil: the default one), its validation record and the
// validation, and returns the validated certificate's ARN.
func certificate(c constructs.Construct, name, domain, zoneID string, provider cdktf.TerraformProvider) *string {
	cert := acmcertificate.NewAcmCertificate(c, jsii.String(name+"_certificate"), &acmcertificate.AcmCertificateConfig{
		Provider:         provider,
		DomainName:       jsii.String(domain),
		ValidationMethod: jsii.String("DNS"),
		Tags:             &map[string]*string{"Name": jsii.String(domain)},
		// A listener or distribution uses the certificate: a replacement
		// must exist before the old one can be detached and deleted.
		Lifecycle: &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: jsii.Bool(true)},
	})
	// domain_validation_options is a set; with a single name it holds one
	// element, so tolist(...)[0] is deterministic. Not the for_each pattern:
	// its keys come from the set, which is unknown at plan time wherever the
	// provider's plan-time diff does not fill it (a mocked provider).
	option := cert.DomainValidationOptions().Get(jsii.Number(0))
	record := route53record.NewRoute53Record(c, jsii.String(name+"_validation_record"), &route53record.Route53RecordConfig{
		ZoneId:  jsii.String(zoneID),
		Name:    option.ResourceRecordName(),
		Type:    option.ResourceRecordType(),
		Records: &[]*string{option.ResourceRecordValue()},
		Ttl:     jsii.Number(validationTTL),
		// The record may exist already (the same name validates every
		// certificate for the domain, e.g. from another environment).
		AllowOverwrite: jsii.Bool(true),
	})
	validation := acmcertificatevalidation.NewAcmCertificateValidation(c, jsii.String(name+"_validation"), &acmcertificatevalidation.AcmCertificateValidationConfig{
		Provider:       provider,
		CertificateArn: cert.Arn(),
		// Waits for this record, and checks it is the one ACM asked for.
		ValidationRecordFqdns: &[]*string{record.Fqdn()},
	})
	return validation.CertificateArn()
}
