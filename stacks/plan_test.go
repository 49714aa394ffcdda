package stacks_test

import (
	"sync"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/n8n-builder/infra/internal/testutil"
)

// plans holds the plans made so far, each once per test binary, against
// the provider with mock credentials. The terraform plan of each stack as
// synthesized is the one most tests read (and Trivy scans), made alone; the
// OpenTofu and HCL tiers (exit_test.go) plan every environment at once
// (testutil.PlanTogether), one plan per CLI and form.
var (
	plansOnce sync.Map // planKey with env "" for a plan of all -> *sync.Once
	plans     sync.Map // planKey -> *madePlan
)

// planKey names one plan: a CLI ("terraform", "tofu"), the form of the
// stack ("json": cdk.tf.json, "hcl": cdk.tf) and an environment.
type planKey struct{ cli, form, env string }

type madePlan struct {
	plan *tfjson.Plan
	json []byte // `show -json` output, of a plan made alone
}

// plan returns the terraform plan of an environment, making it on first use.
func plan(t *testing.T, name string) *tfjson.Plan {
	return makePlan(t, planKey{"terraform", "json", name}).plan
}

// planJSON returns the plan of an environment as `terraform show -json` wrote it.
func planJSON(t *testing.T, name string) []byte {
	return makePlan(t, planKey{"terraform", "json", name}).json
}

func makePlan(t *testing.T, key planKey) *madePlan {
	t.Helper()
	tf := testutil.NeedCLI(t, key.cli)
	alone := key.cli == "terraform" && key.form == "json"
	onceKey := key
	if !alone {
		onceKey.env = ""
	}
	once, _ := plansOnce.LoadOrStore(onceKey, &sync.Once{})
	once.(*sync.Once).Do(func() {
		if alone {
			p, raw := tf.Plan(t, testutil.PrepareStack(t, stack(t, key.env).json))
			plans.Store(key, &madePlan{p, raw})
			return
		}
		configs := map[string]testutil.Config{}
		for name, s := range synthesized {
			c := testutil.Config{JSON: s.json}
			if key.form == "hcl" {
				c.HCL = s.hcl
			}
			configs[name] = c
		}
		for name, p := range tf.PlanTogether(t, configs) {
			plans.Store(planKey{key.cli, key.form, name}, &madePlan{plan: p})
		}
	})
	p, ok := plans.Load(key)
	if !ok {
		t.Fatalf("%s %s %s: no plan (an earlier test failed to make it)", key.cli, key.form, key.env)
	}
	return p.(*madePlan)
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
