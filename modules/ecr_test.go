package modules_test

import (
	"testing"

	"github.com/n8n-builder/infra/internal/testutil"
	"github.com/n8n-builder/infra/modules/ecr"
)

// ecrVariants are a dev-like repository (mutable tags, force_delete, default
// lifecycle numbers) and a prod-like one (immutable, kept on destroy, custom
// numbers).
type ecrVariants struct{ dev, prod *testutil.Synthesized }

var ecrStacks = synthOnce(func() ecrVariants {
	return ecrVariants{
		dev:  ecrSynth(ecr.Props{Name: "proj-dev-bridge", ForceDelete: true}),
		prod: ecrSynth(ecr.Props{Name: "proj-prod-bridge", ImmutableTags: true, UntaggedExpiryDays: 3, KeepTaggedImages: 50}),
	}
})

func ecrSynth(p ecr.Props) *testutil.Synthesized {
	stack := testutil.NewStack()
	ecr.New(stack, "ecr", p)
	return testutil.Synth(stack)
}

func TestECRRepositoryVariants(t *testing.T) {
	v := ecrStacks()
	dev, prod := v.dev, v.prod
	tests := []struct {
		name      string
		s         *testutil.Synthesized
		want, not map[string]any
	}{
		{"dev", dev,
			map[string]any{"name": "proj-dev-bridge", "image_tag_mutability": "MUTABLE", "force_delete": true},
			map[string]any{"image_tag_mutability": "IMMUTABLE"}},
		{"prod", prod,
			map[string]any{"name": "proj-prod-bridge", "image_tag_mutability": "IMMUTABLE", "force_delete": false},
			map[string]any{"force_delete": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.AssertResource(t, tt.s, "aws_ecr_repository", tt.want)
			testutil.RefuteResource(t, tt.s, "aws_ecr_repository", tt.not)
			testutil.AssertResource(t, tt.s, "aws_ecr_repository", map[string]any{
				"image_scanning_configuration": map[string]any{"scan_on_push": true},
				"encryption_configuration":     []any{map[string]any{"encryption_type": "AES256"}},
			})
			if n := tt.s.Count("aws_ecr_repository"); n != 1 {
				t.Errorf("%d repositories, want 1", n)
			}
		})
	}
}

// lifecyclePolicy mirrors the lifecycle policy JSON with every field, so a stray or
// missing field shows up in the comparison.
type lifecyclePolicy struct {
	Rules []struct {
		RulePriority int    `json:"rulePriority"`
		Description  string `json:"description"`
		Selection    struct {
			TagStatus      string   `json:"tagStatus"`
			TagPatternList []string `json:"tagPatternList"`
			TagPrefixList  []string `json:"tagPrefixList"`
			CountType      string   `json:"countType"`
			CountUnit      string   `json:"countUnit"`
			CountNumber    int      `json:"countNumber"`
		} `json:"selection"`
		Action struct {
			Type string `json:"type"`
		} `json:"action"`
	} `json:"rules"`
}

func TestECRLifecyclePolicy(t *testing.T) {
	v := ecrStacks()
	dev, prod := v.dev, v.prod
	tests := []struct {
		name                 string
		s                    *testutil.Synthesized
		untaggedDays, tagged int
	}{{"defaults", dev, 7, 30}, {"custom", prod, 3, 50}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lp := tt.s.Resources("aws_ecr_lifecycle_policy")
			if len(lp) != 1 {
				t.Fatalf("%d lifecycle policies, want 1", len(lp))
			}
			for _, r := range lp {
				if got, want := r["repository"], tt.s.Ref("aws_ecr_repository", "repository", "name"); got != want {
					t.Errorf("repository = %v, want %v", got, want)
				}
				var p lifecyclePolicy
				testutil.Decode(t, r["policy"], &p)
				if len(p.Rules) != 2 {
					t.Fatalf("%d rules, want 2: %+v", len(p.Rules), p)
				}
				untagged, tagged := p.Rules[0], p.Rules[1]
				if untagged.RulePriority != 1 || untagged.Selection.TagStatus != "untagged" ||
					untagged.Selection.CountType != "sinceImagePushed" || untagged.Selection.CountUnit != "days" ||
					untagged.Selection.CountNumber != tt.untaggedDays || untagged.Action.Type != "expire" ||
					untagged.Selection.TagPatternList != nil || untagged.Selection.TagPrefixList != nil {
					t.Errorf("rule 1 = %+v, want untagged images expired %d days after push", untagged, tt.untaggedDays)
				}
				if tagged.RulePriority != 2 || tagged.Selection.TagStatus != "tagged" ||
					len(tagged.Selection.TagPatternList) != 1 || tagged.Selection.TagPatternList[0] != "*" ||
					tagged.Selection.CountType != "imageCountMoreThan" || tagged.Selection.CountUnit != "" ||
					tagged.Selection.CountNumber != tt.tagged || tagged.Action.Type != "expire" {
					t.Errorf("rule 2 = %+v, want the newest %d tagged images kept", tagged, tt.tagged)
				}
			}
		})
	}
}

func TestECRNewPanicsWithoutName(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New with an empty Name did not panic")
		}
	}()
	ecr.New(testutil.NewStack(), "ecr", ecr.Props{})
}

func TestECRRepositoryArnOf(t *testing.T) {
	for _, tt := range []struct{ image, want string }{
		{"123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/bridge:1.2.3", "arn:aws:ecr:eu-west-1:123456789012:repository/team/bridge"},
		{"123456789012.dkr.ecr.us-east-1.amazonaws.com/bridge@sha256:abc", "arn:aws:ecr:us-east-1:123456789012:repository/bridge"},
		{"123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/bridge", "arn:aws:ecr:us-east-1:123456789012:repository/bridge"},
		// Not a private ECR registry: no repository, no IAM grant.
		{"public.ecr.aws/example/bridge:1", ""},
		{"ghcr.io/org/bridge:1.2.3", ""},
		{"node:20", ""},
		{"123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example/bridge", ""},
	} {
		if got := ecr.RepositoryArnOf(tt.image); got != tt.want {
			t.Errorf("RepositoryArnOf(%q) = %q, want %q", tt.image, got, tt.want)
		}
	}
}
