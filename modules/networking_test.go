package modules_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/modules/networking"
)

// networkingVariants are four stacks: single NAT without flow logs, NAT per
// AZ with flow logs and a restricted ALB allow-list, no NAT, and a private
// ALB.
type networkingVariants struct {
	single, perAZ, noNat, private *testutil.Synthesized
	// nets keeps the constructs' outputs of the variants.
	nets map[string]*networking.Networking
}

var networkingStacks = synthOnce(func() networkingVariants {
	nets := map[string]*networking.Networking{}
	synth := func(name string, p networking.Props) *testutil.Synthesized {
		n, s := networkingSynth(p)
		nets[name] = n
		return s
	}
	return networkingVariants{
		single: synth("single", networking.Props{NatMode: networking.NatSingle}),
		noNat:  synth("none", networking.Props{NatMode: networking.NatNone}),
		perAZ: synth("perAZ", networking.Props{
			FlowLogs: true, FlowLogRetentionDays: 90,
			AlbAllowedCidrs:        []string{"203.0.113.0/24", "198.51.100.7/32"},
			CloudFrontPrefixListID: "pl-3b927c52", CloudFrontOriginPort: 443,
		}),
		private: synth("private", networking.Props{PrivateALB: true, CloudFrontPrefixListID: "pl-3b927c52", CloudFrontOriginPort: 443}),
		nets:    nets,
	}
})

// networkingSynth builds and synthesizes the module with the test stack's
// network layout and p's other props.
func networkingSynth(p networking.Props) (*networking.Networking, *testutil.Synthesized) {
	p.NamePrefix = "proj-test"
	p.AppPort = 3000
	p.Region = "us-east-1"
	p.CidrBlock = "10.0.0.0/16"
	p.AvailabilityZones = []string{"us-east-1a", "us-east-1b"}
	p.PublicSubnetCidrs = []string{"10.0.0.0/20", "10.0.16.0/20"}
	p.PrivateSubnetCidrs = []string{"10.0.32.0/20", "10.0.48.0/20"}
	stack := testutil.NewStack()
	n := networking.New(stack, "net", p)
	return n, testutil.Synth(stack)
}

func TestNetworkingVpc(t *testing.T) {
	single := networkingStacks().single
	testutil.AssertResource(t, single, "aws_vpc", map[string]any{
		"cidr_block": "10.0.0.0/16", "enable_dns_support": true, "enable_dns_hostnames": true,
	})
}

func TestNetworkingSubnetsPerAZ(t *testing.T) {
	single := networkingStacks().single
	for _, want := range []map[string]any{
		{"availability_zone": "us-east-1a", "cidr_block": "10.0.0.0/20", "map_public_ip_on_launch": false},
		{"availability_zone": "us-east-1b", "cidr_block": "10.0.16.0/20"},
		{"availability_zone": "us-east-1a", "cidr_block": "10.0.32.0/20"},
		{"availability_zone": "us-east-1b", "cidr_block": "10.0.48.0/20"},
	} {
		testutil.AssertResource(t, single, "aws_subnet", want)
	}
	testutil.RefuteResource(t, single, "aws_subnet", map[string]any{"map_public_ip_on_launch": true})
	if n := single.Count("aws_subnet"); n != 4 {
		t.Errorf("%d subnets, want 4", n)
	}
}

func TestNetworkingNatGateways(t *testing.T) {
	v := networkingStacks()
	single, perAZ, noNat := v.single, v.perAZ, v.noNat
	tests := []struct {
		name string
		s    *testutil.Synthesized
		want int
	}{{"single", single, 1}, {"perAZ", perAZ, 2}, {"none", noNat, 0}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.Count("aws_nat_gateway"); got != tt.want {
				t.Errorf("NAT gateways = %d, want %d", got, tt.want)
			}
			if got := tt.s.Count("aws_eip"); got != tt.want {
				t.Errorf("Elastic IPs = %d, want %d", got, tt.want)
			}
		})
	}
}

// Each private route table must send 0.0.0.0/0 to the NAT gateway of its own
// AZ when there is one per AZ.
func TestNetworkingPrivateRoutesUseSameAZNat(t *testing.T) {
	v := networkingStacks()
	single, perAZ := v.single, v.perAZ
	for _, az := range []string{"us-east-1a", "us-east-1b"} {
		r := perAZ.Resources("aws_route")
		var found bool
		for name, route := range r {
			if !strings.Contains(name, "private_nat_route_"+az) {
				continue
			}
			found = true
			if !strings.Contains(route["nat_gateway_id"].(string), "nat_gateway_"+az) {
				t.Errorf("%s routes to %v, want the NAT gateway in %s", name, route["nat_gateway_id"], az)
			}
		}
		if !found {
			t.Errorf("no private route for %s", az)
		}
	}
	for name, route := range single.Resources("aws_route") {
		if strings.Contains(name, "private_nat_route") && !strings.Contains(route["nat_gateway_id"].(string), "nat_gateway_us-east-1a") {
			t.Errorf("single NAT: %s routes to %v, want the one NAT gateway", name, route["nat_gateway_id"])
		}
	}
}

// Without NAT the private subnets keep their route tables but get no route
// out, and the tasks go to the public subnets with a public IP.
func TestNetworkingNoNat(t *testing.T) {
	v := networkingStacks()
	single, noNat, nets := v.single, v.noNat, v.nets
	for name, route := range noNat.Resources("aws_route") {
		if route["nat_gateway_id"] != nil {
			t.Errorf("%s routes to NAT gateway %v", name, route["nat_gateway_id"])
		}
	}
	if got := noNat.Count("aws_route"); got != 1 {
		t.Errorf("%d routes, want 1 (public subnets to the internet gateway)", got)
	}
	if got := single.Count("aws_route"); got != 3 {
		t.Errorf("single NAT: %d routes, want 3 (the check above must see private routes when there are some)", got)
	}
	if got := noNat.Count("aws_subnet"); got != 4 {
		t.Errorf("%d subnets, want 4: the private subnets stay", got)
	}
	testutil.RefuteResource(t, noNat, "aws_subnet", map[string]any{"map_public_ip_on_launch": true})
	for name, want := range map[string]struct {
		subnets  *[]*string
		publicIP bool
	}{
		"none":   {nets["none"].PublicSubnetIDs, true},
		"single": {nets["single"].PrivateSubnetIDs, false},
		"perAZ":  {nets["perAZ"].PrivateSubnetIDs, false},
	} {
		n := nets[name]
		if n.TaskSubnetIDs != want.subnets || n.TasksNeedPublicIP != want.publicIP {
			t.Errorf("%s: tasks in %v (public IP %v), want %v (public IP %v)", name, n.TaskSubnetIDs, n.TasksNeedPublicIP, want.subnets, want.publicIP)
		}
	}
}

// The bridge accepts only the ALB in every mode: a public IP adds a way out,
// never a way in.
func TestNetworkingNoNatKeepsBridgeIngressToTheAlb(t *testing.T) {
	noNat := networkingStacks().noNat
	testutil.AssertResource(t, noNat, "aws_vpc_security_group_ingress_rule", map[string]any{
		"from_port": 3000, "to_port": 3000,
		"security_group_id":            noNat.Ref("aws_security_group", "bridge_security_group", "id"),
		"referenced_security_group_id": noNat.Ref("aws_security_group", "alb_security_group", "id"),
	})
	for name, rule := range noNat.Resources("aws_vpc_security_group_ingress_rule") {
		if rule["security_group_id"] == noNat.Ref("aws_security_group", "bridge_security_group", "id") && rule["referenced_security_group_id"] != noNat.Ref("aws_security_group", "alb_security_group", "id") {
			t.Errorf("bridge ingress %s is not from the ALB's group: %v", name, rule)
		}
	}
	testutil.AssertResource(t, noNat, "aws_vpc_security_group_egress_rule", map[string]any{"from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0",
		"security_group_id": noNat.Ref("aws_security_group", "bridge_security_group", "id")})
}

func TestNetworkingUnknownNatModePanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), `NatMode "double"`) {
			t.Errorf("recovered %v, want a panic naming NatMode", r)
		}
	}()
	networkingSynth(networking.Props{NatMode: "double"})
}

func TestNetworkingPublicRouteToInternetGateway(t *testing.T) {
	single := networkingStacks().single
	testutil.AssertResource(t, single, "aws_route", map[string]any{"destination_cidr_block": "0.0.0.0/0", "gateway_id": single.Ref("aws_internet_gateway", "internet_gateway", "id")})
}

func TestNetworkingDefaultSecurityGroupHasNoRules(t *testing.T) {
	single := networkingStacks().single
	for _, dsg := range single.Resources("aws_default_security_group") {
		if in, ok := dsg["ingress"].([]any); !ok || len(in) != 0 {
			t.Errorf("ingress = %v, want an explicit empty list", dsg["ingress"])
		}
		if out, ok := dsg["egress"].([]any); !ok || len(out) != 0 {
			t.Errorf("egress = %v, want an explicit empty list", dsg["egress"])
		}
	}
}

func TestNetworkingSecurityGroupRules(t *testing.T) {
	v := networkingStacks()
	single, perAZ := v.single, v.perAZ
	t.Run("alb open by default", func(t *testing.T) {
		for _, port := range []int{80, 443} {
			testutil.AssertResource(t, single, "aws_vpc_security_group_ingress_rule", map[string]any{"from_port": port, "to_port": port, "cidr_ipv4": "0.0.0.0/0"})
		}
	})
	t.Run("alb allow-list", func(t *testing.T) {
		testutil.AssertResource(t, perAZ, "aws_vpc_security_group_ingress_rule", map[string]any{"from_port": 443, "cidr_ipv4": "198.51.100.7/32"})
		testutil.RefuteResource(t, perAZ, "aws_vpc_security_group_ingress_rule", map[string]any{"cidr_ipv4": "0.0.0.0/0"})
	})
	t.Run("cloudfront prefix list on the origin port", func(t *testing.T) {
		testutil.AssertResource(t, perAZ, "aws_vpc_security_group_ingress_rule", map[string]any{"prefix_list_id": "pl-3b927c52", "from_port": 443, "to_port": 443})
		testutil.RefuteResource(t, single, "aws_vpc_security_group_ingress_rule", map[string]any{"prefix_list_id": "pl-3b927c52"})
	})
	t.Run("bridge only from the alb", func(t *testing.T) {
		testutil.AssertResource(t, single, "aws_vpc_security_group_ingress_rule", map[string]any{
			"from_port": 3000, "to_port": 3000,
			"security_group_id":            single.Ref("aws_security_group", "bridge_security_group", "id"),
			"referenced_security_group_id": single.Ref("aws_security_group", "alb_security_group", "id"),
		})
		testutil.RefuteResource(t, single, "aws_vpc_security_group_ingress_rule", map[string]any{
			"security_group_id": single.Ref("aws_security_group", "bridge_security_group", "id"), "cidr_ipv4": "0.0.0.0/0",
		})
	})
	t.Run("bridge egress limited to 443", func(t *testing.T) {
		testutil.AssertResource(t, single, "aws_vpc_security_group_egress_rule", map[string]any{"from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0"})
		testutil.RefuteResource(t, single, "aws_vpc_security_group_egress_rule", map[string]any{"ip_protocol": "-1"})
	})
}

// TestNetworkingPrivateALBAdmitsOnlyCloudFront: the private ALB's group has exactly one
// ingress rule, CloudFront's prefix list on the origin port; the public
// variants are the failing twins.
func TestNetworkingPrivateALBAdmitsOnlyCloudFront(t *testing.T) {
	v := networkingStacks()
	single, perAZ, private := v.single, v.perAZ, v.private
	ingress := func(s *testutil.Synthesized) []map[string]any {
		var out []map[string]any
		for _, r := range s.Resources("aws_vpc_security_group_ingress_rule") {
			if r["security_group_id"] == s.Ref("aws_security_group", "alb_security_group", "id") {
				out = append(out, r)
			}
		}
		return out
	}
	onlyCloudFront := func(rules []map[string]any) bool {
		return len(rules) == 1 && rules[0]["prefix_list_id"] == "pl-3b927c52" &&
			rules[0]["from_port"] == float64(443) && rules[0]["to_port"] == float64(443) && rules[0]["cidr_ipv4"] == nil
	}
	if rules := ingress(private); !onlyCloudFront(rules) {
		t.Errorf("private ALB ingress = %v, want only pl-3b927c52 on 443", rules)
	}
	for name, s := range map[string]*testutil.Synthesized{"single": single, "perAZ": perAZ} {
		if onlyCloudFront(ingress(s)) {
			t.Errorf("%s: the check passes for a public ALB too", name)
		}
	}
	testutil.AssertResource(t, private, "aws_security_group", map[string]any{"name": "proj-test-alb", "description": "Internal ALB of the bridge: CloudFront VPC origin only"})
}

func TestNetworkingPrivateALBMisuse(t *testing.T) {
	for name, p := range map[string]networking.Props{
		"no prefix list": {PrivateALB: true},
		"with cidrs":     {PrivateALB: true, CloudFrontPrefixListID: "pl-3b927c52", AlbAllowedCidrs: []string{"10.0.0.0/8"}},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "PrivateALB needs CloudFrontPrefixListID and no AlbAllowedCidrs") {
					t.Errorf("recover() = %v, want the PrivateALB panic", r)
				}
			}()
			networkingSynth(p)
		})
	}
}

// TestNetworkingKnownPrefixLists pins the table's format: the ids are typed into
// environment files too, and the loader checks them with the same pattern.
func TestNetworkingKnownPrefixLists(t *testing.T) {
	if n := len(networking.CloudFrontOriginFacingPrefixLists); n < 16 {
		t.Errorf("%d regions, want at least 16", n)
	}
	seen := map[string]string{}
	for region, id := range networking.CloudFrontOriginFacingPrefixLists {
		if !strings.HasPrefix(id, "pl-") || len(id) != 11 {
			t.Errorf("%s: %q is not a pl-xxxxxxxx id", region, id)
		}
		if other, dup := seen[id]; dup {
			t.Errorf("%s and %s share %s", region, other, id)
		}
		seen[id] = region
	}
}

func TestNetworkingFlowLogs(t *testing.T) {
	v := networkingStacks()
	single, perAZ := v.single, v.perAZ
	if single.Count("aws_flow_log") != 0 || single.Count("aws_cloudwatch_log_group") != 0 {
		t.Error("flow logs defined although off")
	}
	testutil.AssertResource(t, perAZ, "aws_flow_log", map[string]any{"traffic_type": "ALL", "log_destination_type": "cloud-watch-logs"})
	testutil.AssertResource(t, perAZ, "aws_cloudwatch_log_group", map[string]any{"retention_in_days": 90})
	testutil.AssertResource(t, perAZ, "aws_iam_role", map[string]any{"name": "proj-test-flow-logs"})
	for _, doc := range perAZ.DataSources("aws_iam_policy_document") {
		for _, st := range doc["statement"].([]any) {
			for _, r := range testutil.Strings(st.(map[string]any)["resources"]) {
				if r == "*" {
					t.Errorf("flow log policy grants %v on *", st)
				}
			}
		}
	}
}

// TestNetworkingRuleIDsKeyedByContent: the ALB's ingress rules are named after the
// port and CIDR they allow, so reordering or shortening the allow-list does
// not rename (and so replace) the rules for the other entries.
func TestNetworkingRuleIDsKeyedByContent(t *testing.T) {
	perAZ := networkingStacks().perAZ
	var got []string
	for name := range perAZ.Resources("aws_vpc_security_group_ingress_rule") {
		if i := strings.LastIndex(name, "_"); strings.HasPrefix(name, "net_alb_ingress_") && i > 0 {
			got = append(got, strings.TrimPrefix(name[:i], "net_")) // drop cdktf's hash suffix
		}
	}
	sort.Strings(got)
	want := []string{
		"alb_ingress_443_198_51_100_7_32", "alb_ingress_443_203_0_113_0_24",
		"alb_ingress_80_198_51_100_7_32", "alb_ingress_80_203_0_113_0_24", "alb_ingress_cloudfront",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ALB ingress rules %v, want %v", got, want)
	}

	// The rules were keyed by list position before: moved blocks carry
	// each one over in existing state, from its old index to its CIDR.
	moves := map[string]string{}
	for _, m := range perAZ.Tree()["moved"].([]any) {
		m := m.(map[string]any)
		moves[hashless(m["from"])] = hashless(m["to"])
	}
	rule := "aws_vpc_security_group_ingress_rule.net_"
	for from, to := range map[string]string{
		"alb_ingress_80_0": "alb_ingress_80_203_0_113_0_24", "alb_ingress_80_1": "alb_ingress_80_198_51_100_7_32",
		"alb_ingress_443_0": "alb_ingress_443_203_0_113_0_24", "alb_ingress_443_1": "alb_ingress_443_198_51_100_7_32",
	} {
		if got := moves[rule+from]; got != rule+to {
			t.Errorf("moved from %s to %q, want %s", rule+from, got, rule+to)
		}
	}
}

// hashless drops cdktf's hash suffix from a resource address.
func hashless(address any) string {
	s := fmt.Sprint(address)
	return s[:strings.LastIndex(s, "_")]
}

func TestNetworkingRepeatedEntriesPanic(t *testing.T) {
	defer func() {
		msg := fmt.Sprint(recover())
		for _, want := range []string{"AlbAllowedCidrs repeats [203.0.113.0/24]", "BridgeEgressPorts repeats [443]"} {
			if !strings.Contains(msg, want) {
				t.Errorf("panic %q, want it to contain %q", msg, want)
			}
		}
	}()
	networkingSynth(networking.Props{
		AlbAllowedCidrs:   []string{"203.0.113.0/24", "10.0.0.0/8", "203.0.113.0/24"},
		BridgeEgressPorts: []int{443, 443},
	})
}

// TestNetworkingFlowLogTrust: only flow logs of the stack's account and region may
// assume the role; both come from the flow log group's ARN.
func TestNetworkingFlowLogTrust(t *testing.T) {
	perAZ := networkingStacks().perAZ
	var trust map[string]any
	for name, doc := range perAZ.DataSources("aws_iam_policy_document") {
		if strings.Contains(name, "flow_log_assume_role") {
			trust = doc
		}
	}
	if trust == nil {
		t.Fatal("no flow_log_assume_role policy document")
	}
	arn := strings.Trim(perAZ.Ref("aws_cloudwatch_log_group", "flow_log_group", "arn"), "${}")
	part := func(i int) string { return fmt.Sprintf(`${element(split(":", %s), %d)}`, arn, i) }
	want := fmt.Sprint([]any{map[string]any{
		"actions":    []any{"sts:AssumeRole"},
		"effect":     "Allow",
		"principals": []any{map[string]any{"type": "Service", "identifiers": []any{"vpc-flow-logs.amazonaws.com"}}},
		"condition": []any{
			map[string]any{"test": "StringEquals", "variable": "aws:SourceAccount", "values": []any{part(4)}},
			map[string]any{"test": "ArnLike", "variable": "aws:SourceArn", "values": []any{"arn:aws:ec2:" + part(3) + ":" + part(4) + ":vpc-flow-log/*"}},
		},
	}})
	if got := fmt.Sprint(trust["statement"]); got != want {
		t.Errorf("flow log trust policy:\n got %s\nwant %s", got, want)
	}
}

// TestNetworkingS3GatewayEndpoint: one gateway endpoint for S3 on every route table
// the tasks use: the private ones, and with NatNone the public one too.
func TestNetworkingS3GatewayEndpoint(t *testing.T) {
	v := networkingStacks()
	single, perAZ, noNat := v.single, v.perAZ, v.noNat
	private := func(s *testutil.Synthesized) []string {
		return []string{
			s.Ref("aws_route_table", "private_route_table_us-east-1a", "id"),
			s.Ref("aws_route_table", "private_route_table_us-east-1b", "id"),
		}
	}
	for _, tt := range []struct {
		name string
		s    *testutil.Synthesized
		want []string
	}{
		{"single", single, private(single)},
		{"perAZ", perAZ, private(perAZ)},
		{"none", noNat, append(private(noNat), noNat.Ref("aws_route_table", "public_route_table", "id"))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			eps := tt.s.Resources("aws_vpc_endpoint")
			if len(eps) != 1 {
				t.Fatalf("%d VPC endpoints, want 1", len(eps))
			}
			for _, ep := range eps {
				if ep["service_name"] != "com.amazonaws.us-east-1.s3" || ep["vpc_endpoint_type"] != "Gateway" || ep["vpc_id"] != tt.s.Ref("aws_vpc", "vpc", "id") {
					t.Errorf("endpoint = %v, want an S3 gateway endpoint in the VPC", ep)
				}
				if got := testutil.Strings(ep["route_table_ids"]); !slices.Equal(got, tt.want) {
					t.Errorf("route_table_ids = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// TestNetworkingTaskRouteTablesReachS3 is the cross-check that does not trust the
// endpoint's own list: every route table associated with a subnet the tasks
// run in (public with NatNone, else private) is on the endpoint.
func TestNetworkingTaskRouteTablesReachS3(t *testing.T) {
	v := networkingStacks()
	single, perAZ, noNat := v.single, v.perAZ, v.noNat
	for _, tt := range []struct {
		name  string
		s     *testutil.Synthesized
		tasks string // construct ID part of the task subnets
	}{{"single", single, "private_subnet"}, {"perAZ", perAZ, "private_subnet"}, {"none", noNat, "public_subnet"}} {
		t.Run(tt.name, func(t *testing.T) {
			var endpointRTs []string
			for _, ep := range tt.s.Resources("aws_vpc_endpoint") {
				endpointRTs = testutil.Strings(ep["route_table_ids"])
			}
			checked := 0
			for _, a := range tt.s.Resources("aws_route_table_association") {
				sub := fmt.Sprint(a["subnet_id"])
				if !strings.Contains(sub, "_"+tt.tasks+"_") {
					continue
				}
				checked++
				if !slices.Contains(endpointRTs, fmt.Sprint(a["route_table_id"])) {
					t.Errorf("task subnet %s routes through %v, which is not on the S3 endpoint %v", sub, a["route_table_id"], endpointRTs)
				}
			}
			if checked != 2 {
				t.Errorf("checked %d task subnets, want 2", checked)
			}
		})
	}
}
