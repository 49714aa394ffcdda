package environments

import (
	"strings"

	"github.com/n8n-builder/infra/modules/networking"
)

// Prefix is the start of every resource name: <project>-<env>.
func (e *Environment) Prefix() string { return e.ProjectName + "-" + e.Name }

// ResourceName returns the resource name <project>-<env>-<thing>.
func (e *Environment) ResourceName(thing string) string { return e.Prefix() + "-" + thing }

// APIDomain is the bridge's custom name, "api.<domainName>", or "" without a domain.
func (e *Environment) APIDomain() string {
	if e.DomainName == "" {
		return ""
	}
	return "api." + e.DomainName
}

// ManagesDNS reports whether the stack creates certificates and Route 53 records.
func (e *Environment) ManagesDNS() bool { return e.DomainName != "" && e.HostedZoneID != "" }

// secretThing names the API key secret: <project>-<env>-anthropic-key.
const secretThing = "anthropic-key"

// SecretName is the name of the API key secret, which error messages point to.
func (e *Environment) SecretName() string { return e.ResourceName(secretThing) }

// isAPIKeyName reports whether an environment variable name means the
// Anthropic API key (or Claude's token) in any case or spelling:
// ANTHROPIC_API_KEY, anthropic-api-key, AnthropicApiKey, " ANTHROPIC_KEY ".
func isAPIKeyName(name string) bool {
	var b strings.Builder
	for _, r := range strings.ToUpper(name) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	n := b.String()
	secretish := strings.Contains(n, "KEY") || strings.Contains(n, "TOKEN") || strings.Contains(n, "SECRET")
	return secretish && (strings.Contains(n, "ANTHROPIC") || strings.Contains(n, "CLAUDE"))
}

// maxEnvName is the longest environment name that leaves room for a
// one-character project name in every name of nameLimits.
var maxEnvName = func() int {
	n := 1 << 10
	for _, l := range nameLimits {
		n = min(n, l.max-len(l.suffix)-len("p-"))
	}
	return n
}()

// LocalStateFile is where an environment without a backend keeps its state,
// relative to the project root.
func (e *Environment) LocalStateFile() string { return "terraform." + e.Name + ".tfstate" }

// LocalStateWarning is a one-line warning for a protected environment whose
// state is a local file (one disk, no lock, no history), or "" when there is
// nothing to warn about.
func (e *Environment) LocalStateWarning() string {
	if !e.Protected || (e.Backend != nil && e.Backend.S3 != nil) {
		return ""
	}
	return e.File + ": protected, but its state is the local file " + e.LocalStateFile() +
		`; set backend.s3 (README "Remote state")`
}

// PrivateALB reports whether the ALB is internal, reached only by CloudFront
// through a VPC origin (loadBalancer.exposure "cloudfront").
func (e *Environment) PrivateALB() bool { return e.LoadBalancer.Exposure == ExposureCloudFront }

// CloudFrontPrefixList is the id of the region's CloudFront origin-facing
// prefix list for the ALB's security group: loadBalancer.cloudFrontPrefixListId,
// else, where the ALB is private, the region's entry in
// networking.CloudFrontOriginFacingPrefixLists; "" when there is none.
func (e *Environment) CloudFrontPrefixList() string {
	if id := e.LoadBalancer.CloudFrontPrefixListID; id != "" || !e.PrivateALB() {
		return id
	}
	return networking.CloudFrontOriginFacingPrefixLists[e.Region]
}
