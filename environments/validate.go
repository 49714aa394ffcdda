package environments

import (
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // IANA zone names checked the same on machines without a zone database

	"github.com/n8n-builder/infra/modules/ecs"
	"github.com/n8n-builder/infra/modules/frontend"
	"github.com/n8n-builder/infra/modules/loadbalancer"
	"github.com/n8n-builder/infra/modules/monitoring"
	"github.com/n8n-builder/infra/modules/privatebucket"
)

// RetentionDays are the retention periods CloudWatch Logs accepts.
var RetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// PriceClasses of CloudFront.
var PriceClasses = []string{"PriceClass_100", "PriceClass_200", "PriceClass_All"}

// nameLimits are the AWS names built from <project>-<env> with the tightest
// length limits; the project name must leave room for every one of them.
var nameLimits = []struct {
	what   string
	suffix string
	max    int
}{
	{"ALB name", loadbalancer.ALBNameSuffix, loadbalancer.MaxNameLength},
	{"target group name", loadbalancer.TargetGroupNameSuffix, loadbalancer.MaxNameLength},
	{"ALB access-log bucket prefix", loadbalancer.LogBucketPrefixSuffix, privatebucket.MaxPrefixLength},
	{"UI bucket prefix", frontend.BucketPrefixSuffix, privatebucket.MaxPrefixLength},
	{"IAM role name", ecs.ExecutionRoleSuffix, maxRoleNameLength},
}

// maxRoleNameLength is IAM's limit on role names.
const maxRoleNameLength = 64

var (
	projectPattern    = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	dnsLabelPattern   = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	zoneIDPattern     = regexp.MustCompile(`^Z[A-Z0-9]{1,31}$`)
	imageTagPattern   = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	envVarPattern     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	certArnPattern    = regexp.MustCompile(`^arn:aws:acm:([a-z0-9-]+):[0-9]{12}:certificate/[A-Za-z0-9-]+$`)
	prefixListPattern = regexp.MustCompile(`^pl-[0-9a-f]{8,17}$`)
	kmsKeyIDPattern   = regexp.MustCompile(`^(arn:aws:kms:[a-z0-9-]+:[0-9]{12}:(key/(mrk-)?[0-9a-f-]{32,36}|alias/[A-Za-z0-9/_-]{1,250})|alias/[A-Za-z0-9/_-]{1,250}|(mrk-)?[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)
	nodeEnvPattern    = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)
)

// findPrefixList tells how to look up the CloudFront prefix list id.
const findPrefixList = "find it with: aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing --query 'PrefixLists[0].PrefixListId'"

// problems collects the messages for one file, one line each.
type problems struct {
	file string
	errs []error
	more int // problems beyond maxProblemsPerFile, counted only
}

// maxProblemsPerFile bounds the lines printed for one file: a generated
// file with 480,000 bad list entries is checked in full, but the terminal
// gets the first problems and a count, not 77 MB.
const maxProblemsPerFile = 50

// add records the problem "<file>: <field>: <message>".
func (p *problems) add(field, format string, args ...any) {
	if p.full() {
		return
	}
	p.line(field + ": " + fmt.Sprintf(format, args...))
}

// full reports whether no more problems are printed; if so, it counts one.
func (p *problems) full() bool {
	if len(p.errs) < maxProblemsPerFile {
		return false
	}
	p.more++
	return true
}

// line records the problem "<file>: <msg>".
func (p *problems) line(msg string) {
	if p.full() {
		return
	}
	p.errs = append(p.errs, errors.New(redact(p.file+": "+msg)))
}

// err joins the problems, or is nil without any.
func (p *problems) err() error {
	errs := p.errs
	if p.more > 0 {
		errs = append(errs, fmt.Errorf("%s: %d more problems not shown; fix the ones above first", p.file, p.more))
	}
	return errors.Join(errs...)
}

// validate reports every problem of e at once, each naming file and field.
func (e *Environment) validate() error {
	p := &problems{file: e.File}
	e.validateNaming(p)
	e.validateNetwork(p)
	e.validateBridge(p)
	e.validateEdge(p)
	e.validateBackend(p)
	e.validateAlerts(p)
	e.validateLimits(p)
	e.checkValues(p, reflect.ValueOf(e).Elem(), "", false)
	return p.err()
}

func (e *Environment) validateNaming(p *problems) {
	if msg := checkRegion(e.Region); msg != "" {
		p.add("region", "%s", msg)
	}
	if len(e.Name) > maxEnvName {
		p.add("file name", "environment name %q is %d characters; at most %d fit into the AWS resource names built from it (<project>-<env>-alb has at most 32)", e.Name, len(e.Name), maxEnvName)
	} else if !projectPattern.MatchString(e.ProjectName) {
		p.add("projectName", "%q must be lowercase letters, digits and single hyphens, starting with a letter (e.g. \"n8n-builder\")", e.ProjectName)
	} else {
		for _, l := range nameLimits {
			if n := len(e.Prefix()) + len(l.suffix); n > l.max {
				p.add("projectName", "%q is too long: the %s %q would be %d characters, AWS allows %d; use at most %d characters for environment %q",
					e.ProjectName, l.what, e.Prefix()+l.suffix, n, l.max, l.max-len(l.suffix)-len(e.Name)-1, e.Name)
				break
			}
		}
		for _, r := range reservedNameStarts {
			if name := e.Prefix() + r.suffix; strings.HasPrefix(name, r.start) {
				p.add("projectName", "%q would make the %s %q, and AWS refuses names starting with %q; choose another project name", e.ProjectName, r.what, name, r.start)
			}
		}
	}
	if !contains(RetentionDays, e.LogRetentionDays) {
		p.add("logRetentionDays", "%d is not a CloudWatch Logs retention; valid: %s", e.LogRetentionDays, joinInts(RetentionDays))
	}
	if e.DomainName != "" {
		if msg := checkDomainName(e.DomainName); msg != "" {
			p.add("domainName", "%q %s", shorten(e.DomainName), msg)
		}
	}
	if e.HostedZoneID != "" {
		if !zoneIDPattern.MatchString(e.HostedZoneID) {
			p.add("hostedZoneId", "%q is not a Route 53 hosted zone id (e.g. \"Z0123456789ABCDEFGHIJ\")", e.HostedZoneID)
		}
		if e.DomainName == "" {
			p.add("hostedZoneId", "is set but domainName is empty; set domainName to a name in that zone")
		}
	}
}

func (e *Environment) validateNetwork(p *problems) {
	n := e.Network
	vpc, err := netip.ParsePrefix(n.VpcCidr)
	switch {
	case err != nil || !vpc.Addr().Is4():
		p.add("network.vpcCidr", "%q is not an IPv4 CIDR (e.g. \"10.0.0.0/16\")", n.VpcCidr)
	case vpc.Masked() != vpc:
		p.add("network.vpcCidr", "%q has host bits set; did you mean %q?", n.VpcCidr, vpc.Masked().String())
	case vpc.Bits() < 16 || vpc.Bits() > 24:
		p.add("network.vpcCidr", "%q: the prefix length must be /16 to /24 (AWS allows /16 at most; /24 leaves four /28 subnets)", n.VpcCidr)
	case !vpcAllowed(vpc):
		p.add("network.vpcCidr", "%q is a range AWS does not allow for a VPC (this network, loopback, link-local, multicast or reserved); use a private range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16", n.VpcCidr)
	case vpc.String() != n.VpcCidr:
		p.add("network.vpcCidr", "%q is not written canonically; write %q", n.VpcCidr, vpc.String())
	}

	if len(n.AvailabilityZones) != 2 {
		p.add("network.availabilityZones", "needs exactly two AZs of region %s, got %d (e.g. [\"%sa\", \"%sb\"])", e.Region, len(n.AvailabilityZones), e.Region, e.Region)
	} // two equal AZs: a duplicate, reported by the generic list check
	for i, az := range n.AvailabilityZones {
		// An AZ name is its region's name and one letter (us-east-1a); AZ
		// IDs (use1-az1) and Local Zones (us-east-1-bos-1a) do not qualify.
		if len(az) != len(e.Region)+1 || !strings.HasPrefix(az, e.Region) || az[len(az)-1] < 'a' || az[len(az)-1] > 'z' {
			p.add(fmt.Sprintf("network.availabilityZones[%d]", i), "%q is not an AZ of region %s (e.g. %q)", shorten(az), e.Region, e.Region+"a")
		}
	}

	e.validateSubnets(p, vpc, err == nil && vpc.Masked() == vpc)

	switch n.NatMode {
	case NatSingle, NatPerAZ:
	case NatNone:
		if e.Protected {
			p.add("network.natMode", "%q puts the bridge tasks in public subnets with public IPs; allowed only where protected is false (use %q or %q)", NatNone, NatSingle, NatPerAZ)
		}
	default:
		p.add("network.natMode", "%q is not a NAT mode; valid: %q (one NAT gateway per AZ), %q (one NAT gateway) or %q (no NAT gateway, tasks in public subnets; unprotected environments only)", n.NatMode, NatPerAZ, NatSingle, NatNone)
	}
	if len(n.BridgeEgressPorts) == 0 {
		p.add("network.bridgeEgressPorts", "must list at least one port (443 for the Anthropic API and AWS endpoints)")
	}
	for i, port := range n.BridgeEgressPorts {
		if port < 1 || port > 65535 {
			p.add(fmt.Sprintf("network.bridgeEgressPorts[%d]", i), "%d is not a TCP port (1-65535)", port)
		}
	}
	if !contains(RetentionDays, n.FlowLogs.RetentionDays) {
		p.add("network.flowLogs.retentionDays", "%d is not a CloudWatch Logs retention; valid: %s", n.FlowLogs.RetentionDays, joinInts(RetentionDays))
	}
}

// validateSubnets checks the (given or derived) subnet CIDRs: two of each,
// inside the VPC, at most /28, no overlaps.
func (e *Environment) validateSubnets(p *problems, vpc netip.Prefix, vpcOK bool) {
	type subnet struct {
		field  string
		prefix netip.Prefix
	}
	var subnets []subnet
	for _, list := range []struct {
		field string
		cidrs []string
	}{{"network.publicSubnetCidrs", e.Network.PublicSubnetCidrs}, {"network.privateSubnetCidrs", e.Network.PrivateSubnetCidrs}} {
		if len(list.cidrs) != 2 {
			if vpcOK {
				p.add(list.field, "needs one CIDR per AZ (two), got %d; or leave out both subnet lists to derive them from network.vpcCidr", len(list.cidrs))
			}
			continue
		}
		for i, c := range list.cidrs {
			field := fmt.Sprintf("%s[%d]", list.field, i)
			s, err := netip.ParsePrefix(c)
			switch {
			case err != nil || !s.Addr().Is4() || s.Masked() != s:
				p.add(field, "%q is not an IPv4 network CIDR (e.g. \"10.0.0.0/20\")", c)
				continue
			case s.Bits() > 28:
				p.add(field, "%q is smaller than /28, the smallest subnet AWS allows", c)
			case vpcOK && (!vpc.Contains(s.Addr()) || s.Bits() < vpc.Bits()):
				p.add(field, "%q does not fit inside network.vpcCidr %q", c, vpc.String())
			}
			subnets = append(subnets, subnet{field, s})
		}
	}
	for i := range subnets {
		for j := i + 1; j < len(subnets); j++ {
			if subnets[i].prefix.Overlaps(subnets[j].prefix) {
				p.add(subnets[j].field, "%q overlaps %s %q; subnet CIDRs must not overlap", subnets[j].prefix.String(), subnets[i].field, subnets[i].prefix.String())
			}
		}
	}
}

func (e *Environment) validateBridge(p *problems) {
	b := e.Bridge
	if mems, ok := FargateMemory[b.Cpu]; !ok {
		p.add("bridge.cpu", "%d is not a Fargate CPU size; valid: %s", b.Cpu, joinInts(sortedKeys(FargateMemory)))
	} else if !contains(mems, b.Memory) {
		p.add("bridge.memory", "%d MiB is not offered by Fargate with %d CPU units; valid: %s", b.Memory, b.Cpu, joinInts(mems))
	}
	if b.DesiredCount < 0 {
		p.add("bridge.desiredCount", "%d must be 0 or more", b.DesiredCount)
	}
	if !contains(ecs.Architectures, b.Architecture) {
		p.add("bridge.architecture", "%q is not a Fargate architecture; valid: %s", b.Architecture, quoteJoin(ecs.Architectures))
	}
	if b.EphemeralStorageGiB < ecs.MinEphemeralStorageGiB || b.EphemeralStorageGiB > ecs.MaxEphemeralStorageGiB {
		p.add("bridge.ephemeralStorageGiB", "%d must be %d to %d (GiB; %d is included in the Fargate price)",
			b.EphemeralStorageGiB, ecs.MinEphemeralStorageGiB, ecs.MaxEphemeralStorageGiB, ecs.MinEphemeralStorageGiB)
	}
	if b.Image == "" && !imageTagPattern.MatchString(b.ImageTag) {
		p.add("bridge.imageTag", "%q is not a valid image tag (letters, digits, '_', '.', '-'; up to 128, not starting with '.' or '-')", shorten(b.ImageTag))
	}
	if b.Image != "" {
		if msg := checkImage(b.Image); msg != "" {
			p.add("bridge.image", "%s", msg)
		}
		if e.set["bridge.imageTag"] {
			p.add("bridge.imageTag", "is ignored when bridge.image is set; put the tag into bridge.image (\"<repository>:<tag>\") and remove bridge.imageTag")
		}
	}
	if e.ECR.ImmutableTags && b.Image == "" && b.ImageTag == "latest" {
		p.add("bridge.imageTag", "\"latest\" cannot be pushed twice when ecr.immutableTags is true; pin a version (e.g. \"1.0.0\") or set ecr.immutableTags to false")
	}
	if !nodeEnvPattern.MatchString(b.NodeEnv) {
		p.add("bridge.nodeEnv", "%q must be 1-64 letters, digits, '_', '.' or '-' (e.g. \"production\")", shorten(b.NodeEnv))
	}
	for _, k := range sortedKeys(b.Environment) {
		switch {
		case isAPIKeyName(k):
			p.add(join("bridge.environment", k), "would put the Anthropic API key in plain text into the task definition; the stack injects %s from the secret %s: store the key there (README: The API key secret)", ecs.APIKeyVariable, e.SecretName())
		case !envVarPattern.MatchString(k):
			p.add(join("bridge.environment", k), "is not a valid environment variable name (letters, digits, '_', not starting with a digit)")
		case contains(ecs.ReservedEnvironment, k):
			p.add(join("bridge.environment", k), "is set by the stack; use bridge.nodeEnv for %s, and the secret for %s", ecs.NodeEnvVariable, ecs.APIKeyVariable)
		}
	}
	if b.FargateSpot && e.Protected {
		p.add("bridge.fargateSpot", "Spot tasks can be stopped with two minutes' notice, cutting WebSocket sessions; allowed only where protected is false")
	}
	if b.FargateSpot && b.Architecture != ecs.SpotArchitecture {
		p.add("bridge.fargateSpot", "Fargate Spot runs %s tasks only; set bridge.architecture to %q or turn Spot off", ecs.SpotArchitecture, ecs.SpotArchitecture)
	}
	if b.HealthCheckGracePeriodSeconds < 1 || b.HealthCheckGracePeriodSeconds > 7200 {
		p.add("bridge.healthCheckGracePeriodSeconds", "%d must be 1 to 7200", b.HealthCheckGracePeriodSeconds)
	}
	if b.DrainSeconds < ecs.MinStopTimeoutSeconds || b.DrainSeconds > loadbalancer.MaxDeregistrationDelaySeconds {
		p.add("bridge.drainSeconds", "%d must be %d to %d (the target group's deregistration delay; the container's stop timeout is the same, at most %d)",
			b.DrainSeconds, ecs.MinStopTimeoutSeconds, loadbalancer.MaxDeregistrationDelaySeconds, ecs.MaxStopTimeoutSeconds)
	}
	const oneTask = "needs bridge.sharedSessionState: the bridge keeps sessions in memory and n8n's /error-callback carries no stickiness cookie, so with two or more tasks a callback can reach a task that does not hold the session; set sharedSessionState to true once your bridge shares its sessions (e.g. in Redis), or run one task"
	if b.DesiredCount > 1 && !b.SharedSessionState {
		p.add("bridge.desiredCount", "%d tasks %s", b.DesiredCount, oneTask)
	}
	if b.Autoscaling.Enabled && !b.SharedSessionState {
		p.add("bridge.autoscaling.enabled", "%s", oneTask)
	}
	// The values of a section that is switched off are checked all the same
	// (see validateSchedule).
	a := b.Autoscaling
	if a.MinTasks < 1 {
		p.add("bridge.autoscaling.minTasks", "%d must be at least 1", a.MinTasks)
	}
	if a.MaxTasks < a.MinTasks {
		p.add("bridge.autoscaling.maxTasks", "%d is less than minTasks %d", a.MaxTasks, a.MinTasks)
	}
	if a.Enabled && (b.DesiredCount < a.MinTasks || b.DesiredCount > a.MaxTasks) {
		p.add("bridge.desiredCount", "%d must be within autoscaling minTasks..maxTasks (%d..%d): it is the starting size", b.DesiredCount, a.MinTasks, a.MaxTasks)
	}
	if a.CpuTargetPercent < 1 || a.CpuTargetPercent > 100 {
		p.add("bridge.autoscaling.cpuTargetPercent", "%d must be 1 to 100", a.CpuTargetPercent)
	}
	if a.RequestsPerTarget < 1 {
		p.add("bridge.autoscaling.requestsPerTarget", "%d must be at least 1", a.RequestsPerTarget)
	}
	e.validateSchedule(p)
	if e.ECR.UntaggedExpiryDays < 1 {
		p.add("ecr.untaggedExpiryDays", "%d must be at least 1", e.ECR.UntaggedExpiryDays)
	}
	if e.ECR.KeepTaggedImages < 1 {
		p.add("ecr.keepTaggedImages", "%d must be at least 1", e.ECR.KeepTaggedImages)
	}
	// An unprotected environment deletes its secret at once whatever the
	// window says, so 0 is allowed there; any other value must be one a
	// protected environment could use.
	if w := e.Secret.RecoveryWindowDays; (w < 7 || w > 30) && (e.Protected || w != 0) {
		p.add("secret.recoveryWindowDays", "%d must be 7 to 30 (0 is allowed where protected is false)", w)
	}
}

// validateSchedule checks the office-hours schedule. Its values are checked
// when it is off too, as those of every switched-off section: a value that
// would be refused is refused now, not when someone turns the switch on. A
// valid value under a switch that is off is kept (turning a feature off and
// on stays a one-field change); only rules that tie a section to the rest
// of the stack wait for the switch.
func (e *Environment) validateSchedule(p *problems) {
	b := e.Bridge
	sc := b.Schedule
	if len(sc.Days) == 0 {
		p.add("bridge.schedule.days", "must list at least one day (e.g. [\"MON\", \"TUE\", \"WED\", \"THU\", \"FRI\"])")
	}
	for i, d := range sc.Days {
		field := fmt.Sprintf("bridge.schedule.days[%d]", i)
		// A day listed twice is reported by the generic list check.
		if !contains(ecs.Weekdays, d) {
			p.add(field, "%q is not a day; valid: %s", d, strings.Join(ecs.Weekdays, ", "))
		}
	}
	if sc.StartHour < 0 || sc.StartHour > 23 {
		p.add("bridge.schedule.startHour", "%d must be a whole hour 0 to 23", sc.StartHour)
	}
	if sc.StopHour < 0 || sc.StopHour > 23 {
		p.add("bridge.schedule.stopHour", "%d must be a whole hour 0 to 23 (23 stops at 23:00)", sc.StopHour)
	}
	if sc.StartHour >= sc.StopHour {
		p.add("bridge.schedule.stopHour", "%d must be after startHour %d: the service starts at startHour:00 and stops at stopHour:00 the same day (a schedule past midnight is not supported)", sc.StopHour, sc.StartHour)
	}
	if !validTimeZone(sc.TimeZone) {
		p.add("bridge.schedule.timeZone", "%q is not an IANA time zone name; use one like \"Europe/Berlin\", \"America/New_York\" or \"UTC\" (case matters)", sc.TimeZone)
	}
	if sc.Enabled && !b.Autoscaling.Enabled && b.DesiredCount < 1 {
		p.add("bridge.schedule", "starts bridge.desiredCount tasks at startHour, which is %d; set desiredCount to at least 1 or turn the schedule off", b.DesiredCount)
	}
}

// tzNamePattern is the shape of IANA zone names ("America/Argentina/Salta",
// "Etc/GMT+5", "UTC"): each part starts with a capital. It keeps out what
// time.LoadLocation accepts but AWS does not: "" and "Local" (this machine's
// zone), and on a case-insensitive file system "europe/berlin".
var tzNamePattern = regexp.MustCompile(`^[A-Z][A-Za-z0-9_+-]*(/[A-Z][A-Za-z0-9_+-]*)*$`)

// validTimeZone reports whether name is a zone of the IANA time zone
// database: the machine's, or where it has none (a slim container, Windows)
// the copy Go embeds with time/tzdata, so no machine refuses every name.
// The two copies differ at most in zones added or renamed in the latest
// releases of the database.
func validTimeZone(name string) bool {
	if name == "Local" || !tzNamePattern.MatchString(name) {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

// validateEdge checks the load balancer, the UI and the custom domain.
func (e *Environment) validateEdge(p *problems) {
	lb := e.LoadBalancer
	switch {
	case lb.HTTPS && e.DomainName == "":
		p.add("loadBalancer.https", "needs domainName: the bridge is served as api.<domainName>, the name on its certificate, which CloudFront connects to")
	case lb.HTTPS && lb.CertificateArn == "" && e.HostedZoneID == "":
		p.add("loadBalancer.https", "needs a certificate: set loadBalancer.certificateArn (for api.%s), or hostedZoneId to create one", e.DomainName)
	}
	if lb.CertificateArn != "" {
		if !lb.HTTPS {
			p.add("loadBalancer.certificateArn", "is set but loadBalancer.https is false; set https to true to use it")
		}
		if m := certArnPattern.FindStringSubmatch(lb.CertificateArn); m == nil {
			p.add("loadBalancer.certificateArn", "%q is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)", lb.CertificateArn)
		} else if m[1] != e.Region {
			p.add("loadBalancer.certificateArn", "is in %s; the ALB needs a certificate in its own region %s", m[1], e.Region)
		}
	}
	if !contains(loadbalancer.SslPolicies, lb.SslPolicy) {
		p.add("loadBalancer.sslPolicy", "%q is not a TLS 1.3 policy; valid: %s", lb.SslPolicy, strings.Join(loadbalancer.SslPolicies, ", "))
	}
	switch lb.Exposure {
	case ExposurePublic:
		checkCidrs(p, "loadBalancer.allowedCidrs", lb.AllowedCidrs, true, false)
	case ExposureCloudFront:
		if len(lb.AllowedCidrs) > 0 {
			p.add("loadBalancer.allowedCidrs", "applies only to loadBalancer.exposure %q: with %q the ALB is internal and admits nothing but CloudFront's VPC origin; remove it, and limit clients with waf.allowedCidrs instead", ExposurePublic, ExposureCloudFront)
		}
		if e.CloudFrontPrefixList() == "" {
			p.add("loadBalancer.cloudFrontPrefixListId", "is required with loadBalancer.exposure %q in %s, which has no built-in id: the internal ALB admits only CloudFront's origin-facing prefix list; %s", ExposureCloudFront, e.Region, findPrefixList)
		}
	default:
		p.add("loadBalancer.exposure", "%q is not an exposure; valid: %q (an internet-facing ALB) or %q (an internal ALB that only CloudFront reaches, through a VPC origin)", lb.Exposure, ExposurePublic, ExposureCloudFront)
	}
	if id := lb.CloudFrontPrefixListID; id != "" && !prefixListPattern.MatchString(id) {
		p.add("loadBalancer.cloudFrontPrefixListId", "%q is not a prefix list id (pl- and hex digits); %s", id, findPrefixList)
	}

	if !contains(PriceClasses, e.UI.PriceClass) {
		p.add("ui.priceClass", "%q is not a CloudFront price class; valid: %s", e.UI.PriceClass, strings.Join(PriceClasses, ", "))
	}
	if c := e.UI.CertificateArn; c != "" {
		if m := certArnPattern.FindStringSubmatch(c); m == nil {
			p.add("ui.certificateArn", "%q is not an ACM certificate ARN (arn:aws:acm:us-east-1:<account>:certificate/<id>)", c)
		} else if m[1] != "us-east-1" {
			p.add("ui.certificateArn", "is in %s; CloudFront only uses certificates from us-east-1", m[1])
		}
		if e.DomainName == "" {
			p.add("ui.certificateArn", "is set but domainName is empty; set domainName to the name on the certificate")
		}
	}
	if e.DomainName != "" && e.HostedZoneID == "" && e.UI.CertificateArn == "" {
		p.add("domainName", "CloudFront needs a certificate for %q: set hostedZoneId (a certificate is created) or ui.certificateArn", e.DomainName)
	}

	if e.WAF.RateLimitPer5Min < 10 || e.WAF.RateLimitPer5Min > 2000000000 {
		p.add("waf.rateLimitPer5Min", "%d must be 10 to 2000000000 requests per IP in 5 minutes", e.WAF.RateLimitPer5Min)
	}
	if e.WAF.Enabled {
		checkCidrs(p, "waf.allowedCidrs", e.WAF.AllowedCidrs, false, true)
		checkCidrs(p, "waf.callbackAllowedCidrs", e.WAF.CallbackAllowedCidrs, false, true)
		if len(e.WAF.CallbackAllowedCidrs) > 0 && !e.PrivateALB() {
			p.add("waf.callbackAllowedCidrs", "needs loadBalancer.exposure %q: with %q your n8n calls the ALB directly, around the WAF (narrow loadBalancer.allowedCidrs instead)", ExposureCloudFront, e.LoadBalancer.Exposure)
		}
	} else {
		for _, f := range []struct {
			field string
			cidrs []string
		}{{"waf.allowedCidrs", e.WAF.AllowedCidrs}, {"waf.callbackAllowedCidrs", e.WAF.CallbackAllowedCidrs}} {
			if len(f.cidrs) > 0 {
				p.add(f.field, "is set but waf.enabled is false; the allow-list is enforced by the WAF")
			}
		}
	}
}

func (e *Environment) validateBackend(p *problems) {
	if e.Backend == nil {
		return
	}
	s3 := e.Backend.S3
	if s3 == nil {
		p.add("backend.s3", "is required when backend is set (the only remote backend supported); remove backend for local state")
		return
	}
	if msg := checkBucket(s3.Bucket); msg != "" {
		p.add("backend.s3.bucket", "%s", msg)
	}
	switch k := s3.Key; {
	case strings.HasPrefix(k, "/") || strings.HasSuffix(k, "/") || strings.Contains(k, "//"):
		p.add("backend.s3.key", "%q must be an object key without a leading or trailing '/' and without '//'", shorten(k))
	case len(k) > 1024:
		p.add("backend.s3.key", "is %d bytes; S3 object keys have at most 1024", len(k))
	}
	if msg := checkRegion(s3.Region); msg != "" {
		p.add("backend.s3.region", "%s", msg)
	}
	if s3.KmsKeyID != "" && !kmsKeyIDPattern.MatchString(s3.KmsKeyID) {
		p.add("backend.s3.kmsKeyId", "%q is not a KMS key id, alias (alias/<name>) or ARN", shorten(s3.KmsKeyID))
	}
	if s3.KmsKeyID != "" && !s3.Encrypt {
		p.add("backend.s3.kmsKeyId", "is set but encrypt is false")
	}
}

func (e *Environment) validateAlerts(p *problems) {
	a := e.Alerts
	for i, addr := range a.Emails {
		if !monitoring.EmailPattern.MatchString(addr) {
			p.add(fmt.Sprintf("alerts.emails[%d]", i), "%q is not an e-mail address (e.g. \"oncall@example.com\")", addr)
		}
	}
	if a.MonthlyBudgetUsd < 0 {
		p.add("alerts.monthlyBudgetUsd", "%d must be 0 (no budget) or a monthly amount in US dollars", a.MonthlyBudgetUsd)
	}
	if a.On() {
		if !e.Bridge.ContainerInsights {
			p.add("alerts.enabled", "the alarm on running tasks reads Container Insights; set bridge.containerInsights to true, or alerts.enabled to false")
		}
		return
	}
	const off = "alerts are off (alerts.enabled is false, its default where protected is false); set alerts.enabled to true"
	if len(a.Emails) > 0 {
		p.add("alerts.emails", "is set but %s", off)
	}
	if a.MonthlyBudgetUsd > 0 {
		p.add("alerts.monthlyBudgetUsd", "is set but %s", off)
	}
}

// checkDomain returns why name is not a usable DNS name, or "".
func checkDomain(name string) string {
	if len("api."+name) > 253 {
		return "is too long: api.<domain> must fit in 253 characters"
	}
	labels := strings.Split(name, ".")
	if len(labels) < 2 {
		return "must have at least two labels (e.g. \"builder.example.com\")"
	}
	for _, l := range labels {
		if !dnsLabelPattern.MatchString(l) {
			return fmt.Sprintf("has an invalid label %q: lowercase letters, digits and inner hyphens, 1-63 characters (e.g. \"builder.example.com\")", l)
		}
	}
	return ""
}

// deriveSubnets splits vpc into 16 equal blocks: public subnets take the
// first two, private the next two; the rest is left for growth.
func deriveSubnets(vpcCidr string) (public, private []string, ok bool) {
	vpc, err := netip.ParsePrefix(vpcCidr)
	if err != nil || !vpc.Addr().Is4() || vpc.Masked() != vpc || vpc.Bits() < 16 || vpc.Bits() > 24 {
		return nil, nil, false
	}
	bits := vpc.Bits() + 4
	size := uint32(1) << (32 - bits)
	base := vpc.Addr().As4()
	start := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	block := func(i uint32) string {
		a := start + i*size
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)}), bits).String()
	}
	return []string{block(0), block(1)}, []string{block(2), block(3)}, true
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// quoteJoin lists values quoted: "a" or "b", "a", "b" or "c".
func quoteJoin(v []string) string {
	q := make([]string, len(v))
	for i, s := range v {
		q[i] = strconv.Quote(s)
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

func sortedKeys[K interface{ ~int | ~string }, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}
