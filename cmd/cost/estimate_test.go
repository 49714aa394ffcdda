package main

import (
	"math"
	"sort"
	"strings"
	"testing"
)

// The expectations below are written out by hand from the list prices
// (quoted as literals, not read from prices.go), so a wrong formula or a
// changed price fails here.

// testAssumptions are fixed here, not taken from DefaultAssumptions, so a
// change of a default does not move these expectations.
func testAssumptions() Assumptions {
	return Assumptions{
		Hours: 730, NATGB: 100, ALBLCU: 1, LogGB: 5, FlowLogGB: 10, InsightsMetrics: 40,
		Requests: 1_000_000, CDNGB: 50, ECRGB: 5, S3GB: 1, SecretCalls: 10_000, SpotDiscount: 0.70,
	}
}

// span is an expected min and max of a line.
type span struct{ Min, Max float64 }

func same(usd float64) span { return span{usd, usd} }

const cent = 1e-9 // tolerance: the sums differ only by float rounding

func near(a, b float64) bool { return math.Abs(a-b) < cent }

// checkLines asserts that rep has exactly the components of want, at want's
// amounts.
func checkLines(t *testing.T, rep Report, want map[string]span) {
	t.Helper()
	got := map[string]span{}
	for _, l := range rep.Lines {
		got[l.Component] = span{l.Min, l.Max}
	}
	for c, w := range want {
		g, ok := got[c]
		switch {
		case !ok:
			t.Errorf("%s: no line; want min %.6f max %.6f", c, w.Min, w.Max)
		case !near(g.Min, w.Min) || !near(g.Max, w.Max):
			t.Errorf("%s: got min %.6f max %.6f; want min %.6f max %.6f", c, g.Min, g.Max, w.Min, w.Max)
		}
	}
	var extra []string
	for c := range got {
		if _, ok := want[c]; !ok {
			extra = append(extra, c)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("unexpected lines: %s", strings.Join(extra, ", "))
	}
}

func TestEstimateSmallStack(t *testing.T) {
	inv, err := ReadStack("testdata/small.tf.json")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Estimate(*inv, testAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	// One NAT gateway with its EIP, one internet-facing ALB in 2 subnets, one
	// task of 256 CPU units (0.25 vCPU) and 512 MiB (0.5 GB), x86, on-demand.
	want := map[string]span{
		"NAT gateway hours":     same(1 * 730 * 0.045),       // 32.85
		"NAT data processed":    same(100 * 0.045),           // 4.50
		"Public IPv4 addresses": same((1 + 2) * 730 * 0.005), // EIP + one per ALB subnet: 10.95
		"ALB hours":             same(730 * 0.0225),          // 16.425
		"ALB LCUs":              same(1 * 730 * 0.008),       // 5.84
		"Fargate vCPU":          same(1 * 0.25 * 730 * 0.04048),
		"Fargate memory":        same(1 * 0.5 * 730 * 0.004445),
		// No ephemeral_storage: the free 20 GB, no line.
		"CloudWatch Logs ingestion": same(5 * 0.50),
		"CloudWatch Logs storage":   same(5 * (30.0 * 12 / 365) * 0.03), // 30 days ≈ 0.986 months kept
		"Secrets Manager":           same(1*0.40 + 10_000.0/10_000*0.05),
		"ECR storage":               same(1 * 5 * 0.10),
		"S3 storage":                same(1 * 1 * 0.023),
		"CloudFront data out":       same(0), // 50 GB < 1 TB free
		"CloudFront requests":       same(0), // 1M < 10M free
		"Route 53 records":          same(0),
		"ACM certificates":          same(0),
	}
	checkLines(t, rep, want)
	total := 32.85 + 4.50 + 10.95 + 16.425 + 5.84 + 7.38760 + 1.622425 + 2.50 + 0.147945205479452 + 0.45 + 0.50 + 0.023
	if math.Abs(rep.Min-total) > 1e-6 || math.Abs(rep.Max-total) > 1e-6 {
		t.Errorf("total: got %.6f–%.6f; want %.6f", rep.Min, rep.Max, total)
	}
}

// fargateOnly is an inventory of one service and nothing else.
func fargateOnly(s Service) Inventory {
	return Inventory{Region: "us-east-1", Services: []Service{s}}
}

func quarterTask() Service {
	return Service{Name: "bridge", MinTasks: 1, MaxTasks: 1, CPU: 256, MemoryMiB: 512, Arch: "X86_64", EphemeralGiB: 20}
}

func TestEstimateSpot(t *testing.T) {
	s := quarterTask()
	s.Strategy = []CapacityProvider{{Name: "FARGATE_SPOT", Weight: 1}}
	rep, err := Estimate(fargateOnly(s), testAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, rep, map[string]span{
		"Fargate vCPU":   same(0.25 * 730 * 0.04048 * (1 - 0.70)), // 2.21628
		"Fargate memory": same(0.5 * 730 * 0.004445 * (1 - 0.70)), // 0.4867275
	})
}

func TestEstimateARM64(t *testing.T) {
	s := quarterTask()
	s.Arch = "ARM64"
	rep, err := Estimate(fargateOnly(s), testAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, rep, map[string]span{
		"Fargate vCPU":   same(0.25 * 730 * 0.03238), // 5.90935
		"Fargate memory": same(0.5 * 730 * 0.00356),  // 1.2994
	})
	if len(rep.Notes) != 0 {
		t.Errorf("notes: got %q; want none for ARM64 on-demand", rep.Notes)
	}
}

func TestEstimateARM64OnSpotIsNoted(t *testing.T) {
	s := quarterTask()
	s.Arch = "ARM64"
	s.Strategy = []CapacityProvider{{Name: "FARGATE_SPOT", Weight: 1}}
	rep, err := Estimate(fargateOnly(s), testAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, rep, map[string]span{
		"Fargate vCPU":   same(0.25 * 730 * 0.03238 * 0.30),
		"Fargate memory": same(0.5 * 730 * 0.00356 * 0.30),
	})
	if len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "ARM64 tasks on FARGATE_SPOT") {
		t.Errorf("notes: got %q; want one about ARM64 on Fargate Spot", rep.Notes)
	}
}

func TestEstimateAutoscaling(t *testing.T) {
	s := Service{Name: "bridge", MinTasks: 2, MaxTasks: 6, CPU: 2048, MemoryMiB: 4096, Arch: "X86_64", EphemeralGiB: 50, PublicIP: true}
	inv := fargateOnly(s)
	inv.ElasticIPs = 1
	rep, err := Estimate(inv, testAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, rep, map[string]span{
		"Fargate vCPU":              {2 * 2 * 730 * 0.04048, 6 * 2 * 730 * 0.04048},                   // 118.2016–354.6048
		"Fargate memory":            {2 * 4 * 730 * 0.004445, 6 * 4 * 730 * 0.004445},                 // 25.9588–77.8764
		"Fargate ephemeral storage": {2 * (50 - 20) * 730 * 0.000111, 6 * (50 - 20) * 730 * 0.000111}, // 4.8618–14.5854
		// The EIP plus one public IPv4 per task (assign_public_ip).
		"Public IPv4 addresses": {(1 + 2) * 730 * 0.005, (1 + 6) * 730 * 0.005},
	})
	if rep.Min >= rep.Max {
		t.Errorf("total: got min %.2f max %.2f; want min < max under autoscaling", rep.Min, rep.Max)
	}
}

func TestEstimateMixedCapacityStrategy(t *testing.T) {
	// base 1 on FARGATE, then 1:3 FARGATE:FARGATE_SPOT. Of 5 tasks: 1 base,
	// then 4 split 1 on-demand + 3 Spot: 2 on-demand, 3 Spot.
	s := Service{Name: "bridge", MinTasks: 5, MaxTasks: 5, CPU: 1024, MemoryMiB: 2048, Arch: "X86_64", EphemeralGiB: 20,
		Strategy: []CapacityProvider{{Name: "FARGATE", Base: 1, Weight: 1}, {Name: "FARGATE_SPOT", Weight: 3}}}
	rep, err := Estimate(fargateOnly(s), testAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, rep, map[string]span{
		"Fargate vCPU":   same((2 + 3*0.30) * 1 * 730 * 0.04048),
		"Fargate memory": same((2 + 3*0.30) * 2 * 730 * 0.004445),
	})
}

func TestEstimateProdFixture(t *testing.T) {
	inv, err := ReadStack("testdata/prod.tf.json")
	if err != nil {
		t.Fatal(err)
	}
	a := testAssumptions()
	a.CDNGB, a.Requests = 2024, 20_000_000 // past CloudFront's free tier
	rep, err := Estimate(*inv, a)
	if err != nil {
		t.Fatal(err)
	}
	got := byComponent(rep.Lines)
	want := map[string]span{
		"NAT gateway hours":     same(2 * 730 * 0.045),
		"Public IPv4 addresses": same((2 + 2) * 730 * 0.005),
		"VPC flow logs storage": same(10 * (90.0 * 12 / 365) * 0.03),
		"Container Insights":    same(1 * 40 * 0.30),
		"CloudWatch alarms":     same(2 * 2 * 0.10), // two target-tracking policies, two alarms each
		"S3 storage":            same(2 * 1 * 0.023),
		"CloudFront data out":   same((2024 - 1024) * 0.085),
		"CloudFront requests":   same((20_000_000 - 10_000_000) / 10_000 * 0.0100),
		"WAF web ACL":           same(5.00),
		"WAF rules":             same(4 * 1.00), // rate limit + 3 AWS managed rule groups
		"WAF requests":          same(20 * 0.60),
		"Fargate vCPU":          {2 * 2 * 730 * 0.04048, 6 * 2 * 730 * 0.04048},
	}
	for c, w := range want {
		g, ok := got[c]
		if !ok || !near(g.Min, w.Min) || !near(g.Max, w.Max) {
			t.Errorf("%s: got %+v (present %v); want %+v", c, g, ok, w)
		}
	}
}

func TestEstimateUnknownRegion(t *testing.T) {
	_, err := Estimate(Inventory{Region: "eu-west-1"}, testAssumptions())
	if err == nil {
		t.Fatal("got no error for eu-west-1; want one saying only us-east-1 is priced")
	}
	for _, s := range []string{`"eu-west-1"`, "only us-east-1"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}
}

func TestEstimateKnownRegion(t *testing.T) { // the twin: us-east-1 passes
	if _, err := Estimate(Inventory{Region: "us-east-1"}, testAssumptions()); err != nil {
		t.Errorf("us-east-1: %v", err)
	}
}

func TestAssumptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Assumptions)
		want string // "" for valid
	}{
		{"defaults", func(*Assumptions) {}, ""},
		{"negative", func(a *Assumptions) { a.NATGB = -1 }, "-nat-gb is -1; want a number >= 0"},
		{"too many hours", func(a *Assumptions) { a.Hours = 800 }, "-hours is 800; a month has at most 744 hours"},
		{"spot discount of 100%", func(a *Assumptions) { a.SpotDiscount = 1 }, "-spot-discount is 1; want a fraction below 1"},
		{"not a number", func(a *Assumptions) { a.LogGB = math.NaN() }, "-log-gb is NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := DefaultAssumptions()
			tt.edit(&a)
			err := a.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("got %v; want no error", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got %v; want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name             string
		n                float64
		strategy         []CapacityProvider
		onDemand, onSpot float64
	}{
		{"launch type", 3, nil, 3, 0},
		{"all spot", 3, []CapacityProvider{{Name: "FARGATE_SPOT", Weight: 1}}, 0, 3},
		{"base larger than n", 1, []CapacityProvider{{Name: "FARGATE", Base: 2, Weight: 1}, {Name: "FARGATE_SPOT", Weight: 1}}, 1, 0},
		{"even weights", 4, []CapacityProvider{{Name: "FARGATE", Weight: 1}, {Name: "FARGATE_SPOT", Weight: 1}}, 2, 2},
		{"zero weights", 2, []CapacityProvider{{Name: "FARGATE_SPOT"}}, 0, 2},
	}
	for _, tt := range tests {
		od, spot := split(tt.n, tt.strategy)
		if od != tt.onDemand || spot != tt.onSpot {
			t.Errorf("%s: got %v on-demand, %v Spot; want %v, %v", tt.name, od, spot, tt.onDemand, tt.onSpot)
		}
	}
}
