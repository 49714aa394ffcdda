package environments

import "fmt"

// NameSuffixes are the <thing> parts of the fixed AWS resource names
// <project>-<env>-<thing> the stacks create (the stacks' golden files are
// checked against this list). Two environments whose names meet would fight
// over one resource: IAM role names are global to the account.
var NameSuffixes = []string{
	"alb", "alerts", "allowed-clients", "anthropic-key", "bridge", "bridge-cpu", "bridge-office-hours-start",
	"bridge-office-hours-stop", "bridge-requests",
	"cloudfront", "cluster", "ecs-execution", "ecs-task", "flow-logs", "monthly", "tg", "ui",
	"cloudfront-log-delivery", "spa-routing", "ui-security-headers",
}

// acrossFiles reports what no single file shows: two environments that would
// create a resource of the same name, or share one state object.
func acrossFiles(envs []*Environment) []error {
	var errs []error
	owner := map[string]*Environment{}
	for _, e := range envs {
		for _, thing := range NameSuffixes {
			name := e.ResourceName(thing)
			if other, ok := owner[name]; ok && other != e {
				errs = append(errs, fmt.Errorf("%s: projectName: %q with environment %q names a resource %q, as %s does (projectName %q, environment %q); AWS names must differ: change projectName in one of them",
					e.File, e.ProjectName, e.Name, name, other.File, other.ProjectName, other.Name))
				break
			}
		}
		for _, thing := range NameSuffixes {
			if _, ok := owner[e.ResourceName(thing)]; !ok {
				owner[e.ResourceName(thing)] = e
			}
		}
	}
	state := map[string]*Environment{}
	for _, e := range envs {
		if e.Backend == nil || e.Backend.S3 == nil {
			continue
		}
		// Bucket names are global, so the region does not tell two apart.
		obj := "s3://" + e.Backend.S3.Bucket + "/" + e.Backend.S3.Key
		if other, ok := state[obj]; ok {
			errs = append(errs, fmt.Errorf("%s: backend.s3.key: the state object %s is also the state of %s; each environment needs its own key (or leave key out: <project>/<env>/terraform.tfstate)",
				e.File, obj, other.File))
			continue
		}
		state[obj] = e
	}
	return errs
}
