// Package monitoring makes sure a person hears when the bridge is in
// trouble: an encrypted SNS topic with optional e-mail subscriptions,
// CloudWatch alarms on the signals that matter, a dashboard with the same
// signals, and an optional monthly AWS Budgets alert.
//
// # Why a customer-managed key
//
// The topic is encrypted with a KMS key of its own. The AWS managed key
// alias/aws/sns cannot be used: its key policy cannot be changed and does
// not let cloudwatch.amazonaws.com (or budgets.amazonaws.com) use it, so
// alarms would publish to it and every notification would be dropped,
// silently. The key policy here gives the account root the usual
// administration, and lets CloudWatch alarms of this environment (and
// Budgets) encrypt messages for the topic.
//
// # Why a second topic in us-east-1
//
// CloudFront publishes its metrics in us-east-1 only, so its alarm must live
// there, and an alarm can only notify a topic in its own region. Outside
// us-east-1 the module therefore creates the same topic (key, policy,
// subscriptions) a second time in us-east-1, through GlobalProvider.
// Subscribers then confirm two subscriptions.
//
// The account id the policies need comes from the key's and the topic's
// ARNs (iampolicy.AccountOf), so nothing is looked up at plan time.
package monitoring

import (
	"cmp"

	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/budgetsbudget"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchdashboard"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchmetricalarm"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskeypolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopic"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicsubscription"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/n8n-builder/infra/internal/jsonencode"
	"github.com/n8n-builder/infra/modules/iampolicy"
)

// GlobalRegion is where CloudFront publishes its metrics.
const GlobalRegion = "us-east-1"

// EmailPattern is what the module accepts as an e-mail address: one "@",
// no spaces, a dot in the domain. SNS checks the rest when it sends the
// confirmation.
var EmailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

// Props configures Monitoring. The zero value of a field means its
// documented default; fields marked Required panic when left out.
type Props struct {
	// NamePrefix starts every name: "<project>-<env>". Required.
	NamePrefix string
	// Region of the stack: where the topic, the bridge alarms and the
	// dashboard live. Required.
	Region string
	// GlobalProvider is an AWS provider in us-east-1, for the CloudFront
	// alarm and its topic. Required unless Region is us-east-1 (then the
	// default provider is used and must be left nil).
	GlobalProvider cdktf.TerraformProvider

	// Emails subscribe to the topic(s); each gets a confirmation mail and
	// receives nothing until it is confirmed. Default: none (subscribe other
	// endpoints, e.g. a chat integration, to TopicArn yourself).
	Emails []string
	// MonthlyBudgetUsd adds an AWS Budgets alert on the account's monthly
	// cost, notifying the topic at 80 % of actual and 100 % of forecast
	// spend. Default: 0, no budget.
	MonthlyBudgetUsd int
	// KeyDeletionWindowDays the topic's KMS key can still be restored after
	// it is deleted, 7 to 30. Default: 30.
	KeyDeletionWindowDays int

	// LoadBalancerArnSuffix and TargetGroupArnSuffix name the ALB metrics
	// ("app/<name>/<id>", "targetgroup/<name>/<id>"). Required.
	LoadBalancerArnSuffix *string
	TargetGroupArnSuffix  *string
	// ClusterName and ServiceName name the ECS metrics. The running-task
	// alarm reads Container Insights, which must be on for the cluster. Required.
	ClusterName *string
	ServiceName *string
	// DistributionID names the CloudFront metrics. Required.
	DistributionID *string

	// CPUPercent and MemoryPercent: the task's average utilization that,
	// held for 15 minutes, raises an alarm. Default: 80 each.
	CPUPercent, MemoryPercent int
	// Errors5xxPer5Min is the number of 5xx responses in 5 minutes, from the
	// ALB itself or from the bridge, that raises an alarm. Default: 10.
	Errors5xxPer5Min int
	// CloudFront5xxRatePercent is the share of CloudFront responses that are
	// 5xx, in two of three 5-minute periods, that raises an alarm. Default: 5.
	CloudFront5xxRatePercent int
}

// withDefaults fills the documented defaults.
func (p Props) withDefaults() Props {
	p.KeyDeletionWindowDays = cmp.Or(p.KeyDeletionWindowDays, 30)
	p.CPUPercent = cmp.Or(p.CPUPercent, 80)
	p.MemoryPercent = cmp.Or(p.MemoryPercent, 80)
	p.Errors5xxPer5Min = cmp.Or(p.Errors5xxPer5Min, 10)
	p.CloudFront5xxRatePercent = cmp.Or(p.CloudFront5xxRatePercent, 5)
	return p
}

// validate panics on programmer misuse, every problem at once: the
// environments loader reports user errors before this runs.
func (p Props) validate() {
	var errs []error
	for name, isSet := range map[string]bool{
		"NamePrefix": p.NamePrefix != "", "Region": p.Region != "",
		"LoadBalancerArnSuffix": p.LoadBalancerArnSuffix != nil, "TargetGroupArnSuffix": p.TargetGroupArnSuffix != nil,
		"ClusterName": p.ClusterName != nil, "ServiceName": p.ServiceName != nil, "DistributionID": p.DistributionID != nil,
	} {
		if !isSet {
			errs = append(errs, fmt.Errorf("%s is required", name))
		}
	}
	if (p.Region == GlobalRegion) != (p.GlobalProvider == nil) {
		errs = append(errs, fmt.Errorf("GlobalProvider must be set exactly when Region (%q) is not %s", p.Region, GlobalRegion))
	}
	for _, e := range p.Emails {
		if !EmailPattern.MatchString(e) {
			errs = append(errs, fmt.Errorf("Emails: %q is not an e-mail address", e))
		}
	}
	if p.MonthlyBudgetUsd < 0 {
		errs = append(errs, fmt.Errorf("MonthlyBudgetUsd %d must be 0 (none) or more", p.MonthlyBudgetUsd))
	}
	if p.KeyDeletionWindowDays < 7 || p.KeyDeletionWindowDays > 30 {
		errs = append(errs, fmt.Errorf("KeyDeletionWindowDays %d must be 7 to 30", p.KeyDeletionWindowDays))
	}
	for name, v := range map[string]int{"CPUPercent": p.CPUPercent, "MemoryPercent": p.MemoryPercent, "CloudFront5xxRatePercent": p.CloudFront5xxRatePercent} {
		if v < 1 || v > 100 {
			errs = append(errs, fmt.Errorf("%s %d must be 1 to 100", name, v))
		}
	}
	if p.Errors5xxPer5Min < 1 {
		errs = append(errs, fmt.Errorf("Errors5xxPer5Min %d must be at least 1", p.Errors5xxPer5Min))
	}
	if len(errs) > 0 {
		slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
		panic("monitoring: " + errors.Join(errs...).Error())
	}
}

// Monitoring is the alarm topic(s), the alarms, the dashboard and the budget.
type Monitoring struct {
	constructs.Construct
	// TopicArn is the topic in Region every alarm but CloudFront's (and the
	// budget) notifies.
	TopicArn *string
	// GlobalTopicArn is the us-east-1 topic of the CloudFront alarm: TopicArn
	// itself when Region is us-east-1.
	GlobalTopicArn *string
	// DashboardName is "<prefix>-bridge".
	DashboardName *string
	// AlarmNames of every alarm, sorted.
	AlarmNames []string
}

// New defines the monitoring resources under scope.
func New(scope constructs.Construct, id string, props Props) *Monitoring {
	props = props.withDefaults()
	props.validate()
	c := constructs.NewConstruct(scope, jsii.String(id))
	m := &Monitoring{Construct: c, DashboardName: jsii.String(props.NamePrefix + "-bridge")}

	m.TopicArn = defineTopic(c, "", props, props.Region, nil, props.MonthlyBudgetUsd > 0)
	m.GlobalTopicArn = m.TopicArn
	if props.GlobalProvider != nil {
		m.GlobalTopicArn = defineTopic(c, "global_", props, GlobalRegion, props.GlobalProvider, false)
	}

	alarms := defineAlarms(props)
	var regionalArns []*string
	for _, a := range alarms {
		topic, provider := m.TopicArn, cdktf.TerraformProvider(nil)
		if a.global {
			topic, provider = m.GlobalTopicArn, props.GlobalProvider
		}
		resource := cloudwatchmetricalarm.NewCloudwatchMetricAlarm(c, jsii.String(a.id), &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
			Provider:           provider,
			AlarmName:          jsii.String(a.name),
			AlarmDescription:   jsii.String(a.description),
			Namespace:          a.namespace,
			MetricName:         a.metric,
			Dimensions:         a.dimensions,
			Statistic:          a.statistic,
			Period:             a.period,
			MetricQuery:        a.queries,
			ComparisonOperator: jsii.String(a.comparison),
			Threshold:          jsii.Number(a.threshold),
			EvaluationPeriods:  jsii.Number(a.evaluationPeriods),
			DatapointsToAlarm:  jsii.Number(a.datapoints),
			TreatMissingData:   jsii.String(a.missingData),
			// OK notifications tell the person who was paged that it is over.
			AlarmActions: &[]*string{topic},
			OkActions:    &[]*string{topic},
		})
		if !a.global {
			regionalArns = append(regionalArns, resource.Arn())
		}
		m.AlarmNames = append(m.AlarmNames, a.name)
	}
	slices.Sort(m.AlarmNames)

	cloudwatchdashboard.NewCloudwatchDashboard(c, jsii.String("dashboard"), &cloudwatchdashboard.CloudwatchDashboardConfig{
		DashboardName: m.DashboardName,
		DashboardBody: dashboardBody(props, alarms, regionalArns),
	})

	if props.MonthlyBudgetUsd > 0 {
		defineBudget(c, props, m.TopicArn)
	}
	return m
}

// defineTopic creates one encrypted topic with its key, policies and e-mail
// subscriptions in region (through provider; nil is the default one), and
// returns its ARN. idPrefix keeps the construct IDs of a second topic apart.
func defineTopic(c constructs.Construct, idPrefix string, props Props, region string, provider cdktf.TerraformProvider, budget bool) *string {
	cid := func(s string) *string { return jsii.String(idPrefix + s) }
	name := props.NamePrefix + "-alerts"

	key := kmskey.NewKmsKey(c, cid("topic_key"), &kmskey.KmsKeyConfig{
		Provider:             provider,
		Description:          jsii.String("Encrypts the alarm notifications of " + props.NamePrefix),
		EnableKeyRotation:    jsii.Bool(true),
		DeletionWindowInDays: jsii.Number(props.KeyDeletionWindowDays),
	})
	kmsalias.NewKmsAlias(c, cid("topic_key_alias"), &kmsalias.KmsAliasConfig{
		Provider:    provider,
		Name:        jsii.String("alias/" + name),
		TargetKeyId: key.KeyId(),
	})
	account := iampolicy.AccountOf(key.Arn())
	alarmArns := "arn:aws:cloudwatch:" + region + ":" + account + ":alarm:" + props.NamePrefix + "-*"
	keyStatements := []iampolicy.Statement{
		{
			// AWS's default key policy: the account administers the key, and
			// its IAM policies decide who may. Without it nobody could.
			Sid:        "AccountAdministersKey",
			Actions:    []string{"kms:*"},
			Resources:  []string{"*"}, // in a key policy, "*" is this key
			Principals: map[string][]string{"AWS": {"arn:aws:iam::" + account + ":root"}},
		},
		{
			Sid:        "AlarmsEncryptNotifications",
			Actions:    []string{"kms:Decrypt", "kms:GenerateDataKey"},
			Resources:  []string{"*"},
			Principals: map[string][]string{"Service": {"cloudwatch.amazonaws.com"}},
			Conditions: []iampolicy.Condition{
				{Test: "StringEquals", Variable: "aws:SourceAccount", Values: []string{account}},
				{Test: "ArnLike", Variable: "aws:SourceArn", Values: []string{alarmArns}},
			},
		},
	}
	if budget {
		keyStatements = append(keyStatements, iampolicy.Statement{
			// No source conditions: AWS documents none for Budgets' KMS
			// calls, and a condition it does not send would drop every
			// notification silently. The topic policy below is the gate.
			Sid:        "BudgetsEncryptNotifications",
			Actions:    []string{"kms:Decrypt", "kms:GenerateDataKey"},
			Resources:  []string{"*"},
			Principals: map[string][]string{"Service": {"budgets.amazonaws.com"}},
		})
	}
	kmskeypolicy.NewKmsKeyPolicy(c, cid("topic_key_policy"), &kmskeypolicy.KmsKeyPolicyConfig{
		Provider: provider,
		KeyId:    key.KeyId(),
		Policy:   iampolicy.New(c, idPrefix+"topic_key_policy_document", keyStatements...).Json(),
	})

	topic := snstopic.NewSnsTopic(c, cid("topic"), &snstopic.SnsTopicConfig{
		Provider:       provider,
		Name:           jsii.String(name),
		KmsMasterKeyId: key.Arn(),
	})
	topicAccount := iampolicy.AccountOf(topic.Arn())
	topicStatements := []iampolicy.Statement{{
		Sid:        "AlarmsPublish",
		Actions:    []string{"sns:Publish"},
		Resources:  []string{*topic.Arn()},
		Principals: map[string][]string{"Service": {"cloudwatch.amazonaws.com"}},
		Conditions: []iampolicy.Condition{
			{Test: "StringEquals", Variable: "aws:SourceAccount", Values: []string{topicAccount}},
			{Test: "ArnLike", Variable: "aws:SourceArn", Values: []string{"arn:aws:cloudwatch:" + region + ":" + topicAccount + ":alarm:" + props.NamePrefix + "-*"}},
		},
	}}
	if budget {
		topicStatements = append(topicStatements, iampolicy.Statement{
			Sid:        "BudgetsPublish",
			Actions:    []string{"sns:Publish"},
			Resources:  []string{*topic.Arn()},
			Principals: map[string][]string{"Service": {"budgets.amazonaws.com"}},
			Conditions: []iampolicy.Condition{
				{Test: "StringEquals", Variable: "aws:SourceAccount", Values: []string{topicAccount}},
				{Test: "ArnLike", Variable: "aws:SourceArn", Values: []string{"arn:aws:budgets::" + topicAccount + ":*"}},
			},
		})
	}
	snstopicpolicy.NewSnsTopicPolicy(c, cid("topic_policy"), &snstopicpolicy.SnsTopicPolicyConfig{
		Provider: provider,
		Arn:      topic.Arn(),
		Policy:   iampolicy.New(c, idPrefix+"topic_policy_document", topicStatements...).Json(),
	})

	// Keyed by address, so reordering the list replaces nothing.
	emails := slices.Clone(props.Emails)
	slices.Sort(emails)
	for _, e := range slices.Compact(emails) {
		snstopicsubscription.NewSnsTopicSubscription(c, cid("email_"+strings.ToLower(e)), &snstopicsubscription.SnsTopicSubscriptionConfig{
			Provider: provider,
			TopicArn: topic.Arn(),
			Protocol: jsii.String("email"),
			Endpoint: jsii.String(e),
		})
	}
	return topic.Arn()
}

// alarm is one CloudWatch alarm: a single metric, or metric math (queries).
type alarm struct {
	id, name, description, title string
	// global alarms live in us-east-1 (CloudFront's metrics).
	global                      bool
	namespace, metric           *string
	dimensions                  *map[string]*string
	statistic                   *string
	period                      *float64
	queries                     *[]*cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery
	comparison                  string
	threshold                   float64
	evaluationPeriods           int
	datapoints                  int
	missingData                 string
	dashboardMetrics            [][]any
	dashboardStat, dashboardReg string
}

// Alarm suffixes: the alarm names are "<prefix>-<suffix>". The README's
// alarm table names them too (a test keeps both in step).
const (
	AlarmNoHealthyTarget  = "bridge-no-healthy-target"
	AlarmALB5xx           = "alb-5xx"
	AlarmBridge5xx        = "bridge-5xx"
	AlarmTasksBelowDesire = "bridge-tasks-below-desired"
	AlarmCPUHigh          = "bridge-cpu-high"
	AlarmMemoryHigh       = "bridge-memory-high"
	AlarmCloudFront5xx    = "cloudfront-5xx-rate"
)

// defineAlarms returns the alarms, in dashboard order.
func defineAlarms(p Props) []alarm {
	lb, tg := *p.LoadBalancerArnSuffix, *p.TargetGroupArnSuffix
	cluster, service := *p.ClusterName, *p.ServiceName
	dims := func(kv ...string) *map[string]*string {
		m := map[string]*string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = jsii.String(kv[i+1])
		}
		return &m
	}
	single := func(a alarm, namespace, metric, stat string, period int, d *map[string]*string, kv ...string) alarm {
		a.namespace, a.metric, a.statistic, a.period, a.dimensions = jsii.String(namespace), jsii.String(metric), jsii.String(stat), jsii.Number(period), d
		row := []any{namespace, metric}
		for _, x := range kv {
			row = append(row, x)
		}
		a.dashboardMetrics = [][]any{row}
		a.dashboardStat = stat
		return a
	}
	name := func(suffix string) string { return p.NamePrefix + "-" + suffix }

	running := func(id, metric string) *cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery {
		return &cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery{
			Id: jsii.String(id),
			Metric: &cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQueryMetric{
				Namespace: jsii.String("ECS/ContainerInsights"), MetricName: jsii.String(metric),
				Dimensions: dims("ClusterName", cluster, "ServiceName", service),
				Stat:       jsii.String("Average"), Period: jsii.Number(60),
			},
			ReturnData: jsii.Bool(false),
		}
	}
	belowDesired := alarm{
		id: "alarm_tasks_below_desired", name: name(AlarmTasksBelowDesire), title: "Running vs. desired tasks",
		description: "Fewer bridge tasks run than the service wants, for 5 minutes: tasks fail to start or keep stopping. Read the service events and stopped-task reasons (README: Alarms).",
		queries: &[]*cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery{
			running("running", "RunningTaskCount"),
			running("desired", "DesiredTaskCount"),
			{Id: jsii.String("missing"), Expression: jsii.String("desired - running"), Label: jsii.String("Desired minus running tasks"), ReturnData: jsii.Bool(true)},
		},
		comparison: "GreaterThanThreshold", threshold: 0, evaluationPeriods: 5, datapoints: 5, missingData: "notBreaching",
		dashboardMetrics: [][]any{
			{"ECS/ContainerInsights", "RunningTaskCount", "ClusterName", cluster, "ServiceName", service},
			{"ECS/ContainerInsights", "DesiredTaskCount", "ClusterName", cluster, "ServiceName", service},
		},
		dashboardStat: "Average",
	}

	return []alarm{
		single(alarm{
			id: "alarm_no_healthy_target", name: name(AlarmNoHealthyTarget), title: "Healthy bridge targets",
			description: "No bridge task passes the ALB health check (/health) for 3 minutes: the bridge is down for every user. Check the service events, the stopped tasks and the logs (README: Alarms).",
			comparison:  "LessThanThreshold", threshold: 1, evaluationPeriods: 3, datapoints: 3,
			// No data means no target reported at all: as bad as none healthy.
			missingData: "breaching",
		}, "AWS/ApplicationELB", "HealthyHostCount", "Minimum", 60, dims("LoadBalancer", lb, "TargetGroup", tg), "LoadBalancer", lb, "TargetGroup", tg),
		single(alarm{
			id: "alarm_alb_5xx", name: name(AlarmALB5xx), title: "ALB 5xx (load balancer)",
			description: fmt.Sprintf("The ALB itself answered 5xx at least %d times in 5 minutes (502/503/504: no healthy target, the bridge closed or timed out connections). Check target health and the logs (README: Alarms).", p.Errors5xxPer5Min),
			comparison:  "GreaterThanOrEqualToThreshold", threshold: float64(p.Errors5xxPer5Min), evaluationPeriods: 1, datapoints: 1, missingData: "notBreaching",
		}, "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", 300, dims("LoadBalancer", lb), "LoadBalancer", lb),
		single(alarm{
			id: "alarm_bridge_5xx", name: name(AlarmBridge5xx), title: "Bridge 5xx (targets)",
			description: fmt.Sprintf("The bridge answered 5xx at least %d times in 5 minutes: errors in the app (often the Anthropic key or API). Read the container logs (README: Alarms).", p.Errors5xxPer5Min),
			comparison:  "GreaterThanOrEqualToThreshold", threshold: float64(p.Errors5xxPer5Min), evaluationPeriods: 1, datapoints: 1, missingData: "notBreaching",
		}, "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", 300, dims("LoadBalancer", lb, "TargetGroup", tg), "LoadBalancer", lb, "TargetGroup", tg),
		belowDesired,
		single(alarm{
			id: "alarm_cpu_high", name: name(AlarmCPUHigh), title: "Task CPU %",
			description: fmt.Sprintf("The bridge tasks averaged over %d %% CPU for 15 minutes: sessions get slow. Give the task more CPU (bridge.cpu) (README: Alarms).", p.CPUPercent),
			comparison:  "GreaterThanThreshold", threshold: float64(p.CPUPercent), evaluationPeriods: 3, datapoints: 3, missingData: "notBreaching",
		}, "AWS/ECS", "CPUUtilization", "Average", 300, dims("ClusterName", cluster, "ServiceName", service), "ClusterName", cluster, "ServiceName", service),
		single(alarm{
			id: "alarm_memory_high", name: name(AlarmMemoryHigh), title: "Task memory %",
			description: fmt.Sprintf("The bridge tasks averaged over %d %% memory for 15 minutes: a task may soon be killed out of memory, cutting its sessions. Give it more memory (bridge.memory) (README: Alarms).", p.MemoryPercent),
			comparison:  "GreaterThanThreshold", threshold: float64(p.MemoryPercent), evaluationPeriods: 3, datapoints: 3, missingData: "notBreaching",
		}, "AWS/ECS", "MemoryUtilization", "Average", 300, dims("ClusterName", cluster, "ServiceName", service), "ClusterName", cluster, "ServiceName", service),
		func() alarm {
			a := single(alarm{
				id: "alarm_cloudfront_5xx_rate", name: name(AlarmCloudFront5xx), title: "CloudFront 5xx rate %", global: true,
				description: fmt.Sprintf("Over %d %% of CloudFront's responses were 5xx in 2 of 3 five-minute periods: users cannot load the UI or reach the bridge. Check the bridge alarms first, then the origin (README: Alarms).", p.CloudFront5xxRatePercent),
				comparison:  "GreaterThanThreshold", threshold: float64(p.CloudFront5xxRatePercent), evaluationPeriods: 3, datapoints: 2, missingData: "notBreaching",
			}, "AWS/CloudFront", "5xxErrorRate", "Average", 300, dims("DistributionId", *p.DistributionID, "Region", "Global"), "DistributionId", *p.DistributionID, "Region", "Global")
			a.dashboardReg = GlobalRegion
			return a
		}(),
	}
}

// dashboardBody is the dashboard JSON, as Terraform's jsonencode(): the
// alarms' state at the top, then one graph per alarm signal. Tokens (ARN
// suffixes, names) become Terraform references inside the expression.
func dashboardBody(p Props, alarms []alarm, regionalAlarmArns []*string) *string {
	type widget struct {
		Type       string         `json:"type"`
		X          int            `json:"x"`
		Y          int            `json:"y"`
		Width      int            `json:"width"`
		Height     int            `json:"height"`
		Properties map[string]any `json:"properties"`
	}
	widgets := []widget{{
		Type: "text", X: 0, Y: 0, Width: 24, Height: 2,
		Properties: map[string]any{"markdown": "## " + p.NamePrefix + " bridge\nEach graph is the signal of one alarm (topic `" + p.NamePrefix + "-alerts`); what to do when one fires: the README's Alarms section."},
	}, {
		// The CloudFront alarm lives in us-east-1; its graph below shows it.
		Type: "alarm", X: 0, Y: 2, Width: 24, Height: 3,
		Properties: map[string]any{"title": "Alarms in " + p.Region, "alarms": regionalAlarmArns},
	}}
	for i, a := range alarms {
		region := cmp.Or(a.dashboardReg, p.Region)
		widgets = append(widgets, widget{
			Type: "metric", X: (i % 2) * 12, Y: 5 + (i/2)*6, Width: 12, Height: 6,
			Properties: map[string]any{
				"title":       a.title,
				"region":      region,
				"metrics":     a.dashboardMetrics,
				"stat":        a.dashboardStat,
				"period":      60,
				"view":        "timeSeries",
				"annotations": map[string]any{"horizontal": []map[string]any{{"label": "alarm", "value": a.threshold}}},
			},
		})
	}
	return jsonencode.Of(map[string]any{"widgets": widgets})
}

// defineBudget adds the monthly cost budget of the account: notifications
// at 80 % of actual and 100 % of forecast spend go to the topic.
func defineBudget(c constructs.Construct, p Props, topic *string) {
	notify := func(kind string, percent int) *budgetsbudget.BudgetsBudgetNotification {
		return &budgetsbudget.BudgetsBudgetNotification{
			NotificationType:       jsii.String(kind),
			ComparisonOperator:     jsii.String("GREATER_THAN"),
			Threshold:              jsii.Number(percent),
			ThresholdType:          jsii.String("PERCENTAGE"),
			SubscriberSnsTopicArns: &[]*string{topic},
		}
	}
	budgetsbudget.NewBudgetsBudget(c, jsii.String("budget"), &budgetsbudget.BudgetsBudgetConfig{
		Name:        jsii.String(p.NamePrefix + "-monthly"),
		BudgetType:  jsii.String("COST"),
		LimitAmount: jsii.String(fmt.Sprintf("%d", p.MonthlyBudgetUsd)),
		LimitUnit:   jsii.String("USD"),
		TimeUnit:    jsii.String("MONTHLY"),
		Notification: &[]*budgetsbudget.BudgetsBudgetNotification{
			notify("ACTUAL", 80),
			notify("FORECASTED", 100),
		},
	})
}
