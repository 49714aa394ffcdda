package environments

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
