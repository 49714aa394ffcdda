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

// lockSuffix ends the name of the S3 lock file Terraform keeps beside a
// state object (backend "s3", use_lockfile).
const lockSuffix = ".tflock"

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
	// A CloudFront alias belongs to one distribution, a DNS record to one
	// stack: the names under domainName must differ between environments.
	hosts := map[string]*Environment{}
	for _, e := range envs {
		for _, host := range e.hostNames() {
			if other, ok := hosts[host]; ok && other != e {
				errs = append(errs, fmt.Errorf("%s: domainName: %q is also served by %s; a CloudFront alias and its DNS record belong to one environment: use another name",
					e.File, host, other.File))
				break
			}
			hosts[host] = e
		}
	}
	// An S3 backend writes two objects: the state, and while a run holds the
	// lock, <key>.tflock beside it (use_lockfile). Each must be one
	// environment's alone.
	type object struct {
		env  *Environment
		lock bool
	}
	objects := map[string]object{}
	for _, e := range envs {
		if e.Backend == nil || e.Backend.S3 == nil {
			continue
		}
		// Bucket names are global, so the region does not tell two apart.
		s3 := e.Backend.S3
		state := "s3://" + s3.Bucket + "/" + s3.Key
		mine := []object{{e, false}}
		if s3.UseLockfile {
			mine = append(mine, object{e, true})
		}
		for _, o := range mine {
			name := state
			if o.lock {
				name += lockSuffix
			}
			other, ok := objects[name]
			switch {
			case !ok:
				objects[name] = o
				continue
			case !o.lock && !other.lock:
				errs = append(errs, fmt.Errorf("%s: backend.s3.key: the state object %s is also the state of %s; each environment needs its own key (or leave key out: <project>/<env>/terraform.tfstate)",
					e.File, name, other.env.File))
			case !o.lock:
				errs = append(errs, fmt.Errorf("%s: backend.s3.key: the state object %s is the lock file of %s (Terraform writes <key>%s beside its state while it runs); use another key",
					e.File, name, other.env.File, lockSuffix))
			default:
				errs = append(errs, fmt.Errorf("%s: backend.s3.key: the lock file of this state, %s, is the state object of %s (Terraform writes <key>%s beside the state while it runs); use another key",
					e.File, name, other.env.File, lockSuffix))
			}
			break // one message per environment
		}
	}
	return errs
}

// hostNames are the DNS names the environment serves: the UI's, and the
// bridge's when it has its own (HTTPS).
func (e *Environment) hostNames() []string {
	if e.DomainName == "" {
		return nil
	}
	if e.LoadBalancer.HTTPS {
		return []string{e.DomainName, e.APIDomain()}
	}
	return []string{e.DomainName}
}
