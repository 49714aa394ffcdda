package main

import (
	"math"
	"slices"
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
	s, err := readStack(t, "testdata/small.tf.json")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Estimate(s, testAssumptions())
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
	}
	checkLines(t, rep, want)
	total := 32.85 + 4.50 + 10.95 + 16.425 + 5.84 + 7.38760 + 1.622425 + 2.50 + 0.147945205479452 + 0.45 + 0.50 + 0.023
	if math.Abs(rep.Min-total) > 1e-6 || math.Abs(rep.Max-total) > 1e-6 {
		t.Errorf("total: got %.6f–%.6f; want %.6f", rep.Min, rep.Max, total)
	}
}

// estimateJSON estimates a stack in us-east-1 made of the given "resource"
// members under the test assumptions.
func estimateJSON(t *testing.T, resources string) Report {
	t.Helper()
	s, err := parseStack([]byte(stackJSON(usEast1, resources)))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Estimate(s, testAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// serviceJSON is one aws_ecs_service of a 256-CPU-unit, 512 MiB task definition,
// with extra service attributes and task definition attributes.
func serviceJSON(serviceAttrs, taskAttrs string) string {
	return `"aws_ecs_task_definition": {"td": {"cpu": "256", "memory": "512"` + taskAttrs + `}},
		"aws_ecs_service": {"bridge": {"task_definition": "${aws_ecs_task_definition.td.arn}", "desired_count": 1` + serviceAttrs + `}}`
}

func TestEstimateSpot(t *testing.T) {
	rep := estimateJSON(t, serviceJSON(`, "capacity_provider_strategy": [{"capacity_provider": "FARGATE_SPOT", "weight": 1}]`, ""))
	checkLines(t, rep, map[string]span{
		"Fargate vCPU":   same(0.25 * 730 * 0.04048 * (1 - 0.70)), // 2.21628
		"Fargate memory": same(0.5 * 730 * 0.004445 * (1 - 0.70)), // 0.4867275
	})
	if d := rep.Lines[0].Detail; !strings.HasSuffix(d, " (100% on Spot at 70% off)") {
		t.Errorf("detail %q does not say the tasks run on Spot", d)
	}
}

func TestEstimateOnDemandStrategy(t *testing.T) { // the twin: a FARGATE strategy is not discounted
	rep := estimateJSON(t, serviceJSON(`, "capacity_provider_strategy": [{"capacity_provider": "FARGATE", "weight": 1}]`, ""))
	checkLines(t, rep, map[string]span{
		"Fargate vCPU":   same(0.25 * 730 * 0.04048),
		"Fargate memory": same(0.5 * 730 * 0.004445),
	})
}

func TestEstimateARM64(t *testing.T) {
	rep := estimateJSON(t, serviceJSON("", `, "runtime_platform": {"cpu_architecture": "ARM64", "operating_system_family": "LINUX"}`))
	checkLines(t, rep, map[string]span{
		"Fargate vCPU":   same(0.25 * 730 * 0.03238), // 5.90935
		"Fargate memory": same(0.5 * 730 * 0.00356),  // 1.2994
	})
}

func TestEstimateAutoscaling(t *testing.T) {
	rep := estimateJSON(t, `"aws_eip": {"nat": {}},
		"aws_ecs_task_definition": {"td": {"cpu": "2048", "memory": "4096", "ephemeral_storage": {"size_in_gib": 50}}},
		"aws_ecs_service": {"bridge": {"task_definition": "${aws_ecs_task_definition.td.arn}", "desired_count": 2,
			"network_configuration": {"assign_public_ip": true}}},
		"aws_appautoscaling_target": {"t": {"min_capacity": 2, "max_capacity": 6,
			"resource_id": "service/${aws_ecs_cluster.c.name}/${aws_ecs_service.bridge.name}"}}`)
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

func TestEstimateScalingTargetOfAnotherService(t *testing.T) { // the twin: the target is matched by address
	rep := estimateJSON(t, serviceJSON("", "")+`, "aws_appautoscaling_target": {"t": {"min_capacity": 2, "max_capacity": 6,
		"resource_id": "service/${aws_ecs_cluster.c.name}/${aws_ecs_service.bridge_two.name}"}}`)
	checkLines(t, rep, map[string]span{
		"Fargate vCPU":   same(1 * 0.25 * 730 * 0.04048),
		"Fargate memory": same(1 * 0.5 * 730 * 0.004445),
	})
}

func TestEstimateMixedCapacityStrategy(t *testing.T) {
	// 1:3 FARGATE:FARGATE_SPOT by weight: of 4 tasks, 1 on-demand and 3 on Spot.
	rep := estimateJSON(t, `"aws_ecs_task_definition": {"td": {"cpu": "1024", "memory": "2048"}},
		"aws_ecs_service": {"bridge": {"task_definition": "${aws_ecs_task_definition.td.arn}", "desired_count": 4,
			"capacity_provider_strategy": [{"capacity_provider": "FARGATE", "weight": 1}, {"capacity_provider": "FARGATE_SPOT", "weight": 3}]}}`)
	checkLines(t, rep, map[string]span{
		"Fargate vCPU":   same((1 + 3*0.30) * 1 * 730 * 0.04048),
		"Fargate memory": same((1 + 3*0.30) * 2 * 730 * 0.004445),
	})
	if d := rep.Lines[0].Detail; !strings.HasSuffix(d, " (75% on Spot at 70% off)") {
		t.Errorf("detail %q does not give the Spot share", d)
	}
}

func TestEstimateProdFixture(t *testing.T) {
	s, err := readStack(t, "testdata/prod.tf.json")
	if err != nil {
		t.Fatal(err)
	}
	a := testAssumptions()
	a.CDNGB, a.Requests = 2024, 20_000_000 // past CloudFront's free tier
	rep, err := Estimate(s, a)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Line{}
	for _, l := range rep.Lines {
		got[l.Component] = l
	}
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
	_, err := Estimate(&Stack{Region: "eu-west-1"}, testAssumptions())
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
	if _, err := Estimate(&Stack{Region: "us-east-1"}, testAssumptions()); err != nil {
		t.Errorf("us-east-1: %v", err)
	}
}

func TestAssumptionFlagsInRange(t *testing.T) {
	tests := []struct {
		args []string
		want string // "" for valid
	}{
		{[]string{"-hours", "744", "-spot-discount", "0", "-nat-gb", "1_000"}, ""},
		{[]string{"-nat-gb", "-1"}, `invalid value "-1" for flag -nat-gb: want a number >= 0`},
		{[]string{"-hours", "800"}, `invalid value "800" for flag -hours: a month has at most 744 hours`},
		{[]string{"-spot-discount", "1"}, "-spot-discount: want a fraction below 1"},
		{[]string{"-log-gb", "NaN"}, "-log-gb: want a number >= 0"},
		{[]string{"-cdn-gb", "+Inf"}, "-cdn-gb: want a number >= 0"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, errOut := runCost(append(tt.args, "-stack", "testdata/small.tf.json")...)
			switch {
			case tt.want == "" && code != 0:
				t.Errorf("exit %d, stderr %q; want success", code, errOut)
			case tt.want != "" && (code != 2 || !strings.Contains(errOut, tt.want)):
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, errOut, tt.want)
			}
		})
	}
}

// scheduledJSON is a 2 vCPU / 4 GB service with a public IP on Spot whose scaling target has
// an office-hours schedule: start at 8 and stop at 19 on five days (55 h a week), as dev.
func scheduledJSON(start, stop string) string {
	action := func(name, schedule, capacity string) string {
		return `"` + name + `": {"resource_id": "${aws_appautoscaling_target.t.resource_id}", "schedule": "` + schedule + `",
			"timezone": "America/New_York", "scalable_target_action": {"min_capacity": "` + capacity + `", "max_capacity": "` + capacity + `"}}`
	}
	return `"aws_ecs_task_definition": {"td": {"cpu": "2048", "memory": "4096"}},
		"aws_ecs_service": {"bridge": {"task_definition": "${aws_ecs_task_definition.td.arn}", "desired_count": 1,
			"network_configuration": {"assign_public_ip": true},
			"capacity_provider_strategy": [{"capacity_provider": "FARGATE_SPOT", "weight": 1}]}},
		"aws_appautoscaling_target": {"t": {"min_capacity": 1, "max_capacity": 1,
			"resource_id": "service/${aws_ecs_cluster.c.name}/${aws_ecs_service.bridge.name}"}},
		"aws_appautoscaling_scheduled_action": {` + action("start", start, "1") + `, ` + action("stop", stop, "0") + `}`
}

func TestEstimateOfficeHours(t *testing.T) {
	rep := estimateJSON(t, scheduledJSON("cron(0 8 ? * MON,TUE,WED,THU,FRI *)", "cron(0 19 ? * MON,TUE,WED,THU,FRI *)"))
	running := 55.0 * 730 / 168 // 238.988 of the month's 730 hours
	checkLines(t, rep, map[string]span{
		"Fargate vCPU":          same(2 * running * 0.04048 * (1 - 0.70)),  // 5.80
		"Fargate memory":        same(4 * running * 0.004445 * (1 - 0.70)), // 1.27
		"Public IPv4 addresses": same(1 * running * 0.005),                 // the task's, while it runs
	})
	if d := rep.Lines[1].Detail; !strings.Contains(d, "(office hours, 55 h a week)") {
		t.Errorf("Fargate detail %q does not name the office hours", d)
	}

	// The twin: -always-on prices the same stack for the whole month, and says so.
	a := testAssumptions()
	a.AlwaysOn = true
	s, err := parseStack([]byte(stackJSON(usEast1, scheduledJSON("cron(0 8 ? * MON,TUE,WED,THU,FRI *)", "cron(0 19 ? * MON,TUE,WED,THU,FRI *)"))))
	if err != nil {
		t.Fatal(err)
	}
	allMonth, err := Estimate(s, a)
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, allMonth, map[string]span{
		"Fargate vCPU":          same(2 * 730 * 0.04048 * (1 - 0.70)),
		"Fargate memory":        same(4 * 730 * 0.004445 * (1 - 0.70)),
		"Public IPv4 addresses": same(1 * 730 * 0.005),
	})
	if n := strings.Count(strings.Join(allMonth.Notes, "\n"), "priced running all month (-always-on); its office hours (MON,TUE,WED,THU,FRI 08:00-19:00) are 55 h a week"); n != 1 {
		t.Errorf("notes %q say %d times that the schedule was ignored; want once (the IPv4 and Fargate lines both read the service)", allMonth.Notes, n)
	}
}

func TestEstimateOfficeHoursRefusesWhatItCannotRead(t *testing.T) {
	for name, c := range map[string]struct{ start, stop, want string }{
		"stop before start": {"cron(0 19 ? * MON *)", "cron(0 8 ? * MON *)", "is not priced: only one start and one stop"},
		"other days":        {"cron(0 8 ? * MON *)", "cron(0 19 ? * TUE *)", "is not priced: only one start and one stop"},
		"a day range":       {"cron(0 8 ? * MON-FRI *)", "cron(0 19 ? * MON-FRI *)", "is not priced: only one start and one stop"},
		"minutes":           {"cron(30 8 ? * MON *)", "cron(0 19 ? * MON *)", "is not priced: only one start and one stop"},
	} {
		t.Run(name, func(t *testing.T) {
			s, err := parseStack([]byte(stackJSON(usEast1, scheduledJSON(c.start, c.stop))))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Estimate(s, testAssumptions()); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want %q", err, c.want)
			}
		})
	}
}

// A distribution without price_class serves from every edge (AWS's default):
// the note names PriceClass_All.
func TestEstimateNotesDefaultPriceClass(t *testing.T) {
	s, err := parseStack([]byte(stackJSON(usEast1, `"aws_cloudfront_distribution": {"d": {}}`)))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Estimate(s, testAssumptions())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(rep.Notes, func(n string) bool { return strings.Contains(n, "aws_cloudfront_distribution.d uses PriceClass_All") }) {
		t.Errorf("notes %q do not name PriceClass_All", rep.Notes)
	}
}
