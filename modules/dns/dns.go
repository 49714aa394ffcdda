// Package dns defines Route 53 alias records that point a name at a
// CloudFront distribution or a load balancer.
package dns

import (
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route53record"
)

// Props configures Alias. Fields marked Required panic when left out.
type Props struct {
	// ZoneID of the Route 53 hosted zone the records go into. Required.
	ZoneID string
	// Name of the records, e.g. "builder.example.com". Required.
	Name string
	// TargetDNSName is the target's DNS name: a distribution's domain_name
	// or a load balancer's dns_name. Required.
	TargetDNSName *string
	// TargetZoneID is the target's hosted zone: a distribution's
	// hosted_zone_id or a load balancer's zone_id. Required.
	TargetZoneID *string
	// EvaluateTargetHealth makes Route 53 skip an unhealthy target; set it
	// for a load balancer. Default: false, the only value CloudFront accepts.
	EvaluateTargetHealth bool
	// IPv4Only writes the A record alone, for a target without IPv6 (an
	// IPv4-only ALB, a distribution with IPv6 off), whose AAAA alias would
	// resolve to nothing. Default: false (A and AAAA).
	IPv4Only bool
}

// validate panics on programmer misuse, naming every problem at once; the
// environments loader reports user errors before this runs.
func (p Props) validate() {
	var problems []string
	if p.ZoneID == "" {
		problems = append(problems, "ZoneID is required")
	}
	if p.Name == "" {
		problems = append(problems, "Name is required")
	}
	if p.TargetDNSName == nil || p.TargetZoneID == nil {
		problems = append(problems, "TargetDNSName and TargetZoneID are required")
	}
	if len(problems) > 0 {
		panic("dns: " + strings.Join(problems, "; "))
	}
}

// Alias is the alias records of one name.
type Alias struct {
	constructs.Construct
	// A is the IPv4 alias record.
	A route53record.Route53Record
	// AAAA is the IPv6 alias record; nil with IPv4Only.
	AAAA route53record.Route53Record
}

// New defines the alias records under a construct with id; the records'
// construct IDs are "a" and "aaaa".
func New(scope constructs.Construct, id string, props Props) *Alias {
	props.validate()
	c := constructs.NewConstruct(scope, jsii.String(id))
	alias := &Alias{Construct: c, A: record(c, props, "A")}
	if !props.IPv4Only {
		alias.AAAA = record(c, props, "AAAA")
	}
	return alias
}

func record(c constructs.Construct, props Props, typ string) route53record.Route53Record {
	return route53record.NewRoute53Record(c, jsii.String(strings.ToLower(typ)), &route53record.Route53RecordConfig{
		ZoneId: jsii.String(props.ZoneID),
		Name:   jsii.String(props.Name),
		Type:   jsii.String(typ),
		Alias: &route53record.Route53RecordAlias{
			Name:                 props.TargetDNSName,
			ZoneId:               props.TargetZoneID,
			EvaluateTargetHealth: jsii.Bool(props.EvaluateTargetHealth),
		},
	})
}
