package stacks_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/n8n-builder/infra/environments"
	"github.com/n8n-builder/infra/internal/testutil"
)

// applyChecks picks key values of an environment to assert after apply.
func applyChecks(s *stackOutput) []testutil.StateCheck {
	env := s.env
	addr := func(typ, part string) string {
		return strings.TrimSuffix(strings.TrimPrefix(s.Ref(typ, part, "x"), "${"), ".x}")
	}
	recovery := 0
	if env.Protected {
		recovery = env.Secret.RecoveryWindowDays
	}
	eq := func(expr, want string) testutil.StateCheck { return testutil.StateCheck{Expr: expr, Want: want} }
	return []testutil.StateCheck{
		eq(addr("aws_vpc", "vpc")+".cidr_block", fmt.Sprintf("%q", env.Network.VpcCidr)),
		eq("length("+addr("aws_default_security_group", "default_security_group")+".ingress)", "0"),
		eq(addr("aws_lb", "alb")+".idle_timeout", "3600"),
		eq(addr("aws_lb", "alb")+".enable_deletion_protection", fmt.Sprint(env.Protected)),
		eq(addr("aws_lb_target_group", "target_group")+".stickiness[0].type", `"lb_cookie"`),
		eq(addr("aws_secretsmanager_secret", "secret")+".name", fmt.Sprintf("%q", env.Prefix()+"-anthropic-key")),
		eq(addr("aws_secretsmanager_secret", "secret")+".recovery_window_in_days", fmt.Sprint(recovery)),
		eq(addr("aws_ecr_repository", "repository")+".force_delete", fmt.Sprint(!env.Protected)),
		eq(addr("aws_s3_bucket", "frontend_bucket")+".force_destroy", fmt.Sprint(!env.Protected)),
		eq(addr("aws_ecs_service", "service")+".network_configuration[0].assign_public_ip", fmt.Sprint(env.Network.NatMode == environments.NatNone)),
		eq(addr("aws_cloudfront_distribution", "distribution")+".default_root_object", `"index.html"`),
	}
}

// TestApplyAndDestroy applies each environment with `terraform test` and a
// mocked AWS provider (Terraform destroys it again at the end of the run),
// proving the whole configuration applies and destroys without an account.
func TestApplyAndDestroy(t *testing.T) {
	for _, name := range []string{"dev", "prod"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := stack(t, name)
			testutil.NeedTerraform(t).ApplyWithMocks(t, s.json, applyChecks(s))
		})
	}
}
