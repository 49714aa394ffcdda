package modules_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/internal/modulestacks"
	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/modules/monitoring"
)

// monitoringVariants are two stacks: home (us-east-1, no e-mails, no budget)
// and away (eu-west-1 with a us-east-1 provider, e-mails, a budget).
type monitoringVariants struct {
	home, away *testutil.Synthesized
	homeAlarms []string // the alarm names New returned for home
}

var monitoringStacks = synthOnce(func() (v monitoringVariants) {
	stack := testutil.NewStack()
	v.homeAlarms = monitoring.New(stack, "monitoring", modulestacks.MonitoringProps("us-east-1")).AlarmNames
	v.home = testutil.Synth(stack)

	v.away = modulestacks.MonitoringInEU()
	return v
})

// TestMonitoringTopicEncryptedWithOwnKey: the topic uses the module's customer key,
// never the AWS managed alias/aws/sns, which CloudWatch cannot use.
func TestMonitoringTopicEncryptedWithOwnKey(t *testing.T) {
	v := monitoringStacks()
	home, away := v.home, v.away
	for name, s := range map[string]*testutil.Synthesized{"home": home, "away": away} {
		t.Run(name, func(t *testing.T) {
			key := s.Ref("aws_kms_key", "monitoring_topic_key", "arn")
			testutil.AssertResource(t, s, "aws_sns_topic", map[string]any{"name": "proj-env-alerts", "kms_master_key_id": key})
			testutil.RefuteResource(t, s, "aws_sns_topic", map[string]any{"kms_master_key_id": "alias/aws/sns"})
			testutil.AssertResource(t, s, "aws_kms_key", map[string]any{"enable_key_rotation": true})
			testutil.AssertResource(t, s, "aws_kms_alias", map[string]any{"name": "alias/proj-env-alerts", "target_key_id": s.Ref("aws_kms_key", "monitoring_topic_key", "key_id")})
		})
	}
	testutil.AssertResource(t, home, "aws_kms_key", map[string]any{"deletion_window_in_days": 30})
	testutil.AssertResource(t, away, "aws_kms_key", map[string]any{"deletion_window_in_days": 7})
}

// statementsOf returns the statements of the policy document a resource's
// attribute refers to ("${data.aws_iam_policy_document.<name>.json}").
func statementsOf(t *testing.T, s *testutil.Synthesized, ref any) []policyStatement {
	t.Helper()
	name := strings.TrimSuffix(strings.TrimPrefix(fmt.Sprint(ref), "${data.aws_iam_policy_document."), ".json}")
	doc, ok := s.DataSources("aws_iam_policy_document")[name]
	if !ok {
		t.Fatalf("%v is not a policy document of the stack", ref)
	}
	data, _ := json.Marshal(doc["statement"])
	var out []policyStatement
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// grant finds the statement of principal (e.g. "cloudwatch.amazonaws.com").
func grant(list []policyStatement, principal string) *policyStatement {
	for i, st := range list {
		for _, p := range st.Principals {
			if slices.Contains(p.Identifiers, principal) {
				return &list[i]
			}
		}
	}
	return nil
}

// conditionOn returns the values the statement's condition on variable allows.
func conditionOn(st *policyStatement, variable string) []string {
	for _, c := range st.Condition {
		if c.Variable == variable {
			return c.Values
		}
	}
	return nil
}

// TestMonitoringKeyPolicyLetsAlarmsPublish: without kms:GenerateDataKey and
// kms:Decrypt for cloudwatch.amazonaws.com on the key, alarms to an
// encrypted topic are dropped. The grant is scoped to this account's alarms
// of this environment.
func TestMonitoringKeyPolicyLetsAlarmsPublish(t *testing.T) {
	v := monitoringStacks()
	home, away := v.home, v.away
	for name, s := range map[string]*testutil.Synthesized{"home": home, "away": away} {
		t.Run(name, func(t *testing.T) {
			for policyName, policy := range s.Resources("aws_kms_key_policy") {
				list := statementsOf(t, s, policy["policy"])
				cw := grant(list, "cloudwatch.amazonaws.com")
				if cw == nil {
					t.Fatalf("%s: no statement for cloudwatch.amazonaws.com: %+v", policyName, list)
				}
				if !slices.Equal(cw.Actions, []string{"kms:Decrypt", "kms:GenerateDataKey"}) {
					t.Errorf("%s: cloudwatch may %v, want kms:Decrypt and kms:GenerateDataKey", policyName, cw.Actions)
				}
				if arns := fmt.Sprint(conditionOn(cw, "aws:SourceArn")); !strings.Contains(arns, ":alarm:proj-env-*") {
					t.Errorf("%s: cloudwatch's grant is limited to %s, want the alarms proj-env-*", policyName, arns)
				}
				if len(conditionOn(cw, "aws:SourceAccount")) != 1 {
					t.Errorf("%s: cloudwatch's grant names no account", policyName)
				}
				root := grant(list, "arn:aws:iam::"+fmt.Sprint(conditionOn(cw, "aws:SourceAccount")[0])+":root")
				if root == nil || !slices.Equal(root.Actions, []string{"kms:*"}) {
					t.Errorf("%s: the account root does not administer the key (a key nobody can manage): %+v", policyName, list)
				}
			}
		})
	}
	if n := away.Count("aws_kms_key_policy"); n != 2 {
		t.Errorf("away: %d key policies, want 2 (eu-west-1 and us-east-1)", n)
	}
}

// TestMonitoringTopicPolicy: CloudWatch alarms of this environment may publish; Budgets
// only where a budget exists.
func TestMonitoringTopicPolicy(t *testing.T) {
	v := monitoringStacks()
	home, away := v.home, v.away
	for name, tt := range map[string]struct {
		s      *testutil.Synthesized
		budget bool
	}{"home": {home, false}, "away": {away, true}} {
		t.Run(name, func(t *testing.T) {
			regional := tt.s.Resource(t, "aws_sns_topic_policy", resourceName(t, tt.s, "aws_sns_topic_policy", "monitoring_topic_policy"))
			list := statementsOf(t, tt.s, regional["policy"])
			cw := grant(list, "cloudwatch.amazonaws.com")
			if cw == nil || !slices.Equal(cw.Actions, []string{"sns:Publish"}) || !strings.Contains(fmt.Sprint(conditionOn(cw, "aws:SourceArn")), ":alarm:proj-env-*") {
				t.Errorf("no sns:Publish for this environment's alarms: %+v", list)
			}
			if got := grant(list, "budgets.amazonaws.com") != nil; got != tt.budget {
				t.Errorf("budgets may publish: %v, want %v", got, tt.budget)
			}
		})
	}
}

// alarmTopic returns the topic ARN the alarm named suffix notifies, failing
// unless its alarm and OK actions are that one topic.
func alarmTopic(t *testing.T, s *testutil.Synthesized, suffix string) (map[string]any, string) {
	t.Helper()
	for _, a := range s.Resources("aws_cloudwatch_metric_alarm") {
		if a["alarm_name"] != "proj-env-"+suffix {
			continue
		}
		actions, ok := testutil.Strings(a["alarm_actions"]), testutil.Strings(a["ok_actions"])
		if len(actions) != 1 || !slices.Equal(actions, ok) {
			t.Fatalf("%s: alarm_actions %v, ok_actions %v; want one topic in both", suffix, actions, ok)
		}
		return a, actions[0]
	}
	t.Fatalf("no alarm proj-env-%s", suffix)
	return nil, ""
}

// TestMonitoringAlarms: every alarm the issue asks for exists, watches the right
// metric, and notifies the topic of its region; CloudFront's lives in
// us-east-1.
func TestMonitoringAlarms(t *testing.T) {
	v := monitoringStacks()
	home, away := v.home, v.away
	want := map[string]map[string]any{
		monitoring.AlarmNoHealthyTarget: {"namespace": "AWS/ApplicationELB", "metric_name": "HealthyHostCount", "comparison_operator": "LessThanThreshold", "threshold": 1, "treat_missing_data": "breaching",
			"dimensions": map[string]any{"LoadBalancer": "app/proj-env-alb/0123", "TargetGroup": "targetgroup/proj-env-tg/4567"}},
		monitoring.AlarmALB5xx:           {"metric_name": "HTTPCode_ELB_5XX_Count", "statistic": "Sum", "threshold": 10, "dimensions": map[string]any{"LoadBalancer": "app/proj-env-alb/0123"}},
		monitoring.AlarmBridge5xx:        {"metric_name": "HTTPCode_Target_5XX_Count", "statistic": "Sum", "threshold": 10},
		monitoring.AlarmTasksBelowDesire: {"comparison_operator": "GreaterThanThreshold", "threshold": 0, "evaluation_periods": 5},
		monitoring.AlarmCPUHigh:          {"namespace": "AWS/ECS", "metric_name": "CPUUtilization", "threshold": 80, "dimensions": map[string]any{"ClusterName": "proj-env-cluster", "ServiceName": "proj-env-bridge"}},
		monitoring.AlarmMemoryHigh:       {"namespace": "AWS/ECS", "metric_name": "MemoryUtilization", "threshold": 80},
		monitoring.AlarmCloudFront5xx:    {"namespace": "AWS/CloudFront", "metric_name": "5xxErrorRate", "threshold": 5, "dimensions": map[string]any{"DistributionId": "EDIST", "Region": "Global"}},
	}
	for name, s := range map[string]*testutil.Synthesized{"home": home, "away": away} {
		t.Run(name, func(t *testing.T) {
			if n := s.Count("aws_cloudwatch_metric_alarm"); n != len(want) {
				t.Errorf("%d alarms, want %d", n, len(want))
			}
			regional := s.Ref("aws_sns_topic", "monitoring_topic", "arn")
			global := regional
			if s == away {
				global = s.Ref("aws_sns_topic", "monitoring_global_topic", "arn")
			}
			for suffix, props := range want {
				props["alarm_name"] = "proj-env-" + suffix
				testutil.AssertResource(t, s, "aws_cloudwatch_metric_alarm", props)
				a, topic := alarmTopic(t, s, suffix)
				wantTopic, wantProvider := regional, any(nil)
				if suffix == monitoring.AlarmCloudFront5xx && s == away {
					wantTopic, wantProvider = global, "aws.us_east_1"
				}
				if topic != wantTopic || a["provider"] != wantProvider {
					t.Errorf("%s: notifies %s with provider %v, want %s with %v", suffix, topic, a["provider"], wantTopic, wantProvider)
				}
				if suffix == monitoring.AlarmTasksBelowDesire {
					if q := fmt.Sprint(a["metric_query"]); !strings.Contains(q, "expression:desired - running") || !strings.Contains(q, "metric_name:RunningTaskCount") || !strings.Contains(q, "metric_name:DesiredTaskCount") {
						t.Errorf("%s: metric_query %s, want desired - running from Container Insights", suffix, q)
					}
				}
				if !strings.Contains(fmt.Sprint(a["alarm_description"]), "README") {
					t.Errorf("%s: the description does not point to what to do", suffix)
				}
			}
		})
	}
}

// TestMonitoringAlarmsCatchesWrongTopic is the failing twin of alarmTopic's check in
// TestMonitoringAlarms: an alarm that notifies the regional topic although it should
// notify the global one differs from what the test wants.
func TestMonitoringAlarmsCatchesWrongTopic(t *testing.T) {
	away := monitoringStacks().away
	_, topic := alarmTopic(t, away, monitoring.AlarmCloudFront5xx)
	if topic == away.Ref("aws_sns_topic", "monitoring_topic", "arn") {
		t.Fatal("the CloudFront alarm of eu-west-1 notifies the eu-west-1 topic, which an alarm in us-east-1 cannot")
	}
	_, topic = alarmTopic(t, away, monitoring.AlarmCPUHigh)
	if topic == away.Ref("aws_sns_topic", "monitoring_global_topic", "arn") {
		t.Fatal("a regional alarm notifies the us-east-1 topic")
	}
}

// TestMonitoringEmailSubscriptions: one subscription per distinct address and topic,
// keyed by the address; none without addresses.
func TestMonitoringEmailSubscriptions(t *testing.T) {
	v := monitoringStacks()
	home, away := v.home, v.away
	if n := home.Count("aws_sns_topic_subscription"); n != 0 {
		t.Errorf("home: %d subscriptions, want 0", n)
	}
	subs := away.Resources("aws_sns_topic_subscription")
	if len(subs) != 4 {
		t.Errorf("away: %d subscriptions, want 4 (two addresses, two topics)", len(subs))
	}
	for _, topic := range []string{"monitoring_topic", "monitoring_global_topic"} {
		for _, e := range []string{"oncall@example.com", "Lead@example.com"} {
			testutil.AssertResource(t, away, "aws_sns_topic_subscription", map[string]any{
				"protocol": "email", "endpoint": e, "topic_arn": away.Ref("aws_sns_topic", topic, "arn"),
			})
		}
	}
}

// TestMonitoringBudget: only when asked for, notifying the regional topic.
func TestMonitoringBudget(t *testing.T) {
	v := monitoringStacks()
	home, away := v.home, v.away
	if n := home.Count("aws_budgets_budget"); n != 0 {
		t.Errorf("home: %d budgets, want 0", n)
	}
	testutil.AssertResource(t, away, "aws_budgets_budget", map[string]any{
		"name": "proj-env-monthly", "budget_type": "COST", "limit_amount": "300", "limit_unit": "USD", "time_unit": "MONTHLY",
		"notification": []any{
			map[string]any{"notification_type": "ACTUAL", "threshold": 80, "subscriber_sns_topic_arns": []any{away.Ref("aws_sns_topic", "monitoring_topic", "arn")}},
			map[string]any{"notification_type": "FORECASTED", "threshold": 100},
		},
	})
}

// TestMonitoringDashboard: one graph per alarm signal; the CloudFront graph reads
// us-east-1; the alarm widget shows the regional alarms.
func TestMonitoringDashboard(t *testing.T) {
	away := monitoringStacks().away
	d := away.Resource(t, "aws_cloudwatch_dashboard", resourceName(t, away, "aws_cloudwatch_dashboard", "monitoring_dashboard"))
	if d["dashboard_name"] != "proj-env-bridge" {
		t.Errorf("dashboard_name = %v", d["dashboard_name"])
	}
	var body struct {
		Widgets []struct {
			Type       string
			Properties struct {
				Title   string
				Region  string
				Metrics [][]string
				Alarms  []string
			}
		}
	}
	testutil.DecodeJSONEncode(t, d["dashboard_body"], &body)
	graphs := map[string]string{}
	for _, w := range body.Widgets {
		switch w.Type {
		case "metric":
			for _, m := range w.Properties.Metrics {
				graphs[m[1]] = w.Properties.Region
			}
		case "alarm":
			if len(w.Properties.Alarms) != 6 {
				t.Errorf("alarm widget shows %d alarms, want the 6 in eu-west-1", len(w.Properties.Alarms))
			}
		}
	}
	for metric, region := range map[string]string{
		"HealthyHostCount": "eu-west-1", "HTTPCode_ELB_5XX_Count": "eu-west-1", "HTTPCode_Target_5XX_Count": "eu-west-1",
		"RunningTaskCount": "eu-west-1", "DesiredTaskCount": "eu-west-1", "CPUUtilization": "eu-west-1",
		"MemoryUtilization": "eu-west-1", "5xxErrorRate": "us-east-1",
	} {
		if graphs[metric] != region {
			t.Errorf("dashboard graphs %s in %q, want %s", metric, graphs[metric], region)
		}
	}
}

// TestMonitoringMisuse: the module refuses props the environments loader would never
// produce, naming each problem.
func TestMonitoringMisuse(t *testing.T) {
	for name, tt := range map[string]struct {
		mutate func(*monitoring.Props)
		want   []string
	}{
		"missing":         {func(p *monitoring.Props) { *p = monitoring.Props{Region: "us-east-1"} }, []string{"NamePrefix is required", "DistributionID is required", "ClusterName is required"}},
		"no global":       {func(p *monitoring.Props) { p.Region = "eu-west-1" }, []string{"GlobalProvider must be set"}},
		"bad email":       {func(p *monitoring.Props) { p.Emails = []string{"nobody"} }, []string{`"nobody" is not an e-mail address`}},
		"bad window":      {func(p *monitoring.Props) { p.KeyDeletionWindowDays = 3 }, []string{"KeyDeletionWindowDays 3 must be 7 to 30"}},
		"bad percent":     {func(p *monitoring.Props) { p.CPUPercent = 120 }, []string{"CPUPercent 120 must be 1 to 100"}},
		"negative budget": {func(p *monitoring.Props) { p.MonthlyBudgetUsd = -1 }, []string{"MonthlyBudgetUsd -1"}},
	} {
		t.Run(name, func(t *testing.T) {
			p := modulestacks.MonitoringProps("us-east-1")
			tt.mutate(&p)
			msg := func() (msg string) {
				defer func() { msg = fmt.Sprint(recover()) }()
				monitoring.New(testutil.NewStack(), "monitoring", p)
				return ""
			}()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("panic %q does not say %q", msg, w)
				}
			}
		})
	}
}

// TestMonitoringReadmeExplainsEveryAlarm: the README's alarm table has one row per
// alarm, named by its suffix, so what to do when one fires is written down.
func TestMonitoringReadmeExplainsEveryAlarm(t *testing.T) {
	homeAlarms := monitoringStacks().homeAlarms
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "<!-- alarms:begin -->")
	section, _, found := strings.Cut(section, "<!-- alarms:end -->")
	if !found {
		t.Fatal("README.md has no alarms section markers")
	}
	rows := 0
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(line, "| `") {
			rows++
		}
	}
	if len(homeAlarms) != 7 || rows != len(homeAlarms) {
		t.Errorf("README lists %d alarms, the module makes %d (%v)", rows, len(homeAlarms), homeAlarms)
	}
	for _, name := range homeAlarms {
		if suffix := strings.TrimPrefix(name, "proj-env-"); !strings.Contains(section, "| `"+suffix+"` |") {
			t.Errorf("README's alarm table has no row for %s", suffix)
		}
	}
}
