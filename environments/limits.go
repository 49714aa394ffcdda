package environments

import "fmt"

// validateLimits checks the quotas and size limits AWS applies to what the
// environment builds: security group rules, task counts, the container
// definition, certificate names.
func (e *Environment) validateLimits(p *problems) {
	lb := e.LoadBalancer
	rules := albListenerPorts * len(lb.AllowedCidrs)
	if lb.CloudFrontPrefixListID != "" {
		rules += cloudFrontPrefixListRules
	}
	if rules > sgRuleQuota {
		max := sgRuleQuota / albListenerPorts
		why := ""
		if lb.CloudFrontPrefixListID != "" {
			max = (sgRuleQuota - cloudFrontPrefixListRules) / albListenerPorts
			why = fmt.Sprintf(" (the CloudFront prefix list counts as %d)", cloudFrontPrefixListRules)
		}
		p.add("loadBalancer.allowedCidrs", "lists %d CIDRs, which make %d inbound rules on the ALB's security group%s; AWS allows %d: list at most %d CIDRs, or merge them into wider ranges",
			len(lb.AllowedCidrs), rules, why, sgRuleQuota, max)
	}
	if n := len(e.Network.BridgeEgressPorts); n > sgRuleQuota {
		p.add("network.bridgeEgressPorts", "lists %d ports; a security group holds at most %d outbound rules", n, sgRuleQuota)
	}

	counts := []struct {
		field string
		n     int
	}{
		{"bridge.desiredCount", e.Bridge.DesiredCount},
		{"bridge.autoscaling.minTasks", e.Bridge.Autoscaling.MinTasks},
		{"bridge.autoscaling.maxTasks", e.Bridge.Autoscaling.MaxTasks},
	}
	for _, c := range counts {
		if c.n > maxTasks {
			p.add(c.field, "%d tasks is more than %d, the most this app runs (every task is a full Fargate task; raise maxTasks in environments/awsrules.go deliberately)", c.n, maxTasks)
		}
	}

	if n := e.containerDefinitionBytes(); n > maxContainerDefinitionBytes {
		p.add("bridge.environment", "makes the container definition about %d bytes; an ECS task definition may have 64 KiB (at most %d for the container): move large values elsewhere (a file in the image, SSM parameters)", n, maxContainerDefinitionBytes)
	}

	// ACM puts the first name of a certificate into its common name, which
	// has at most 64 characters; the stack requests certificates for the
	// UI's name and for api.<domainName>.
	if e.ManagesDNS() {
		if e.UI.CertificateArn == "" && len(e.DomainName) > acmMaxDomain {
			p.add("domainName", "%q is %d characters; ACM certificates take at most %d: use a shorter name or bring a certificate (ui.certificateArn)", shorten(e.DomainName), len(e.DomainName), acmMaxDomain)
		}
		if api := e.APIDomain(); e.LoadBalancer.HTTPS && e.LoadBalancer.CertificateArn == "" && len(api) > acmMaxDomain {
			p.add("domainName", "makes the bridge's name %q %d characters; ACM certificates take at most %d: use a domain of at most %d characters or bring a certificate (loadBalancer.certificateArn)", shorten(api), len(api), acmMaxDomain, acmMaxDomain-len("api."))
		}
	}
}
