// Package frontend serves the chat UI: a private S3 bucket behind a CloudFront
// distribution (origin access control), which also routes the bridge's paths
// (/ws*, /health, /error-callback, /api/*) to the ALB — over the internet, or
// through a VPC origin to an internal ALB. The UI is then always loaded over
// HTTPS and opens wss://<its own host>/ws, in every environment: in dev the
// ALB is HTTP-only, and a browser blocks ws:// from an https:// page.
package frontend

import (
	"cmp"
	_ "embed"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontdistribution"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontfunction"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontoriginaccesscontrol"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontresponseheaderspolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontvpcorigin"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"

	"github.com/n8n-builder/infra/internal/moved"
	"github.com/n8n-builder/infra/modules/iampolicy"
	"github.com/n8n-builder/infra/modules/privatebucket"
)

// Props configures Frontend. The zero value of a field means its documented default.
type Props struct {
	// NamePrefix starts every resource name: "<project>-<env>". Required.
	NamePrefix string
	// ForceDestroy lets `terraform destroy` delete the bucket with its objects.
	// Default: false (destroy fails on a non-empty bucket). dev sets true.
	ForceDestroy bool
	// Versioning keeps previous versions of the UI files. Default: false (no
	// versioning resource at all, so a fresh bucket never gets versioning).
	Versioning bool
	// NoncurrentVersionDays keeps a replaced or deleted UI file this long
	// when Versioning is on. Default: 30.
	NoncurrentVersionDays int
	// PriceClass of the distribution. Default: "PriceClass_100".
	PriceClass string
	// BridgeOriginDomain is where CloudFront reaches the bridge: the ALB's DNS
	// name, or "api.<domain>" when the ALB has a certificate. A plain string or
	// a token. Required.
	BridgeOriginDomain *string
	// BridgeOriginHTTPS connects to the bridge origin with HTTPS only (the ALB
	// has a certificate for BridgeOriginDomain). Default: false (HTTP only,
	// port 80: the CloudFront-to-ALB hop is then unencrypted).
	BridgeOriginHTTPS bool
	// BridgeVpcOriginALBArn, when set, is an internal ALB that CloudFront
	// reaches through a VPC origin (made here) instead of over the internet.
	// BridgeOriginDomain is then only the name CloudFront sends (Host, TLS
	// SNI) and checks the ALB's certificate against: the VPC origin finds the
	// ALB by its ARN, so the name needs no DNS record. Default: nil.
	BridgeVpcOriginALBArn *string
	// Aliases are the custom domain names of the UI. Default: none (the
	// dxxxx.cloudfront.net name with CloudFront's default certificate).
	Aliases []string
	// CertificateArn of a us-east-1 ACM certificate covering Aliases; may be a
	// token from a certificate validation resource. Required with Aliases.
	CertificateArn *string
	// WebACLArn of a CLOUDFRONT-scope WAF web ACL. Default: nil (no WAF).
	WebACLArn *string
	// DisableIPv6 serves the distribution over IPv4 only. Default: false
	// (IPv4 and IPv6). Set it when a WAF allow-list holds IPv4 ranges only:
	// otherwise a dual-stack client arriving over IPv6 is not in the list and
	// is blocked, though its IPv4 address is allowed.
	DisableIPv6 bool
}

// withDefaults fills in the documented default of every field left at zero.
func (p Props) withDefaults() Props {
	p.PriceClass = cmp.Or(p.PriceClass, "PriceClass_100")
	p.NoncurrentVersionDays = cmp.Or(p.NoncurrentVersionDays, 30)
	return p
}

// validate panics on programmer misuse, naming every problem at once; user
// config errors are caught by the environments loader before a stack is built.
func (p Props) validate() {
	var problems []string
	if p.NamePrefix == "" {
		problems = append(problems, "NamePrefix is required")
	}
	if p.BridgeOriginDomain == nil {
		problems = append(problems, "BridgeOriginDomain is required (the ALB's DNS name or api.<domain>)")
	}
	if len(p.Aliases) > 0 && p.CertificateArn == nil {
		problems = append(problems, "Aliases "+strings.Join(p.Aliases, ", ")+" need a us-east-1 CertificateArn")
	}
	if len(p.Aliases) == 0 && p.CertificateArn != nil {
		problems = append(problems, "CertificateArn is set without Aliases; CloudFront would not use it")
	}
	if len(problems) > 0 {
		panic("frontend: " + strings.Join(problems, "; "))
	}
}

// BucketPrefixSuffix ends the UI bucket's name prefix: "<prefix>-ui-" and a
// unique suffix S3 appends.
const BucketPrefixSuffix = "-ui-"

// Managed CloudFront policies, by their well-known IDs (the same in every
// account): a data source lookup would need AWS at plan time.
const (
	// CachingOptimizedPolicyID caches by path only, compressed, TTL up to a year.
	CachingOptimizedPolicyID = "658327ea-f89d-4fab-a63d-7e88639e58f6"
	// CachingDisabledPolicyID never caches.
	CachingDisabledPolicyID = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
	// AllViewerExceptHostHeaderPolicyID forwards every viewer header (among
	// them the WebSocket Upgrade, Connection and Sec-WebSocket-* headers),
	// cookie and query string, but not Host: the ALB's default listener
	// serves any host, and with an HTTPS origin the TLS name must be the
	// origin's, not the viewer's.
	AllViewerExceptHostHeaderPolicyID = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
)

// Origin IDs of the distribution.
const (
	uiOriginID     = "ui-bucket"
	bridgeOriginID = "bridge-alb"
)

// BridgePaths are the path patterns CloudFront routes to the bridge, in order.
var BridgePaths = []string{"/ws*", "/health", "/error-callback", "/api/*"}

// ContentSecurityPolicy returns the UI's CSP. connect-src admits the page's
// own origin only ('self'), and for each custom domain the exact wss:// host
// the UI opens its WebSocket on (the same distribution): CSP Level 3 lets
// 'self' cover wss:// on the page's own host, older Safari versions do not.
// A bare `wss:` would let injected script send data to any host. Without a
// custom domain the dxxxx.cloudfront.net name cannot be written here (the
// distribution refers to this policy, so the policy cannot refer to the
// distribution's name): 'self' alone covers it in current browsers.
func ContentSecurityPolicy(aliases []string) string {
	connect := "'self'"
	for _, a := range aliases {
		connect += " wss://" + a
	}
	return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data:; connect-src " + connect + "; font-src 'self' data:; frame-ancestors 'none'; " +
		"base-uri 'self'; form-action 'self'; object-src 'none'"
}

// SPARoutingCode is the CloudFront Function that routes app paths to
// /index.html on the UI behaviour (the rule is in the file).
//
//go:embed spa_routing.js
var SPARoutingCode string

// Frontend is the UI bucket and the distribution in front of it and the bridge.
type Frontend struct {
	constructs.Construct
	// BucketName is the generated name of the UI bucket (upload the build here).
	BucketName *string
	BucketArn  *string
	// DistributionID is for cache invalidations after an upload.
	DistributionID  *string
	DistributionArn *string
	// DomainName is the distribution's dxxxx.cloudfront.net name.
	DomainName *string
	// HostedZoneID is CloudFront's zone, the target zone of alias records.
	HostedZoneID *string
	// VpcOriginID is the bridge's VPC origin, nil without BridgeVpcOriginALBArn.
	VpcOriginID *string
}

// New defines the UI bucket and the distribution under scope.
func New(scope constructs.Construct, id string, props Props) *Frontend {
	props = props.withDefaults()
	props.validate()
	c := constructs.NewConstruct(scope, jsii.String(id))
	f := &Frontend{Construct: c}

	// The construct IDs "bucket", "bucket_policy" and "bucket_policy_document"
	// are those the bucket had before the privatebucket module.
	bucket := privatebucket.New(c, "bucket", privatebucket.Props{
		BucketPrefix: props.NamePrefix + BucketPrefixSuffix,
		ForceDestroy: props.ForceDestroy,
	})
	f.BucketName, f.BucketArn = bucket.Name, bucket.Arn
	// The hardening resources had IDs of their own before the module:
	// Terraform moves them in existing state instead of deleting and
	// re-creating them (which could leave a bucket without its settings).
	moved.From(c, bucket.PublicAccessBlock, "public_access_block")
	moved.From(c, bucket.Encryption, "encryption")
	moved.From(c, bucket.Ownership, "ownership_controls")
	if props.Versioning {
		// Off means no resource (not "Suspended"): a bucket that never had
		// versioning stays unversioned, and dev can be destroyed at once.
		// Each upload replaces the files (`s3 sync --delete`): old versions
		// go after NoncurrentVersionDays.
		versioning, _ := bucket.Versioned(props.NoncurrentVersionDays)
		moved.From(c, versioning, "versioning")
	}

	oac := cloudfrontoriginaccesscontrol.NewCloudfrontOriginAccessControl(c, jsii.String("origin_access_control"), &cloudfrontoriginaccesscontrol.CloudfrontOriginAccessControlConfig{
		Name:                          jsii.String(props.NamePrefix + "-ui"),
		Description:                   jsii.String("CloudFront reads the " + props.NamePrefix + " UI bucket"),
		OriginAccessControlOriginType: jsii.String("s3"),
		SigningBehavior:               jsii.String("always"),
		SigningProtocol:               jsii.String("sigv4"),
	})
	headers := securityHeaders(c, props)
	spa := cloudfrontfunction.NewCloudfrontFunction(c, jsii.String("spa_routing"), &cloudfrontfunction.CloudfrontFunctionConfig{
		Name:    jsii.String(props.NamePrefix + "-spa-routing"),
		Comment: jsii.String("App paths of the " + props.NamePrefix + " UI to /index.html"),
		Runtime: jsii.String("cloudfront-js-2.0"),
		Code:    jsii.String(SPARoutingCode),
		Publish: jsii.Bool(true),
	})
	var vpcOrigin cloudfrontvpcorigin.CloudfrontVpcOrigin
	if props.BridgeVpcOriginALBArn != nil {
		vpcOrigin = bridgeVpcOrigin(c, props)
		f.VpcOriginID = vpcOrigin.Id()
	}
	dist := distribution(c, props, bucket.Bucket, oac, headers, spa, vpcOrigin)
	f.DistributionID, f.DistributionArn = dist.Id(), dist.Arn()
	f.DomainName, f.HostedZoneID = dist.DomainName(), dist.HostedZoneId()

	bucket.Policy(cloudFrontReads(*bucket.Arn, *dist.Arn())...)
	return f
}

// securityHeaders is the response headers policy of every behavior.
func securityHeaders(c constructs.Construct, props Props) cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicy {
	override := jsii.Bool(true)
	return cloudfrontresponseheaderspolicy.NewCloudfrontResponseHeadersPolicy(c, jsii.String("security_headers"), &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicyConfig{
		Name:    jsii.String(props.NamePrefix + "-ui-security-headers"),
		Comment: jsii.String("HSTS, CSP and anti-framing headers of the " + props.NamePrefix + " UI"),
		SecurityHeadersConfig: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfig{
			StrictTransportSecurity: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurity{
				AccessControlMaxAgeSec: jsii.Number(63072000), // two years, the preload list's expectation
				IncludeSubdomains:      jsii.Bool(true),
				Preload:                jsii.Bool(true),
				Override:               override,
			},
			ContentTypeOptions: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigContentTypeOptions{Override: override},
			FrameOptions: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigFrameOptions{
				FrameOption: jsii.String("DENY"),
				Override:    override,
			},
			ReferrerPolicy: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigReferrerPolicy{
				ReferrerPolicy: jsii.String("strict-origin-when-cross-origin"),
				Override:       override,
			},
			// Ignored by current browsers (the CSP does the job); kept for old ones.
			XssProtection: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigXssProtection{
				Protection: jsii.Bool(true),
				ModeBlock:  jsii.Bool(true),
				Override:   override,
			},
			ContentSecurityPolicy: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigContentSecurityPolicy{
				ContentSecurityPolicy: jsii.String(ContentSecurityPolicy(props.Aliases)),
				Override:              override,
			},
		},
	})
}

// originProtocol is how CloudFront connects to the bridge's ALB.
func originProtocol(props Props) string {
	if props.BridgeOriginHTTPS {
		return "https-only"
	}
	return "http-only"
}

// Timeouts of the bridge origin. 60 s is the most CloudFront allows without
// a quota increase; a long Claude Code run must stream or answer
// asynchronously (the WebSocket), not hold a request open.
const (
	originReadTimeout      = 60
	originKeepaliveTimeout = 60
)

// bridgeVpcOrigin defines the VPC origin of the internal ALB. CloudFront puts
// network interfaces into the ALB's subnets and connects from there; the
// ALB's security group admits CloudFront's origin-facing prefix list (see
// the networking module). The protocol is the same as over the internet:
// HTTPS where the ALB has a certificate for BridgeOriginDomain, else HTTP —
// the ALB's own *.elb.amazonaws.com name can have no certificate.
func bridgeVpcOrigin(c constructs.Construct, props Props) cloudfrontvpcorigin.CloudfrontVpcOrigin {
	return cloudfrontvpcorigin.NewCloudfrontVpcOrigin(c, jsii.String("bridge_vpc_origin"), &cloudfrontvpcorigin.CloudfrontVpcOriginConfig{
		VpcOriginEndpointConfig: &[]*cloudfrontvpcorigin.CloudfrontVpcOriginVpcOriginEndpointConfig{{
			Name:                 jsii.String(props.NamePrefix + "-bridge"),
			Arn:                  props.BridgeVpcOriginALBArn,
			HttpPort:             jsii.Number(80),
			HttpsPort:            jsii.Number(443),
			OriginProtocolPolicy: jsii.String(originProtocol(props)),
			OriginSslProtocols: &[]*cloudfrontvpcorigin.CloudfrontVpcOriginVpcOriginEndpointConfigOriginSslProtocols{{
				Items:    jsii.Strings("TLSv1.2"),
				Quantity: jsii.Number(1),
			}},
		}},
	})
}

// bridgeOrigin is the distribution's origin for the bridge paths: through
// the VPC origin when there is one, else a custom origin on the internet.
func bridgeOrigin(props Props, vpcOrigin cloudfrontvpcorigin.CloudfrontVpcOrigin) *cloudfrontdistribution.CloudfrontDistributionOrigin {
	o := &cloudfrontdistribution.CloudfrontDistributionOrigin{
		OriginId:   jsii.String(bridgeOriginID),
		DomainName: props.BridgeOriginDomain,
	}
	if vpcOrigin != nil {
		o.VpcOriginConfig = &cloudfrontdistribution.CloudfrontDistributionOriginVpcOriginConfig{
			VpcOriginId:            vpcOrigin.Id(),
			OriginReadTimeout:      jsii.Number(originReadTimeout),
			OriginKeepaliveTimeout: jsii.Number(originKeepaliveTimeout),
		}
		return o
	}
	o.CustomOriginConfig = &cloudfrontdistribution.CloudfrontDistributionOriginCustomOriginConfig{
		HttpPort:               jsii.Number(80),
		HttpsPort:              jsii.Number(443),
		OriginProtocolPolicy:   jsii.String(originProtocol(props)),
		OriginSslProtocols:     jsii.Strings("TLSv1.2"),
		OriginReadTimeout:      jsii.Number(originReadTimeout),
		OriginKeepaliveTimeout: jsii.Number(originKeepaliveTimeout),
	}
	return o
}

// distribution defines the CloudFront distribution: the bucket by default,
// the bridge paths to the ALB.
func distribution(c constructs.Construct, props Props, bucket s3bucket.S3Bucket, oac cloudfrontoriginaccesscontrol.CloudfrontOriginAccessControl, headers cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicy, spa cloudfrontfunction.CloudfrontFunction, vpcOrigin cloudfrontvpcorigin.CloudfrontVpcOrigin) cloudfrontdistribution.CloudfrontDistribution {
	allMethods := jsii.Strings("GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE")
	var bridgeBehaviors []*cloudfrontdistribution.CloudfrontDistributionOrderedCacheBehavior
	for _, path := range BridgePaths {
		bridgeBehaviors = append(bridgeBehaviors, &cloudfrontdistribution.CloudfrontDistributionOrderedCacheBehavior{
			PathPattern:    jsii.String(path),
			TargetOriginId: jsii.String(bridgeOriginID),
			// https-only, not redirect-to-https: a redirect would turn the
			// n8n error-callback POST into a body-less GET in most clients and
			// hide a wrong http:// callback URL; a 403 makes it visible. The
			// UI itself always uses wss:// and https://.
			ViewerProtocolPolicy:    jsii.String("https-only"),
			AllowedMethods:          allMethods,
			CachedMethods:           jsii.Strings("GET", "HEAD"),
			CachePolicyId:           jsii.String(CachingDisabledPolicyID),
			OriginRequestPolicyId:   jsii.String(AllViewerExceptHostHeaderPolicyID),
			ResponseHeadersPolicyId: headers.Id(),
			// Nothing to gain on small JSON and WebSocket frames.
			Compress: jsii.Bool(false),
		})
	}

	viewerCert := &cloudfrontdistribution.CloudfrontDistributionViewerCertificate{CloudfrontDefaultCertificate: jsii.Bool(true)}
	var aliases *[]*string
	if len(props.Aliases) > 0 {
		aliases = jsii.Strings(props.Aliases...)
		viewerCert = &cloudfrontdistribution.CloudfrontDistributionViewerCertificate{
			AcmCertificateArn:      props.CertificateArn,
			SslSupportMethod:       jsii.String("sni-only"),
			MinimumProtocolVersion: jsii.String("TLSv1.2_2021"),
		}
	}

	return cloudfrontdistribution.NewCloudfrontDistribution(c, jsii.String("distribution"), &cloudfrontdistribution.CloudfrontDistributionConfig{
		Enabled:           jsii.Bool(true),
		IsIpv6Enabled:     jsii.Bool(!props.DisableIPv6),
		HttpVersion:       jsii.String("http2and3"),
		DefaultRootObject: jsii.String("index.html"),
		PriceClass:        jsii.String(props.PriceClass),
		Comment:           jsii.String(props.NamePrefix + " chat UI and bridge"),
		Aliases:           aliases,
		WebAclId:          props.WebACLArn,
		Origin: &[]*cloudfrontdistribution.CloudfrontDistributionOrigin{
			{
				OriginId:              jsii.String(uiOriginID),
				DomainName:            bucket.BucketRegionalDomainName(),
				OriginAccessControlId: oac.Id(),
			},
			bridgeOrigin(props, vpcOrigin),
		},
		DefaultCacheBehavior: &cloudfrontdistribution.CloudfrontDistributionDefaultCacheBehavior{
			TargetOriginId:          jsii.String(uiOriginID),
			ViewerProtocolPolicy:    jsii.String("redirect-to-https"),
			AllowedMethods:          jsii.Strings("GET", "HEAD", "OPTIONS"),
			CachedMethods:           jsii.Strings("GET", "HEAD"),
			CachePolicyId:           jsii.String(CachingOptimizedPolicyID),
			ResponseHeadersPolicyId: headers.Id(),
			Compress:                jsii.Bool(true),
			// SPA routing on this behaviour only: the bridge paths keep
			// their real status codes (a distribution-wide custom error
			// response would turn a bridge 404 into 200 index.html).
			FunctionAssociation: &[]*cloudfrontdistribution.CloudfrontDistributionDefaultCacheBehaviorFunctionAssociation{{
				EventType:   jsii.String("viewer-request"),
				FunctionArn: spa.Arn(),
			}},
		},
		OrderedCacheBehavior: &bridgeBehaviors,
		ViewerCertificate:    viewerCert,
		Restrictions: &cloudfrontdistribution.CloudfrontDistributionRestrictions{
			GeoRestriction: &cloudfrontdistribution.CloudfrontDistributionRestrictionsGeoRestriction{
				RestrictionType: jsii.String("none"),
				Locations:       &[]*string{},
			},
		},
	})
}

// cloudFrontReads are the bucket policy statements that let this
// distribution, and only it, read the bucket (privatebucket adds TLS only).
func cloudFrontReads(bucketArn, distributionArn string) []iampolicy.Statement {
	thisDistribution := []iampolicy.Condition{{Test: "StringEquals", Variable: "AWS:SourceArn", Values: []string{distributionArn}}}
	cloudfront := map[string][]string{"Service": {"cloudfront.amazonaws.com"}}
	return []iampolicy.Statement{{
		Sid:        "CloudFrontReadsObjects",
		Actions:    []string{"s3:GetObject"},
		Resources:  []string{bucketArn + "/*"},
		Principals: cloudfront,
		Conditions: thisDistribution,
	}, {
		// With ListBucket a missing file is a 404, not a 403 (app routes
		// never get here: the SPA function serves index.html).
		Sid:        "CloudFrontListsObjects",
		Actions:    []string{"s3:ListBucket"},
		Resources:  []string{bucketArn},
		Principals: cloudfront,
		Conditions: thisDistribution,
	}}
}
