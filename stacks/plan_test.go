package stacks_test

import (
	"sync"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/stacks"
)

// plans holds, per CLI, one plan of every stack of the package, made on
// first use against the provider with mock credentials (testutil.PlanTogether:
// every terraform command spends seconds loading the provider's schema,
// whatever the size of the configuration). Terraform's plan holds each
// environment as synthesized (cdk.tf.json), the same in its HCL form
// (cdk.tf, named "<env>_hcl"), the bootstrap stack and the modules' test
// stacks (see moduleStacks); OpenTofu's each environment. Trivy scans each
// environment's and the bootstrap stack's part of the plan.
var (
	plansOnce sync.Map // CLI -> *sync.Once
	plans     sync.Map // CLI + " " + stack -> testutil.Plan
)

// hclSuffix names the HCL form of a stack in terraform's plan.
const hclSuffix = "_hcl"

// plan returns the terraform plan of a stack (an environment, bootstrap, or
// a module test stack).
func plan(t *testing.T, name string) *tfjson.Plan {
	return makePlan(t, "terraform", name).Plan
}

// planJSON returns the terraform plan of a stack as `show -json` writes it.
func planJSON(t *testing.T, name string) []byte {
	return makePlan(t, "terraform", name).JSON
}

func makePlan(t *testing.T, cli, name string) testutil.Plan {
	t.Helper()
	tf := testutil.NeedCLI(t, cli)
	once, _ := plansOnce.LoadOrStore(cli, &sync.Once{})
	once.(*sync.Once).Do(func() {
		configs := map[string]testutil.Config{}
		for env, s := range synthesized {
			configs[env] = testutil.Config{JSON: s.json}
			if cli == "terraform" {
				configs[env+hclSuffix] = testutil.Config{JSON: s.json, HCL: s.hcl}
			}
		}
		if cli == "terraform" {
			configs[stacks.BootstrapStack] = testutil.Config{JSON: bootstrapJSON}
			for name, s := range moduleStacks {
				configs[name] = testutil.Config{JSON: []byte(s.JSON)}
			}
		}
		for stack, p := range tf.PlanTogether(t, configs) {
			plans.Store(cli+" "+stack, p)
		}
	})
	p, ok := plans.Load(cli + " " + name)
	if !ok {
		t.Fatalf("no %s plan of %s: an earlier test failed to make it", cli, name)
	}
	return p.(testutil.Plan)
}

// assertCounts fails the test for every resource type in want that plan
// does not create exactly that many of.
func assertCounts(t *testing.T, plan *tfjson.Plan, want map[string]int) {
	t.Helper()
	got := testutil.CountByType(plan)
	for typ, n := range want {
		if got[typ] != n {
			t.Errorf("%s: %d planned, want %d", typ, got[typ], n)
		}
	}
}

func TestPlanNetworking(t *testing.T) {
	t.Parallel() // plans run together (see TestMain)
	for _, name := range []string{"dev", "prod"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := stack(t, name).env
			res := testutil.PlannedResources(plan(t, name))
			var cidrs []string
			for _, r := range res {
				switch r.Type {
				case "aws_vpc":
					if r.AttributeValues["cidr_block"] != env.Network.VpcCidr || r.AttributeValues["enable_dns_hostnames"] != true {
						t.Errorf("vpc: cidr %v dns hostnames %v", r.AttributeValues["cidr_block"], r.AttributeValues["enable_dns_hostnames"])
					}
				case "aws_subnet":
					cidrs = append(cidrs, r.AttributeValues["cidr_block"].(string))
					if r.AttributeValues["map_public_ip_on_launch"] != false {
						t.Errorf("%s maps public IPs on launch", r.Address)
					}
				case "aws_default_security_group":
					if in, out := r.AttributeValues["ingress"], r.AttributeValues["egress"]; len(in.([]any)) != 0 || len(out.([]any)) != 0 {
						t.Errorf("default security group has rules: ingress %v egress %v", in, out)
					}
				}
			}
			want := append(append([]string{}, env.Network.PublicSubnetCidrs...), env.Network.PrivateSubnetCidrs...)
			if !sameSet(cidrs, want) {
				t.Errorf("subnet CIDRs %v, want %v", cidrs, want)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		seen[x]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}
