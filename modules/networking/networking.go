// Package networking defines the VPC the bridge runs in: public and private
// subnets in two AZs, NAT, routing, security groups and optional flow logs.
//
// Where the tasks run follows the NAT mode: in the private subnets behind NAT
// gateways, or, with NatNone, in the public subnets with a public IP each (no
// NAT gateway, no Elastic IP). Either way only the ALB's security group may
// reach them; the public IP only gives them a way out.
package networking

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/defaultsecuritygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eip"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/flowlog"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/internetgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/natgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/routetable"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/routetableassociation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/subnet"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpc"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcendpoint"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupegressrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/n8n-builder/infra/internal/moved"
	"github.com/n8n-builder/infra/modules/iampolicy"
)

// Props configures Networking. Values come validated from the environment
// file; the zero value of a field means its documented default, and fields
// marked Required panic when left out.
type Props struct {
	// NamePrefix starts every Name tag and resource name: "<project>-<env>". Required.
	NamePrefix string
	// Region of the VPC, for the S3 gateway endpoint's service name. Required.
	Region string
	// CidrBlock of the VPC. Required.
	CidrBlock string
	// AvailabilityZones: exactly two. Required.
	AvailabilityZones []string
	// PublicSubnetCidrs and PrivateSubnetCidrs, one per AZ, in AZ order. Required.
	PublicSubnetCidrs  []string
	PrivateSubnetCidrs []string
	// NatMode is NatPerAZ (a NAT gateway in each AZ; private subnets route to
	// their own AZ's gateway), NatSingle (one NAT gateway in the first AZ
	// serves both) or NatNone (no NAT gateway: tasks run in the public
	// subnets with a public IP; the private subnets stay, without a route
	// out, so switching modes never replaces a subnet). Default: NatPerAZ.
	NatMode string
	// AppPort is the bridge container's port (ecs.DefaultContainerPort in the
	// stacks). Required.
	AppPort int
	// PrivateALB says the ALB is internal and reached only by CloudFront
	// through a VPC origin: its security group then admits nothing but
	// CloudFrontPrefixListID (required) on CloudFrontOriginPort, and
	// AlbAllowedCidrs must be empty. Default: false (an internet-facing ALB).
	PrivateALB bool
	// AlbAllowedCidrs may reach the ALB on 80 and 443. Default:
	// ["0.0.0.0/0"], none with PrivateALB.
	AlbAllowedCidrs []string
	// CloudFrontPrefixListID, when set, lets the CloudFront origin-facing
	// prefix list reach the ALB on CloudFrontOriginPort. Default: none;
	// required with PrivateALB (see CloudFrontOriginFacingPrefixLists).
	CloudFrontPrefixListID string
	// CloudFrontOriginPort is the port CloudFront connects to the ALB on:
	// 443 when the ALB has a certificate, else 80. Default: 80.
	CloudFrontOriginPort int
	// BridgeEgressPorts are the TCP ports tasks may reach on the internet
	// (through NAT, or with NatNone their own public IP). Default: [443]
	// (Anthropic API, ECR, Secrets Manager, logs).
	BridgeEgressPorts []int
	// FlowLogs sends all VPC traffic records to a CloudWatch log group.
	FlowLogs bool
	// FlowLogRetentionDays of that log group. Default: 30.
	FlowLogRetentionDays int
}

// NAT modes: how the bridge tasks reach the internet.
const (
	NatPerAZ  = "perAz"
	NatSingle = "single"
	NatNone   = "none"
)

// NatModes lists every NatMode.
var NatModes = []string{NatPerAZ, NatSingle, NatNone}

// withDefaults fills in the documented default of every field left at zero.
func (p Props) withDefaults() Props {
	p.NatMode = cmp.Or(p.NatMode, NatPerAZ)
	if len(p.AlbAllowedCidrs) == 0 && !p.PrivateALB {
		p.AlbAllowedCidrs = []string{"0.0.0.0/0"}
	}
	if len(p.BridgeEgressPorts) == 0 {
		p.BridgeEgressPorts = []int{443}
	}
	p.CloudFrontOriginPort = cmp.Or(p.CloudFrontOriginPort, 80)
	p.FlowLogRetentionDays = cmp.Or(p.FlowLogRetentionDays, 30)
	return p
}

// validate panics on programmer misuse, naming every problem at once; the
// environments loader reports user errors before this runs.
func (p Props) validate() {
	var problems []string
	if p.NamePrefix == "" {
		problems = append(problems, "NamePrefix is required")
	}
	if p.Region == "" {
		problems = append(problems, "Region is required (the S3 gateway endpoint's service is com.amazonaws.<region>.s3)")
	}
	if p.CidrBlock == "" {
		problems = append(problems, "CidrBlock is required")
	}
	if len(p.AvailabilityZones) != 2 || len(p.PublicSubnetCidrs) != 2 || len(p.PrivateSubnetCidrs) != 2 {
		problems = append(problems, fmt.Sprintf("need two AZs and two public and two private subnet CIDRs, got %d, %d and %d",
			len(p.AvailabilityZones), len(p.PublicSubnetCidrs), len(p.PrivateSubnetCidrs)))
	}
	if !slices.Contains(NatModes, p.NatMode) {
		problems = append(problems, fmt.Sprintf("NatMode %q must be one of %s", p.NatMode, strings.Join(NatModes, ", ")))
	}
	if p.AppPort < 1 || p.AppPort > 65535 {
		problems = append(problems, fmt.Sprintf("AppPort %d is not a TCP port (the bridge container's port is required)", p.AppPort))
	}
	// Rules are keyed by what they allow: a repeated entry would be a
	// second rule with the same construct ID.
	if d := duplicates(p.AlbAllowedCidrs); len(d) > 0 {
		problems = append(problems, fmt.Sprintf("AlbAllowedCidrs repeats %v", d))
	}
	if d := duplicates(p.BridgeEgressPorts); len(d) > 0 {
		problems = append(problems, fmt.Sprintf("BridgeEgressPorts repeats %v", d))
	}
	if p.PrivateALB && (p.CloudFrontPrefixListID == "" || len(p.AlbAllowedCidrs) > 0) {
		problems = append(problems, "PrivateALB needs CloudFrontPrefixListID and no AlbAllowedCidrs")
	}
	if len(problems) > 0 {
		panic("networking: " + strings.Join(problems, "; "))
	}
}

// CloudFrontOriginFacingPrefixLists are the ids of the AWS-managed prefix
// list "com.amazonaws.global.cloudfront.origin-facing" in the regions where
// it is published with a well-known id (the same in every account): looking
// it up with a data source would need AWS at plan time. Elsewhere the
// environment file names it (loadBalancer.cloudFrontPrefixListId).
var CloudFrontOriginFacingPrefixLists = map[string]string{
	"ap-northeast-1": "pl-58a04531",
	"ap-northeast-2": "pl-22a6434b",
	"ap-south-1":     "pl-9aa247f3",
	"ap-southeast-1": "pl-31a34658",
	"ap-southeast-2": "pl-b8a742d1",
	"ca-central-1":   "pl-38a64351",
	"eu-central-1":   "pl-a3a144ca",
	"eu-north-1":     "pl-fab65393",
	"eu-west-1":      "pl-4fa04526",
	"eu-west-2":      "pl-93a247fa",
	"eu-west-3":      "pl-75b1541c",
	"sa-east-1":      "pl-5da64334",
	"us-east-1":      "pl-3b927c52",
	"us-east-2":      "pl-b6a144df",
	"us-west-1":      "pl-4ea04527",
	"us-west-2":      "pl-82a045eb",
}

// Networking is the VPC with its subnets, routing and security groups.
type Networking struct {
	constructs.Construct
	VpcID            *string
	PublicSubnetIDs  *[]*string
	PrivateSubnetIDs *[]*string
	// AlbSecurityGroupID lets the allowed CIDRs in on 80/443.
	AlbSecurityGroupID *string
	// BridgeSecurityGroupID lets only the ALB in, on AppPort.
	BridgeSecurityGroupID *string
	// NatGatewayCount is how many NAT gateways (and Elastic IPs) were made.
	NatGatewayCount int
	// TaskSubnetIDs are the subnets the bridge tasks run in: the private
	// subnets, or the public ones with NatNone.
	TaskSubnetIDs *[]*string
	// TasksNeedPublicIP is true with NatNone: without a NAT gateway a task in
	// a public subnet reaches the internet (ECR, Secrets Manager, the
	// Anthropic API) only with a public IP of its own.
	TasksNeedPublicIP bool
}

// New defines the networking resources under scope.
func New(scope constructs.Construct, id string, props Props) *Networking {
	props = props.withDefaults()
	props.validate()
	c := constructs.NewConstruct(scope, jsii.String(id))
	n := &Networking{Construct: c}
	name := func(thing string) *map[string]*string {
		return &map[string]*string{"Name": jsii.String(props.NamePrefix + "-" + thing)}
	}

	v := vpc.NewVpc(c, jsii.String("vpc"), &vpc.VpcConfig{
		CidrBlock:          jsii.String(props.CidrBlock),
		EnableDnsSupport:   jsii.Bool(true),
		EnableDnsHostnames: jsii.Bool(true),
		Tags:               name("vpc"),
	})
	n.VpcID = v.Id()

	// The default security group would let anything that lands in it talk to
	// everything else in it; managing it with empty rule lists removes them.
	dsg := defaultsecuritygroup.NewDefaultSecurityGroup(c, jsii.String("default_security_group"), &defaultsecuritygroup.DefaultSecurityGroupConfig{
		VpcId: v.Id(),
		Tags:  name("default-deny"),
	})
	// Escape hatch: the bindings drop empty lists, but only an explicit
	// `ingress = []` / `egress = []` makes Terraform remove existing rules.
	dsg.AddOverride(jsii.String("ingress"), &[]any{})
	dsg.AddOverride(jsii.String("egress"), &[]any{})

	igw := internetgateway.NewInternetGateway(c, jsii.String("internet_gateway"), &internetgateway.InternetGatewayConfig{
		VpcId: v.Id(),
		Tags:  name("igw"),
	})

	publicRT := routetable.NewRouteTable(c, jsii.String("public_route_table"), &routetable.RouteTableConfig{
		VpcId: v.Id(),
		Tags:  name("public"),
	})
	route.NewRoute(c, jsii.String("public_internet_route"), &route.RouteConfig{
		RouteTableId:         publicRT.Id(),
		DestinationCidrBlock: jsii.String("0.0.0.0/0"),
		GatewayId:            igw.Id(),
	})

	var publicIDs, privateIDs []*string
	var nats []natgateway.NatGateway
	var privateRTs []*string
	for i, az := range props.AvailabilityZones {
		// IDs carry the AZ name, a stable config key: reordering cannot replace subnets.
		pub := subnet.NewSubnet(c, jsii.String("public_subnet_"+az), &subnet.SubnetConfig{
			VpcId:            v.Id(),
			AvailabilityZone: jsii.String(az),
			CidrBlock:        jsii.String(props.PublicSubnetCidrs[i]),
			// Nothing launched here needs a public IP by default: the ALB
			// gets its own, NAT gateways use Elastic IPs, and with NatNone
			// the ECS service asks for one per task (assign_public_ip).
			MapPublicIpOnLaunch: jsii.Bool(false),
			Tags:                name("public-" + az),
		})
		routetableassociation.NewRouteTableAssociation(c, jsii.String("public_route_table_association_"+az), &routetableassociation.RouteTableAssociationConfig{
			SubnetId:     pub.Id(),
			RouteTableId: publicRT.Id(),
		})
		publicIDs = append(publicIDs, pub.Id())

		if props.NatMode == NatPerAZ || props.NatMode == NatSingle && i == 0 {
			ip := eip.NewEip(c, jsii.String("nat_eip_"+az), &eip.EipConfig{
				Domain: jsii.String("vpc"),
				Tags:   name("nat-" + az),
			})
			nats = append(nats, natgateway.NewNatGateway(c, jsii.String("nat_gateway_"+az), &natgateway.NatGatewayConfig{
				AllocationId: ip.AllocationId(),
				SubnetId:     pub.Id(),
				Tags:         name("nat-" + az),
				DependsOn:    &[]cdktf.ITerraformDependable{igw},
			}))
		}
		priv := subnet.NewSubnet(c, jsii.String("private_subnet_"+az), &subnet.SubnetConfig{
			VpcId:            v.Id(),
			AvailabilityZone: jsii.String(az),
			CidrBlock:        jsii.String(props.PrivateSubnetCidrs[i]),
			Tags:             name("private-" + az),
		})
		rt := routetable.NewRouteTable(c, jsii.String("private_route_table_"+az), &routetable.RouteTableConfig{
			VpcId: v.Id(),
			Tags:  name("private-" + az),
		})
		if len(nats) > 0 {
			route.NewRoute(c, jsii.String("private_nat_route_"+az), &route.RouteConfig{
				RouteTableId:         rt.Id(),
				DestinationCidrBlock: jsii.String("0.0.0.0/0"),
				NatGatewayId:         nats[len(nats)-1].Id(),
			})
		}
		routetableassociation.NewRouteTableAssociation(c, jsii.String("private_route_table_association_"+az), &routetableassociation.RouteTableAssociationConfig{
			SubnetId:     priv.Id(),
			RouteTableId: rt.Id(),
		})
		privateIDs = append(privateIDs, priv.Id())
		privateRTs = append(privateRTs, rt.Id())
	}
	n.PublicSubnetIDs = &publicIDs
	n.PrivateSubnetIDs = &privateIDs
	n.NatGatewayCount = len(nats)
	n.TaskSubnetIDs = n.PrivateSubnetIDs
	if props.NatMode == NatNone {
		n.TaskSubnetIDs = n.PublicSubnetIDs
		n.TasksNeedPublicIP = true
	}

	// S3 (among it ECR's image layers) through a gateway endpoint: free,
	// where the NAT gateway charges per GB. On the private route tables and,
	// with NatNone, the public one the tasks then use.
	endpointRTs := privateRTs
	if props.NatMode == NatNone {
		endpointRTs = append(endpointRTs, publicRT.Id())
	}
	vpcendpoint.NewVpcEndpoint(c, jsii.String("s3_gateway_endpoint"), &vpcendpoint.VpcEndpointConfig{
		VpcId:           v.Id(),
		ServiceName:     jsii.String("com.amazonaws." + props.Region + ".s3"),
		VpcEndpointType: jsii.String("Gateway"),
		RouteTableIds:   &endpointRTs,
		Tags:            name("s3"),
	})

	n.defineSecurityGroups(c, v, props, name)
	if props.FlowLogs {
		defineFlowLogs(c, v, props, name)
	}
	return n
}

// defineSecurityGroups creates the ALB and bridge groups with standalone rule
// resources (one per CIDR and port), so a rule change never rewrites the group.
func (n *Networking) defineSecurityGroups(c constructs.Construct, v vpc.Vpc, props Props, name func(string) *map[string]*string) {
	// The description differs by exposure (AWS cannot change it in place):
	// switching replaces the group, together with the ALB, which AWS cannot
	// turn from internet-facing to internal in place either.
	description := "ALB of the bridge: HTTP and HTTPS from the allowed CIDRs"
	if props.PrivateALB {
		description = "Internal ALB of the bridge: CloudFront VPC origin only"
	}
	alb := securitygroup.NewSecurityGroup(c, jsii.String("alb_security_group"), &securitygroup.SecurityGroupConfig{
		Name:        jsii.String(props.NamePrefix + "-alb"),
		Description: jsii.String(description),
		VpcId:       v.Id(),
		Tags:        name("alb"),
	})
	bridge := securitygroup.NewSecurityGroup(c, jsii.String("bridge_security_group"), &securitygroup.SecurityGroupConfig{
		Name:        jsii.String(props.NamePrefix + "-bridge"),
		Description: jsii.String("Bridge tasks: the app port from the ALB only"),
		VpcId:       v.Id(),
		Tags:        name("bridge"),
	})
	n.AlbSecurityGroupID = alb.Id()
	n.BridgeSecurityGroupID = bridge.Id()

	for _, port := range []int{80, 443} {
		for i, cidr := range props.AlbAllowedCidrs {
			// Keyed by port and CIDR, not list position: reordering or removing
			// an entry of the allow-list leaves the other rules alone.
			rule := vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(c, jsii.String(fmt.Sprintf("alb_ingress_%d_%s", port, cidrKey(cidr))), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
				SecurityGroupId: alb.Id(),
				Description:     jsii.String(fmt.Sprintf("port %d from %s", port, cidr)),
				IpProtocol:      jsii.String("tcp"),
				FromPort:        jsii.Number(port),
				ToPort:          jsii.Number(port),
				CidrIpv4:        jsii.String(cidr),
			})
			// Until this release the rules were keyed by list position; the
			// moved block carries a rule over in existing state (a new rule
			// for the same port and CIDR would clash with the old one in AWS).
			moved.From(c, rule, fmt.Sprintf("alb_ingress_%d_%d", port, i))
		}
	}
	// With a private ALB this is the only way in. AWS's guidance for VPC
	// origins is to admit this prefix list: requests that CloudFront's VPC
	// origin ENIs (in the ALB's subnets) pass on keep source addresses from
	// it, so a rule for the VPC's own CIDR would not match them. AWS
	// also puts those ENIs in a group it creates, CloudFront-VPCOrigins-
	// Service-SG, but only when the first VPC origin of the VPC is created:
	// referencing it needs its id from AWS after that (a second apply, or a
	// lookup at plan time), which this stack does not make. The list admits
	// no more: the ALB is internal, so CloudFront's addresses arrive only
	// through this VPC's VPC origins, and nothing else in the VPC (the
	// tasks, say) is in it.
	if props.CloudFrontPrefixListID != "" {
		vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(c, jsii.String("alb_ingress_cloudfront"), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
			SecurityGroupId: alb.Id(),
			Description:     jsii.String("CloudFront origin-facing addresses"),
			IpProtocol:      jsii.String("tcp"),
			FromPort:        jsii.Number(props.CloudFrontOriginPort),
			ToPort:          jsii.Number(props.CloudFrontOriginPort),
			PrefixListId:    jsii.String(props.CloudFrontPrefixListID),
		})
	}
	vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(c, jsii.String("alb_egress_to_bridge"), &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
		SecurityGroupId:           alb.Id(),
		Description:               jsii.String("to the bridge tasks on the app port"),
		IpProtocol:                jsii.String("tcp"),
		FromPort:                  jsii.Number(props.AppPort),
		ToPort:                    jsii.Number(props.AppPort),
		ReferencedSecurityGroupId: bridge.Id(),
	})
	vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(c, jsii.String("bridge_ingress_from_alb"), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
		SecurityGroupId:           bridge.Id(),
		Description:               jsii.String("app port from the ALB"),
		IpProtocol:                jsii.String("tcp"),
		FromPort:                  jsii.Number(props.AppPort),
		ToPort:                    jsii.Number(props.AppPort),
		ReferencedSecurityGroupId: alb.Id(),
	})
	via := "through NAT"
	if props.NatMode == NatNone {
		via = "from the task's public IP"
	}
	for _, port := range props.BridgeEgressPorts {
		// The bridge calls ECR, Secrets Manager, CloudWatch Logs and the
		// user's n8n, whose addresses are not fixed, and the Anthropic API
		// (which publishes its range, but the others do not): the
		// destination must be the internet (via NAT, or with NatNone the
		// task's public IP); the ports are limited.
		vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(c, jsii.String("bridge_egress_"+strconv.Itoa(port)), &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
			SecurityGroupId: bridge.Id(),
			Description:     jsii.String(fmt.Sprintf("port %d to the internet %s", port, via)),
			IpProtocol:      jsii.String("tcp"),
			FromPort:        jsii.Number(port),
			ToPort:          jsii.Number(port),
			CidrIpv4:        jsii.String("0.0.0.0/0"),
		})
	}
}

// defineFlowLogs records all VPC traffic in a log group, delivered by a role
// that may only write to that group.
func defineFlowLogs(c constructs.Construct, v vpc.Vpc, props Props, name func(string) *map[string]*string) {
	group := cloudwatchloggroup.NewCloudwatchLogGroup(c, jsii.String("flow_log_group"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name:            jsii.String("/aws/vpc/" + props.NamePrefix + "/flow-logs"),
		RetentionInDays: jsii.Number(props.FlowLogRetentionDays),
		Tags:            name("flow-logs"),
	})
	// Only flow logs of this account and region may assume the role. Account
	// and region come from the group's ARN (no plan-time lookup; the group
	// does not depend on the role).
	account := iampolicy.AccountOf(group.Arn())
	trust := iampolicy.AssumeRole(c, "flow_log_assume_role", "vpc-flow-logs.amazonaws.com",
		account, "arn:aws:ec2:"+iampolicy.RegionOf(group.Arn())+":"+account+":vpc-flow-log/*")
	role := iamrole.NewIamRole(c, jsii.String("flow_log_role"), &iamrole.IamRoleConfig{
		Name:             jsii.String(props.NamePrefix + "-flow-logs"),
		AssumeRolePolicy: trust.Json(),
		Tags:             name("flow-logs"),
	})
	write := iampolicy.New(c, "flow_log_write", iampolicy.Statement{
		Sid:       "WriteFlowLogs",
		Actions:   []string{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"},
		Resources: []string{*group.Arn(), *group.Arn() + ":*"},
	})
	iamrolepolicy.NewIamRolePolicy(c, jsii.String("flow_log_role_policy"), &iamrolepolicy.IamRolePolicyConfig{
		Name:   jsii.String("write-flow-logs"),
		Role:   role.Id(),
		Policy: write.Json(),
	})
	flowlog.NewFlowLog(c, jsii.String("flow_log"), &flowlog.FlowLogConfig{
		VpcId:              v.Id(),
		TrafficType:        jsii.String("ALL"),
		LogDestinationType: jsii.String("cloud-watch-logs"),
		LogDestination:     group.Arn(),
		IamRoleArn:         role.Arn(),
		Tags:               name("flow-logs"),
	})
}

// cidrKey turns a CIDR into a construct ID part: "203.0.113.0/24" ->
// "203_0_113_0_24". A validated CIDR has one spelling, so the key is unique.
func cidrKey(cidr string) string {
	return strings.NewReplacer(".", "_", "/", "_").Replace(cidr)
}

// duplicates returns the values that appear more than once in list.
func duplicates[T comparable](list []T) []T {
	seen := map[T]int{}
	var out []T
	for _, v := range list {
		if seen[v]++; seen[v] == 2 {
			out = append(out, v)
		}
	}
	return out
}
