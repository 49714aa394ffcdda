// Package ecs defines the bridge on ECS Fargate: the cluster, the task
// definition of its one container, the execution and task roles, the log
// group, the service behind the ALB target group, and optional autoscaling.
package ecs

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appautoscalingpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appautoscalingscheduledaction"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/appautoscalingtarget"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecscluster"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecsclustercapacityproviders"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecsservice"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecstaskdefinition"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/n8n-builder/infra/internal/jsonencode"
	"github.com/n8n-builder/infra/modules/iampolicy"
)

// ContainerName is the name of the bridge container in the task definition
// (the load balancer block of the service names it too).
const ContainerName = "bridge"

// APIKeyVariable is the environment variable the container gets the
// Anthropic API key in, injected by ECS from Secrets Manager.
const APIKeyVariable = "ANTHROPIC_API_KEY"

// Stop timeout bounds of a container in seconds: Fargate allows at most
// 120 between SIGTERM and SIGKILL.
const (
	MinStopTimeoutSeconds = 2
	MaxStopTimeoutSeconds = 120
)

// Architectures of the task.
const (
	ArchX86 = "X86_64"
	ArchARM = "ARM64"
)

// Architectures lists the CPU architectures Fargate runs Linux tasks on.
var Architectures = []string{ArchX86, ArchARM}

// SpotArchitecture is the only architecture Fargate Spot runs: ARM64 tasks
// cannot use the FARGATE_SPOT capacity provider.
const SpotArchitecture = ArchX86

// Ephemeral storage bounds of a Fargate task in GiB. The minimum is what
// every task gets in the Fargate price without an ephemeral_storage block.
const (
	MinEphemeralStorageGiB = 21
	MaxEphemeralStorageGiB = 200
)

// DefaultContainerPort is the port the bridge listens on (its PORT variable),
// and so the port the target group and the security groups use.
const DefaultContainerPort = 3000

// ExecutionRoleSuffix ends the execution role's name "<prefix>-ecs-execution",
// the longest name of the module (IAM allows 64 characters).
const ExecutionRoleSuffix = "-ecs-execution"

// Container variables the module sets from Props.NodeEnv and ContainerPort.
const (
	NodeEnvVariable = "NODE_ENV"
	PortVariable    = "PORT"
)

// ReservedEnvironment are the container variables the module sets itself;
// Props.Environment may not name them.
var ReservedEnvironment = []string{APIKeyVariable, NodeEnvVariable, PortVariable}

// Props configures Service. The zero value of a field means its documented
// default; fields marked Required panic when left out.
type Props struct {
	// NamePrefix starts every resource name: "<project>-<env>". Required.
	NamePrefix string
	// Region of the stack, for the awslogs driver. Required.
	Region string

	// Cpu units of the task, a Fargate size. Default: 2048.
	Cpu int
	// Memory of the task in MiB, valid for Cpu. Default: 4096.
	Memory int
	// Architecture is ArchX86 or ArchARM; the image must be built for it.
	// Default: ArchX86.
	Architecture string
	// EphemeralStorageGiB of the task, 21 to 200. Default: 21, the amount
	// included in the Fargate price (no ephemeral_storage block is written).
	EphemeralStorageGiB int

	// Image is the full image reference, e.g. the repository URL token
	// + ":" + tag. Required.
	Image *string
	// ImageRepositoryArn is the ARN of the ECR repository Image is pulled
	// from: the execution role may pull from it alone (plus
	// ecr:GetAuthorizationToken, which has no resource). Default: nil, an
	// image outside ECR (a public registry): no ECR permission at all.
	ImageRepositoryArn *string
	// ContainerPort the bridge listens on (also the PORT variable). Default: 3000.
	ContainerPort int
	// NodeEnv is the container's NODE_ENV. Default: "production".
	NodeEnv string
	// Environment adds plain environment variables, written sorted by name.
	// Never secrets; PORT, NODE_ENV and ANTHROPIC_API_KEY are set by the
	// module and may not appear. Default: none.
	Environment map[string]string

	// SecretArn is the ARN of the Anthropic API key secret; the execution
	// role may read it (and nothing else). Required.
	SecretArn *string
	// SecretValueFrom is "<secret arn>:ANTHROPIC_API_KEY::", the JSON key of
	// the secret ECS injects as ANTHROPIC_API_KEY. Required.
	SecretValueFrom *string
	// SecretReadPolicyJSON is the policy document that reads the secret,
	// attached to the task role. Required.
	SecretReadPolicyJSON *string

	// LogRetentionDays of the log group /ecs/<prefix>/bridge, a value
	// CloudWatch Logs accepts. Default: 30.
	LogRetentionDays int
	// ContainerInsights turns on CloudWatch Container Insights for the
	// cluster (extra metrics, billed). Default: false.
	ContainerInsights bool
	// EnableExec allows `aws ecs execute-command` into running tasks and
	// gives the task role the SSM channel permissions it needs. Default: false.
	EnableExec bool
	// FargateSpot runs the tasks on Fargate Spot (cheaper, interruptible with
	// two minutes' notice; X86_64 only). Toggling it on an existing service
	// replaces the service. Default: false (on-demand Fargate).
	FargateSpot bool

	// DesiredCount of tasks; with autoscaling, only the starting count.
	// Default: 0 (no tasks run), so the environment must always set it.
	DesiredCount int
	// HealthCheckGracePeriodSeconds before failing ALB health checks stop a
	// new task. Default: 120 (0 cannot be asked for: a task that starts
	// slowly would be killed before it could answer).
	HealthCheckGracePeriodSeconds int
	// StopTimeoutSeconds between SIGTERM and SIGKILL, for the bridge to
	// finish and exit; MinStopTimeoutSeconds to MaxStopTimeoutSeconds. ECS sends SIGTERM only
	// after the target group has drained the task. Default: 120.
	StopTimeoutSeconds int

	// SubnetIDs the tasks run in: the private subnets, or the public ones
	// when the VPC has no NAT gateway. Required.
	SubnetIDs *[]*string
	// AssignPublicIP gives each task a public IP: needed in a public subnet
	// without NAT, where it is the tasks' only way to ECR, Secrets Manager and
	// the Anthropic API. Inbound traffic is still what SecurityGroupID allows.
	// Default: false.
	AssignPublicIP bool
	// SecurityGroupID of the tasks (the app port from the ALB only). Required.
	SecurityGroupID *string
	// TargetGroupArn the service registers its tasks with. Required.
	TargetGroupArn *string
	// DependsOn are waited for before the service is created: the ALB
	// listeners, as a service cannot register with a target group before the
	// group is attached to a load balancer. Default: none.
	DependsOn []cdktf.ITerraformDependable

	// Autoscaling of the service. Default: off.
	Autoscaling Autoscaling
	// Schedule runs the service in office hours only. Default: off (the
	// service runs around the clock).
	Schedule Schedule
}

// Schedule scales the service to zero tasks outside office hours and back at
// their start, with scheduled actions on the service's scalable target.
//
// The actions set the target's minimum and maximum (to 0 and 0 at StopHour;
// to MinTasks..MaxTasks with autoscaling, else DesiredCount..DesiredCount, at
// StartHour); Application Auto Scaling then moves the desired count into
// that range. With a schedule, Terraform ignores the target's min and max
// and the service's desired count: an apply at night must not wake the
// service, and a woken service must not be put back to sleep by an apply.
// A change to MinTasks/MaxTasks or DesiredCount therefore takes effect at
// the next StartHour.
type Schedule struct {
	// Enabled turns the schedule on.
	Enabled bool
	// Days the service runs, each one of Weekdays. Required when Enabled.
	Days []string
	// StartHour and StopHour, whole hours 0-23 on TimeZone's clock with
	// StartHour < StopHour: the tasks start at StartHour:00 and stop at
	// StopHour:00 of each day in Days. Required when Enabled.
	StartHour, StopHour int
	// TimeZone is an IANA time zone name ("Europe/Berlin"); the hours follow
	// its daylight saving time. Required when Enabled.
	TimeZone string
}

// Weekdays are the day names a Schedule takes, in the order of the week, as
// cron expressions spell them.
var Weekdays = []string{"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"}

// HoursPerWeek is how many hours a week the schedule keeps the service up.
func (s Schedule) HoursPerWeek() int {
	if !s.Enabled {
		return 7 * 24
	}
	return len(s.Days) * (s.StopHour - s.StartHour)
}

// Autoscaling configures target tracking on the service's desired count.
type Autoscaling struct {
	// Enabled turns autoscaling on; desired_count is then left to it.
	Enabled bool
	// MinTasks and MaxTasks bound the service. Default: 1 and 4.
	MinTasks, MaxTasks int
	// CpuTargetPercent is the average CPU utilization to track. Default: 60.
	CpuTargetPercent int
	// RequestsPerTarget is the ALB request count per task to track. Default: 500.
	RequestsPerTarget int
	// RequestCountResourceLabel is "<alb arn_suffix>/<target group
	// arn_suffix>", naming the ALB metric. Required when Enabled.
	RequestCountResourceLabel *string
}

// withDefaults fills in the documented default of every field left at zero.
func (p Props) withDefaults() Props {
	p.Cpu = cmp.Or(p.Cpu, 2048)
	p.Memory = cmp.Or(p.Memory, 4096)
	p.Architecture = cmp.Or(p.Architecture, ArchX86)
	p.EphemeralStorageGiB = cmp.Or(p.EphemeralStorageGiB, MinEphemeralStorageGiB)
	p.ContainerPort = cmp.Or(p.ContainerPort, DefaultContainerPort)
	p.NodeEnv = cmp.Or(p.NodeEnv, "production")
	p.LogRetentionDays = cmp.Or(p.LogRetentionDays, 30)
	p.HealthCheckGracePeriodSeconds = cmp.Or(p.HealthCheckGracePeriodSeconds, 120)
	p.StopTimeoutSeconds = cmp.Or(p.StopTimeoutSeconds, 120)
	a := &p.Autoscaling
	a.MinTasks = cmp.Or(a.MinTasks, 1)
	a.MaxTasks = cmp.Or(a.MaxTasks, 4)
	a.CpuTargetPercent = cmp.Or(a.CpuTargetPercent, 60)
	a.RequestsPerTarget = cmp.Or(a.RequestsPerTarget, 500)
	return p
}

// validate panics on programmer misuse, naming every problem at once; the
// environments loader reports user errors before this runs.
func (p Props) validate() {
	var problems []string
	var missing []string
	for name, isSet := range map[string]bool{
		"NamePrefix": p.NamePrefix != "", "Region": p.Region != "", "Image": p.Image != nil,
		"SecretArn": p.SecretArn != nil, "SecretValueFrom": p.SecretValueFrom != nil,
		"SecretReadPolicyJSON": p.SecretReadPolicyJSON != nil, "SubnetIDs": p.SubnetIDs != nil,
		"SecurityGroupID": p.SecurityGroupID != nil, "TargetGroupArn": p.TargetGroupArn != nil,
		"Autoscaling.RequestCountResourceLabel": !p.Autoscaling.Enabled || p.Autoscaling.RequestCountResourceLabel != nil,
	} {
		if !isSet {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		problems = append(problems, "required props missing: "+strings.Join(missing, ", "))
	}
	if !slices.Contains(Architectures, p.Architecture) {
		problems = append(problems, fmt.Sprintf("Architecture %q must be one of %s", p.Architecture, strings.Join(Architectures, ", ")))
	}
	if p.FargateSpot && p.Architecture != SpotArchitecture {
		problems = append(problems, fmt.Sprintf("Fargate Spot runs %s tasks only; turn FargateSpot off or use Architecture %s", SpotArchitecture, SpotArchitecture))
	}
	if p.StopTimeoutSeconds < MinStopTimeoutSeconds || p.StopTimeoutSeconds > MaxStopTimeoutSeconds {
		problems = append(problems, fmt.Sprintf("StopTimeoutSeconds %d must be %d to %d (the Fargate maximum)", p.StopTimeoutSeconds, MinStopTimeoutSeconds, MaxStopTimeoutSeconds))
	}
	if p.EphemeralStorageGiB < MinEphemeralStorageGiB || p.EphemeralStorageGiB > MaxEphemeralStorageGiB {
		problems = append(problems, fmt.Sprintf("EphemeralStorageGiB %d must be %d to %d", p.EphemeralStorageGiB, MinEphemeralStorageGiB, MaxEphemeralStorageGiB))
	}
	for _, k := range ReservedEnvironment {
		if _, ok := p.Environment[k]; ok {
			problems = append(problems, "Environment may not set "+k+"; the module sets it (the API key only ever as a secret)")
		}
	}
	if a := p.Autoscaling; a.Enabled && (a.MinTasks < 1 || a.MaxTasks < a.MinTasks) {
		problems = append(problems, fmt.Sprintf("autoscaling needs 1 <= MinTasks (%d) <= MaxTasks (%d)", a.MinTasks, a.MaxTasks))
	}
	if sc := p.Schedule; sc.Enabled {
		seen := map[string]bool{}
		for _, d := range sc.Days {
			if !slices.Contains(Weekdays, d) || seen[d] {
				problems = append(problems, fmt.Sprintf("Schedule.Days %v must be distinct names from %v", sc.Days, Weekdays))
				break
			}
			seen[d] = true
		}
		if len(sc.Days) == 0 || sc.StartHour < 0 || sc.StopHour > 23 || sc.StartHour >= sc.StopHour || sc.TimeZone == "" {
			problems = append(problems, fmt.Sprintf("Schedule needs days, 0 <= StartHour (%d) < StopHour (%d) <= 23 and a TimeZone (%q)", sc.StartHour, sc.StopHour, sc.TimeZone))
		}
		if !p.Autoscaling.Enabled && p.DesiredCount < 1 {
			problems = append(problems, "a Schedule without autoscaling starts DesiredCount tasks; it must be at least 1")
		}
	}
	if len(problems) > 0 {
		panic("ecs: " + strings.Join(problems, "; "))
	}
}

// Service is the bridge's ECS cluster, service and everything they need.
type Service struct {
	constructs.Construct
	ClusterName *string
	ClusterArn  *string
	ServiceName *string
	// LogGroupName is "/ecs/<prefix>/bridge"; streams are "bridge/bridge/<task id>".
	LogGroupName *string
	TaskRoleArn  *string
	// ExecutionRoleArn is the role ECS pulls the image, writes logs and
	// reads the secret with.
	ExecutionRoleArn *string
	// TaskDefinitionArn includes the revision.
	TaskDefinitionArn *string
}

// New defines the bridge's ECS resources under scope.
func New(scope constructs.Construct, id string, props Props) *Service {
	props = props.withDefaults()
	props.validate()
	c := constructs.NewConstruct(scope, jsii.String(id))
	s := &Service{Construct: c}
	name := func(thing string) *string { return jsii.String(props.NamePrefix + "-" + thing) }

	insights := "disabled"
	if props.ContainerInsights {
		insights = "enabled"
	}
	cluster := ecscluster.NewEcsCluster(c, jsii.String("cluster"), &ecscluster.EcsClusterConfig{
		Name: name("cluster"),
		Setting: &[]*ecscluster.EcsClusterSetting{{
			Name: jsii.String("containerInsights"), Value: jsii.String(insights),
		}},
	})
	s.ClusterName = cluster.Name()
	s.ClusterArn = cluster.Arn()

	// Both Fargate providers are associated in every environment, and the
	// service always names one in a strategy: the same shape with and
	// without Spot, and no launch_type to switch to a strategy later.
	provider := "FARGATE"
	if props.FargateSpot {
		provider = "FARGATE_SPOT"
	}
	providers := ecsclustercapacityproviders.NewEcsClusterCapacityProviders(c, jsii.String("capacity_providers"), &ecsclustercapacityproviders.EcsClusterCapacityProvidersConfig{
		ClusterName:       cluster.Name(),
		CapacityProviders: jsii.Strings("FARGATE", "FARGATE_SPOT"),
		DefaultCapacityProviderStrategy: &[]*ecsclustercapacityproviders.EcsClusterCapacityProvidersDefaultCapacityProviderStrategy{{
			CapacityProvider: jsii.String(provider), Weight: jsii.Number(1),
		}},
	})

	logs := cloudwatchloggroup.NewCloudwatchLogGroup(c, jsii.String("log_group"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name:            jsii.String("/ecs/" + props.NamePrefix + "/" + ContainerName),
		RetentionInDays: jsii.Number(props.LogRetentionDays),
	})
	s.LogGroupName = logs.Name()

	execution, task, rolePolicies := defineRoles(c, props, name, logs)
	s.ExecutionRoleArn = execution.Arn()
	s.TaskRoleArn = task.Arn()

	taskDef := ecstaskdefinition.NewEcsTaskDefinition(c, jsii.String("task_definition"), &ecstaskdefinition.EcsTaskDefinitionConfig{
		Family:                  name(ContainerName),
		RequiresCompatibilities: jsii.Strings("FARGATE"),
		NetworkMode:             jsii.String("awsvpc"),
		Cpu:                     jsii.String(strconv.Itoa(props.Cpu)),
		Memory:                  jsii.String(strconv.Itoa(props.Memory)),
		RuntimePlatform: &ecstaskdefinition.EcsTaskDefinitionRuntimePlatform{
			OperatingSystemFamily: jsii.String("LINUX"),
			CpuArchitecture:       jsii.String(props.Architecture),
		},
		EphemeralStorage:     ephemeralStorage(props.EphemeralStorageGiB),
		ExecutionRoleArn:     execution.Arn(),
		TaskRoleArn:          task.Arn(),
		ContainerDefinitions: containerDefinitions(props, *logs.Name()),
	})
	s.TaskDefinitionArn = taskDef.Arn()

	// The service waits for the listeners (target group attached), the
	// capacity providers (a strategy may only name associated ones) and the
	// role policies (the first task must be able to read the secret; on
	// destroy the permissions outlive the tasks).
	dependsOn := append([]cdktf.ITerraformDependable{providers}, rolePolicies...)
	dependsOn = append(dependsOn, props.DependsOn...)
	var lifecycle *cdktf.TerraformResourceLifecycle
	if props.Autoscaling.Enabled || props.Schedule.Enabled {
		// Application Auto Scaling owns the running count (policies or the
		// schedule); applying the starting count again would undo its
		// scaling, or wake a service the schedule put to sleep.
		lifecycle = &cdktf.TerraformResourceLifecycle{IgnoreChanges: &[]*string{jsii.String("desired_count")}}
	}
	service := ecsservice.NewEcsService(c, jsii.String("service"), &ecsservice.EcsServiceConfig{
		Name:           name(ContainerName),
		Cluster:        cluster.Arn(),
		TaskDefinition: taskDef.Arn(),
		DesiredCount:   jsii.Number(props.DesiredCount),
		CapacityProviderStrategy: &[]*ecsservice.EcsServiceCapacityProviderStrategy{{
			CapacityProvider: jsii.String(provider), Weight: jsii.Number(1),
		}},
		NetworkConfiguration: &ecsservice.EcsServiceNetworkConfiguration{
			Subnets:        props.SubnetIDs,
			SecurityGroups: &[]*string{props.SecurityGroupID},
			AssignPublicIp: jsii.Bool(props.AssignPublicIP),
		},
		LoadBalancer: &[]*ecsservice.EcsServiceLoadBalancer{{
			TargetGroupArn: props.TargetGroupArn,
			ContainerName:  jsii.String(ContainerName),
			ContainerPort:  jsii.Number(props.ContainerPort),
		}},
		HealthCheckGracePeriodSeconds: jsii.Number(props.HealthCheckGracePeriodSeconds),
		// A deployment that cannot get healthy tasks rolls back by itself.
		DeploymentCircuitBreaker: &ecsservice.EcsServiceDeploymentCircuitBreaker{
			Enable: jsii.Bool(true), Rollback: jsii.Bool(true),
		},
		// Rolling deploys start new tasks before stopping old ones: capacity
		// never drops, and old tasks drain their WebSockets meanwhile.
		DeploymentMinimumHealthyPercent: jsii.Number(100),
		DeploymentMaximumPercent:        jsii.Number(200),
		EnableExecuteCommand:            jsii.Bool(props.EnableExec),
		PropagateTags:                   jsii.String("SERVICE"),
		EnableEcsManagedTags:            jsii.Bool(true),
		// apply returns once ECS accepted the change; the circuit breaker,
		// not Terraform, watches the rollout.
		WaitForSteadyState: jsii.Bool(false),
		Lifecycle:          lifecycle,
		DependsOn:          &dependsOn,
	})
	s.ServiceName = service.Name()

	if props.Autoscaling.Enabled || props.Schedule.Enabled {
		target := defineScalableTarget(c, props, *cluster.Name(), *service.Name())
		var policies []cdktf.ITerraformDependable
		if props.Autoscaling.Enabled {
			policies = defineAutoscaling(c, props, name, target)
		}
		if props.Schedule.Enabled {
			defineSchedule(c, props, name, target, policies)
		}
	}
	return s
}

// defineRoles creates the execution role (used by ECS to pull the image,
// write logs and inject the secret) and the task role (used by the bridge
// process), and returns the policy resources the service must wait for.
//
// Both roles trust ECS tasks of this account and region only (aws:SourceAccount
// and aws:SourceArn, the confused-deputy guard). The account comes from the
// log group's ARN: Terraform knows it after creating the group, without a
// plan-time call to AWS, and the group depends on nothing here (no cycle).
func defineRoles(c constructs.Construct, props Props, name func(string) *string, logs cloudwatchloggroup.CloudwatchLogGroup) (execution, task iamrole.IamRole, policies []cdktf.ITerraformDependable) {
	account := iampolicy.AccountOf(logs.Arn())
	trust := iampolicy.AssumeRole(c, "ecs_tasks_assume_role", "ecs-tasks.amazonaws.com",
		account, "arn:aws:ecs:"+props.Region+":"+account+":*")

	execution = iamrole.NewIamRole(c, jsii.String("execution_role"), &iamrole.IamRoleConfig{
		Name:             jsii.String(props.NamePrefix + ExecutionRoleSuffix),
		Description:      jsii.String("ECS pulls the bridge image, writes its logs and injects the API key"),
		AssumeRolePolicy: trust.Json(),
	})
	// What AWS's AmazonECSTaskExecutionRolePolicy grants on "*", scoped to
	// this service's repository and log group.
	pullDoc := iampolicy.New(c, "execution_pull_policy_document", executionStatements(props, logs)...)
	pull := iamrolepolicy.NewIamRolePolicy(c, jsii.String("execution_pull_policy"), &iamrolepolicy.IamRolePolicyConfig{
		Name:   jsii.String("pull-image-write-logs"),
		Role:   execution.Id(),
		Policy: pullDoc.Json(),
	})
	// ECS resolves container `secrets` with the execution role, not the task
	// role. The secret uses the AWS managed KMS key: no kms:Decrypt needed.
	injectDoc := iampolicy.New(c, "execution_secret_policy_document", iampolicy.Statement{
		Sid:       "InjectAnthropicKey",
		Actions:   []string{"secretsmanager:GetSecretValue"},
		Resources: []string{*props.SecretArn},
	})
	inject := iamrolepolicy.NewIamRolePolicy(c, jsii.String("execution_secret_policy"), &iamrolepolicy.IamRolePolicyConfig{
		Name:   jsii.String("inject-anthropic-key"),
		Role:   execution.Id(),
		Policy: injectDoc.Json(),
	})

	task = iamrole.NewIamRole(c, jsii.String("task_role"), &iamrole.IamRoleConfig{
		Name:             name("ecs-task"),
		Description:      jsii.String("The bridge process"),
		AssumeRolePolicy: trust.Json(),
	})
	read := iamrolepolicy.NewIamRolePolicy(c, jsii.String("task_secret_policy"), &iamrolepolicy.IamRolePolicyConfig{
		Name:   jsii.String("read-anthropic-key"),
		Role:   task.Id(),
		Policy: props.SecretReadPolicyJSON,
	})
	policies = []cdktf.ITerraformDependable{pull, inject, read}

	if props.EnableExec {
		execDoc := iampolicy.New(c, "task_exec_policy_document", iampolicy.Statement{
			Sid: "EcsExecChannels",
			Actions: []string{
				"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
				"ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
			},
			// ssmmessages has no resource types: AWS allows only "*" here.
			Resources: []string{"*"},
		})
		policies = append(policies, iamrolepolicy.NewIamRolePolicy(c, jsii.String("task_exec_policy"), &iamrolepolicy.IamRolePolicyConfig{
			Name:   jsii.String("ecs-exec"),
			Role:   task.Id(),
			Policy: execDoc.Json(),
		}))
	}
	return execution, task, policies
}

// executionStatements are the execution role's image and log permissions:
// pull from ImageRepositoryArn (when the image is in ECR) and write streams
// of the service's own log group.
func executionStatements(props Props, logs cloudwatchloggroup.CloudwatchLogGroup) []iampolicy.Statement {
	var out []iampolicy.Statement
	if props.ImageRepositoryArn != nil {
		out = append(out,
			iampolicy.Statement{
				Sid:       "PullBridgeImage",
				Actions:   []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"},
				Resources: []string{*props.ImageRepositoryArn},
			},
			iampolicy.Statement{
				// The registry login token is per account and region, not per
				// repository: AWS offers no resource to scope it to.
				Sid:       "EcrLogin",
				Actions:   []string{"ecr:GetAuthorizationToken"},
				Resources: []string{"*"},
			})
	}
	return append(out, iampolicy.Statement{
		Sid:       "WriteBridgeLogs",
		Actions:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
		Resources: []string{*logs.Arn(), *logs.Arn() + ":*"},
	})
}

// scaleOutCooldownSeconds: scale-out reacts within a minute.
const scaleOutCooldownSeconds = 60

// defineScalableTarget registers the service's desired count with
// Application Auto Scaling: the one target that the autoscaling policies and
// the schedule's actions share. Its range is the one of office hours.
func defineScalableTarget(c constructs.Construct, props Props, clusterName, serviceName string) appautoscalingtarget.AppautoscalingTarget {
	minTasks, maxTasks := runningRange(props)
	var lifecycle *cdktf.TerraformResourceLifecycle
	if props.Schedule.Enabled {
		// The scheduled actions move min and max; Terraform putting them
		// back would wake the service at night (see Schedule).
		lifecycle = &cdktf.TerraformResourceLifecycle{IgnoreChanges: &[]*string{jsii.String("min_capacity"), jsii.String("max_capacity")}}
	}
	return appautoscalingtarget.NewAppautoscalingTarget(c, jsii.String("autoscaling_target"), &appautoscalingtarget.AppautoscalingTargetConfig{
		ServiceNamespace:  jsii.String("ecs"),
		ResourceId:        jsii.String("service/" + clusterName + "/" + serviceName),
		ScalableDimension: jsii.String("ecs:service:DesiredCount"),
		MinCapacity:       jsii.Number(minTasks),
		MaxCapacity:       jsii.Number(maxTasks),
		Lifecycle:         lifecycle,
	})
}

// runningRange is the service's task range while it runs: the autoscaling
// bounds, or exactly DesiredCount without autoscaling.
func runningRange(props Props) (minTasks, maxTasks int) {
	if a := props.Autoscaling; a.Enabled {
		return a.MinTasks, a.MaxTasks
	}
	return props.DesiredCount, props.DesiredCount
}

// defineAutoscaling tracks average CPU and ALB requests per task and scales
// out when either is above target. It never scales in: neither metric sees
// an idle WebSocket session (a user reading or typing costs no CPU and no
// requests), so a scale-in would pick tasks with live sessions and cut them
// after the drain. Scaling back in is a deliberate act (lower desired_count
// in a quiet hour, or the schedule); see the README. It returns the policies.
func defineAutoscaling(c constructs.Construct, props Props, name func(string) *string, target appautoscalingtarget.AppautoscalingTarget) []cdktf.ITerraformDependable {
	a := props.Autoscaling
	var out []cdktf.ITerraformDependable
	policies := []struct {
		id, name, metric string
		target           int
		label            *string
	}{
		{"autoscaling_cpu", "cpu", "ECSServiceAverageCPUUtilization", a.CpuTargetPercent, nil},
		{"autoscaling_requests", "requests", "ALBRequestCountPerTarget", a.RequestsPerTarget, a.RequestCountResourceLabel},
	}
	for _, p := range policies {
		out = append(out, appautoscalingpolicy.NewAppautoscalingPolicy(c, jsii.String(p.id), &appautoscalingpolicy.AppautoscalingPolicyConfig{
			Name:              name(ContainerName + "-" + p.name),
			PolicyType:        jsii.String("TargetTrackingScaling"),
			ServiceNamespace:  target.ServiceNamespace(),
			ResourceId:        target.ResourceId(),
			ScalableDimension: target.ScalableDimension(),
			TargetTrackingScalingPolicyConfiguration: &appautoscalingpolicy.AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration{
				TargetValue: jsii.Number(p.target),
				PredefinedMetricSpecification: &appautoscalingpolicy.AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification{
					PredefinedMetricType: jsii.String(p.metric),
					ResourceLabel:        p.label,
				},
				ScaleOutCooldown: jsii.Number(scaleOutCooldownSeconds),
				DisableScaleIn:   jsii.Bool(true),
			},
		}))
	}
	return out
}

// defineSchedule starts the service at StartHour and stops it at StopHour on
// the schedule's days, in its time zone. The actions are created one after
// the other, after the policies: Application Auto Scaling refuses concurrent
// changes to one scalable target (ConcurrentUpdateException).
func defineSchedule(c constructs.Construct, props Props, name func(string) *string, target appautoscalingtarget.AppautoscalingTarget, after []cdktf.ITerraformDependable) {
	sc := props.Schedule
	minTasks, maxTasks := runningRange(props)
	actions := []struct {
		id, name string
		hour     int
		min, max int
	}{
		{"schedule_start", "start", sc.StartHour, minTasks, maxTasks},
		{"schedule_stop", "stop", sc.StopHour, 0, 0},
	}
	for _, a := range actions {
		var dependsOn *[]cdktf.ITerraformDependable
		if len(after) > 0 {
			deps := after // a variable of this iteration: after changes below
			dependsOn = &deps
		}
		action := appautoscalingscheduledaction.NewAppautoscalingScheduledAction(c, jsii.String(a.id), &appautoscalingscheduledaction.AppautoscalingScheduledActionConfig{
			Name:              name(ContainerName + "-office-hours-" + a.name),
			ServiceNamespace:  target.ServiceNamespace(),
			ResourceId:        target.ResourceId(),
			ScalableDimension: target.ScalableDimension(),
			Schedule:          jsii.String(CronAt(a.hour, sc.Days)),
			Timezone:          jsii.String(sc.TimeZone),
			ScalableTargetAction: &appautoscalingscheduledaction.AppautoscalingScheduledActionScalableTargetAction{
				MinCapacity: jsii.String(strconv.Itoa(a.min)),
				MaxCapacity: jsii.String(strconv.Itoa(a.max)),
			},
			DependsOn: dependsOn,
		})
		after = []cdktf.ITerraformDependable{action}
	}
}

// CronAt is the Application Auto Scaling cron expression for hour:00 on the
// given days, written in the order of Weekdays: "cron(0 8 ? * MON,TUE *)".
func CronAt(hour int, days []string) string {
	var inOrder []string
	for _, d := range Weekdays {
		if slices.Contains(days, d) {
			inOrder = append(inOrder, d)
		}
	}
	return fmt.Sprintf("cron(0 %d ? * %s *)", hour, strings.Join(inOrder, ","))
}

// containerDefinitions returns the task's container_definitions with the one
// bridge container, as Terraform's jsonencode() of the definitions. Tokens
// (image, secret ARN, log group) stay in the strings as cdktf token markers,
// which synthesis turns into Terraform references.
func containerDefinitions(p Props, logGroup string) *string {
	env := []nameValue{
		{Name: NodeEnvVariable, Value: p.NodeEnv},
		{Name: PortVariable, Value: strconv.Itoa(p.ContainerPort)},
	}
	for _, k := range sortedKeys(p.Environment) {
		env = append(env, nameValue{Name: k, Value: p.Environment[k]})
	}
	sort.Slice(env, func(i, j int) bool { return env[i].Name < env[j].Name })

	defs := []containerDefinition{{
		Name:      ContainerName,
		Image:     *p.Image,
		Essential: true,
		PortMappings: []portMapping{{
			ContainerPort: p.ContainerPort, HostPort: p.ContainerPort, Protocol: "tcp",
		}},
		Environment: env,
		// The API key only ever comes from Secrets Manager, injected at start:
		// never as a plain environment value in the task definition.
		Secrets: []secretRef{{Name: APIKeyVariable, ValueFrom: *p.SecretValueFrom}},
		LogConfiguration: logConfiguration{
			LogDriver: "awslogs",
			Options: logOptions{
				Group: logGroup, Region: p.Region, StreamPrefix: ContainerName,
			},
		},
		// The bridge spawns Claude Code processes; an init process as PID 1
		// reaps them when they exit (also the shells of ECS Exec sessions)
		// and forwards SIGTERM.
		LinuxParameters: linuxParameters{InitProcessEnabled: true},
		// Time between SIGTERM (sent once the target has drained) and SIGKILL.
		StopTimeout: p.StopTimeoutSeconds,
		// Claude Code writes to the file system (home directory, work trees).
		ReadonlyRootFilesystem: false,
		HealthCheck:            containerHealthCheck(p),
	}}
	return jsonencode.Of(defs)
}

// containerHealthCheck asks the bridge's /health from inside the container
// with Node.js itself: every Node.js image has node, while curl and wget
// are missing from slim and distroless ones. ECS replaces a task whose
// check fails three times in a row; failures in the start period (the
// service's grace period, at most ECS's 300 s) do not count.
func containerHealthCheck(p Props) *healthCheck {
	script := fmt.Sprintf("require('http').get('http://127.0.0.1:%d/health',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))", p.ContainerPort)
	return &healthCheck{
		Command:     []string{"CMD", "node", "-e", script},
		Interval:    30,
		Timeout:     5,
		Retries:     3,
		StartPeriod: min(p.HealthCheckGracePeriodSeconds, maxHealthCheckStartPeriod),
	}
}

// maxHealthCheckStartPeriod is the longest start period ECS accepts.
const maxHealthCheckStartPeriod = 300

type healthCheck struct {
	Command     []string `json:"command"`
	Interval    int      `json:"interval"`
	Timeout     int      `json:"timeout"`
	Retries     int      `json:"retries"`
	StartPeriod int      `json:"startPeriod"`
}

type containerDefinition struct {
	Name                   string           `json:"name"`
	Image                  string           `json:"image"`
	Essential              bool             `json:"essential"`
	PortMappings           []portMapping    `json:"portMappings"`
	Environment            []nameValue      `json:"environment"`
	Secrets                []secretRef      `json:"secrets"`
	LogConfiguration       logConfiguration `json:"logConfiguration"`
	LinuxParameters        linuxParameters  `json:"linuxParameters"`
	StopTimeout            int              `json:"stopTimeout"`
	ReadonlyRootFilesystem bool             `json:"readonlyRootFilesystem"`
	HealthCheck            *healthCheck     `json:"healthCheck"`
}

type portMapping struct {
	ContainerPort int    `json:"containerPort"`
	HostPort      int    `json:"hostPort"`
	Protocol      string `json:"protocol"`
}

type nameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type secretRef struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

type logConfiguration struct {
	LogDriver string     `json:"logDriver"`
	Options   logOptions `json:"options"`
}

type logOptions struct {
	Group        string `json:"awslogs-group"`
	Region       string `json:"awslogs-region"`
	StreamPrefix string `json:"awslogs-stream-prefix"`
}

type linuxParameters struct {
	InitProcessEnabled bool `json:"initProcessEnabled"`
}

func ephemeralStorage(gib int) *ecstaskdefinition.EcsTaskDefinitionEphemeralStorage {
	if gib <= MinEphemeralStorageGiB {
		return nil // every Fargate task gets 21 GiB without the block
	}
	return &ecstaskdefinition.EcsTaskDefinitionEphemeralStorage{SizeInGib: jsii.Number(gib)}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
