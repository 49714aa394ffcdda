package environments

// AWS rules that a value must meet beyond its shape: the ones AWS or
// Terraform would otherwise refuse at apply time, halfway through a deploy.

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/n8n-builder/infra/modules/frontend"
	"github.com/n8n-builder/infra/modules/loadbalancer"
)

// regionPattern matches the region names of the AWS commercial partition
// ("aws"): a geography, a direction and a number. A pattern, not a list, so
// new regions (ap-east-2, ap-southeast-6, ...) work on the day they open.
// GovCloud (us-gov-*), China (cn-*), the ISO and sovereign partitions use
// other ARNs and endpoints and do not match.
var regionPattern = regexp.MustCompile(`^(af|ap|ca|eu|il|me|mx|sa|us)-(central|north|south|east|west|northeast|northwest|southeast|southwest)-[1-9][0-9]?$`)

// checkRegion returns why region is not a commercial region, or "".
func checkRegion(region string) string {
	switch {
	case regionPattern.MatchString(region):
		return ""
	case regionPattern.MatchString(strings.ToLower(region)):
		return fmt.Sprintf("%q must be lowercase: %q", region, strings.ToLower(region))
	case len(region) > 1 && region[len(region)-1] >= 'a' && region[len(region)-1] <= 'z' && regionPattern.MatchString(region[:len(region)-1]):
		return fmt.Sprintf("%q is an availability zone; the region is %q", region, region[:len(region)-1])
	case strings.HasPrefix(region, "us-gov-") || strings.HasPrefix(region, "cn-") || strings.Contains(region, "-iso"):
		return fmt.Sprintf("%q is in another AWS partition (GovCloud, China or ISO), which this app does not support; use a commercial region such as \"us-east-1\"", region)
	}
	return fmt.Sprintf("%q is not an AWS commercial region (<geography>-<direction>-<number>, e.g. \"us-east-1\", \"eu-central-2\", \"ap-east-2\")", shorten(region))
}

// imagePattern is the image reference grammar of the OCI distribution spec
// (github.com/distribution/reference): [registry[:port]/]path[:tag][@digest],
// path components lowercase.
var imagePattern = func() *regexp.Regexp {
	const (
		alnum     = `[a-z0-9]+`
		separator = `(?:[._]|__|[-]+)`
		component = alnum + `(?:` + separator + alnum + `)*`
		hostPart  = `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`
		host      = `(?:` + hostPart + `(?:\.` + hostPart + `)*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?`
		tag       = `[\w][\w.-]{0,127}`
		digest    = `(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})`
	)
	return regexp.MustCompile(`^(?:` + host + `/)?` + component + `(?:/` + component + `)*(?::` + tag + `)?(?:@` + digest + `)?$`)
}()

// maxImageBytes is the limit of an ECS container definition's image field.
const maxImageBytes = 255

// checkImage returns why ref is not an image reference ECS can pull, or "".
func checkImage(ref string) string {
	const example = ` (e.g. "ghcr.io/org/bridge:1.2.3" or "123456789012.dkr.ecr.us-east-1.amazonaws.com/bridge@sha256:<64 hex>")`
	switch {
	case len(ref) > maxImageBytes:
		return fmt.Sprintf("is %d characters; ECS accepts image references of at most %d", len(ref), maxImageBytes)
	case !imagePattern.MatchString(ref):
		return fmt.Sprintf("%q is not an OCI image reference: [registry/]repository[:tag][@sha256:digest], repository in lowercase%s", shorten(ref), example)
	}
	return ""
}

// Bucket naming rules of S3 general purpose buckets
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
var (
	bucketPattern          = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	reservedBucketPrefixes = []string{"xn--", "sthree-", "amzn-s3-demo-"}
	reservedBucketSuffixes = []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}
)

// checkBucket returns why name is not a usable S3 bucket name, or "".
func checkBucket(name string) string {
	const rule = "3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit"
	switch {
	case !bucketPattern.MatchString(name):
		return fmt.Sprintf("%q is not an S3 bucket name: %s", shorten(name), rule)
	case strings.Contains(name, "."):
		// Virtual-hosted-style HTTPS (bucket.s3.<region>.amazonaws.com) fails
		// certificate validation with dots, and AWS advises against them.
		return fmt.Sprintf("%q has dots, which break HTTPS to the bucket's virtual-hosted name; use hyphens", name)
	}
	for _, p := range reservedBucketPrefixes {
		if strings.HasPrefix(name, p) {
			return fmt.Sprintf("%q starts with %q, a prefix S3 reserves", name, p)
		}
	}
	for _, s := range reservedBucketSuffixes {
		if strings.HasSuffix(name, s) {
			return fmt.Sprintf("%q ends with %q, a suffix S3 reserves", name, s)
		}
	}
	return ""
}

// reservedNameStarts are beginnings AWS refuses for names built from
// <project>-<env>: ALB names may not start with "internal-", security group
// names not with "sg-", and bucket names not with S3's reserved prefixes.
var reservedNameStarts = []struct{ what, suffix, start string }{
	{"ALB name", loadbalancer.ALBNameSuffix, "internal-"},
	{"security group name", "-alb", "sg-"},
	{"UI bucket prefix", frontend.BucketPrefixSuffix, "xn--"},
	{"UI bucket prefix", frontend.BucketPrefixSuffix, "sthree-"},
	{"UI bucket prefix", frontend.BucketPrefixSuffix, "amzn-s3-demo-"},
}

// acmMaxDomain is the longest name ACM accepts as a certificate's domain
// name (its common name); longer names fit only as additional names.
const acmMaxDomain = 64

// Security group quotas: rules per direction per group, and the weight of
// the CloudFront origin-facing prefix list (it counts as its maximum number
// of entries).
const (
	sgRuleQuota               = 60
	cloudFrontPrefixListRules = 55
	albListenerPorts          = 2 // every allowed CIDR gets a rule for 80 and for 443
)

// WAF IP set limit (addresses per set).
const wafIPSetMaxAddresses = 10000

// maxTasks bounds task counts: ECS allows 5,000 tasks per service, but a
// Fargate account starts with a far smaller vCPU quota; anything above this
// is a typo, not a plan.
const maxTasks = 100

// maxContainerDefinitionBytes is the budget for the container definition of
// the bridge: a task definition may be 64 KiB; the rest of it (roles,
// volumes, the other fields) takes well under 4 KiB.
const maxContainerDefinitionBytes = 60 * 1024

// containerDefinitionBytes estimates the size of the bridge's container
// definition: its fixed part, the image and every environment variable.
func (e *Environment) containerDefinitionBytes() int {
	const fixed = 1024 // name, ports, secret reference, log configuration, flags
	n := fixed + len(e.Bridge.Image) + len(e.Bridge.NodeEnv)
	for k, v := range e.Bridge.Environment {
		b, _ := json.Marshal(struct{ Name, Value string }{k, v})
		n += len(b) + 1
	}
	return n
}

// checkCidrs checks a list of IPv4 network CIDRs in canonical form.
// required demands at least one; wafSet applies the rules of a WAF IP set.
func checkCidrs(p *problems, field string, cidrs []string, required, wafSet bool) {
	if required && len(cidrs) == 0 {
		p.add(field, "must list at least one CIDR (\"0.0.0.0/0\" for everyone)")
	}
	if wafSet && len(cidrs) > wafIPSetMaxAddresses {
		p.add(field, "lists %d CIDRs; a WAF IP set holds at most %d", len(cidrs), wafIPSetMaxAddresses)
	}
	for i, c := range cidrs {
		f := fmt.Sprintf("%s[%d]", field, i)
		pre, err := netip.ParsePrefix(c)
		switch {
		case err != nil || !pre.Addr().Is4():
			p.add(f, "%q is not an IPv4 network CIDR (e.g. \"203.0.113.0/24\")", shorten(c))
		case pre.Masked() != pre:
			p.add(f, "%q has host bits set; did you mean %q?", c, pre.Masked().String())
		case pre.String() != c:
			p.add(f, "%q is not written canonically; write %q", c, pre.String())
		case wafSet && pre.Bits() == 0:
			p.add(f, "%q: AWS WAF IP sets do not accept /0; leave %s out to let every client through", c, field)
		}
	}
}

// vpcRefused are the IPv4 ranges EC2 refuses as a VPC's CIDR.
var vpcRefused = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("224.0.0.0/4"),
	netip.MustParsePrefix("240.0.0.0/4"),
}

func vpcAllowed(vpc netip.Prefix) bool {
	for _, r := range vpcRefused {
		if r.Overlaps(vpc) {
			return false
		}
	}
	return true
}

// checkDomainName returns why name is not a DNS name this app can serve, or "".
func checkDomainName(name string) string {
	if _, err := netip.ParseAddr(name); err == nil {
		return "is an IP address; CloudFront aliases and certificates need a domain name (e.g. \"builder.example.com\")"
	}
	if strings.HasSuffix(name, ".") {
		return fmt.Sprintf("ends with a dot; write %q", strings.TrimSuffix(name, "."))
	}
	if strings.ToLower(name) != name {
		return fmt.Sprintf("must be lowercase: %q", strings.ToLower(name))
	}
	if msg := checkDomain(name); msg != "" {
		return msg
	}
	labels := strings.Split(name, ".")
	if tld := labels[len(labels)-1]; strings.Trim(tld, "0123456789") == "" {
		return fmt.Sprintf("has the all-numeric top-level label %q; write a domain name, not an address", tld)
	}
	return ""
}
