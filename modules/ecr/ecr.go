// Package ecr defines the private image repository of the bridge, with scan
// on push and a lifecycle policy that keeps storage (and cost) bounded.
package ecr

import (
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrlifecyclepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecrrepository"
)

// Props configures Repository. The zero value of a field means its documented default.
type Props struct {
	// Name of the repository, e.g. "n8n-builder-dev-bridge". Required.
	Name string
	// ImmutableTags refuses to push a tag that already exists. Default: false
	// (mutable tags, e.g. a moving "latest").
	ImmutableTags bool
	// ForceDelete lets `terraform destroy` delete the repository with images
	// still in it. Default: false (destroy fails while images exist, which
	// protects them).
	ForceDelete bool
	// UntaggedExpiryDays expires untagged images this many days after push.
	// Default: 7.
	UntaggedExpiryDays int
	// KeepTaggedImages is how many tagged images are kept (the newest by push
	// time); older tagged images expire. Default: 30.
	KeepTaggedImages int
}

// withDefaults fills in the documented default of every field left at zero.
func (p Props) withDefaults() Props {
	p.UntaggedExpiryDays = cmp.Or(p.UntaggedExpiryDays, 7)
	p.KeepTaggedImages = cmp.Or(p.KeepTaggedImages, 30)
	return p
}

// validate panics on programmer misuse, naming every problem at once; the
// environments loader reports user errors before this runs.
func (p Props) validate() {
	var problems []string
	if p.Name == "" {
		problems = append(problems, "Props.Name is required (e.g. \"n8n-builder-dev-bridge\")")
	}
	if p.UntaggedExpiryDays < 1 || p.KeepTaggedImages < 1 {
		problems = append(problems, fmt.Sprintf("UntaggedExpiryDays (%d) and KeepTaggedImages (%d) must be at least 1", p.UntaggedExpiryDays, p.KeepTaggedImages))
	}
	if len(problems) > 0 {
		panic("ecr: " + strings.Join(problems, "; "))
	}
}

// Repository is the bridge's image repository.
type Repository struct {
	constructs.Construct
	// RepositoryURL is "<account>.dkr.ecr.<region>.amazonaws.com/<name>";
	// append ":<tag>" for an image reference.
	RepositoryURL  *string
	RepositoryArn  *string
	RepositoryName *string
}

// New defines the repository and its lifecycle policy under scope.
func New(scope constructs.Construct, id string, props Props) *Repository {
	props = props.withDefaults()
	props.validate()
	c := constructs.NewConstruct(scope, jsii.String(id))

	mutability := "MUTABLE"
	if props.ImmutableTags {
		mutability = "IMMUTABLE"
	}
	repo := ecrrepository.NewEcrRepository(c, jsii.String("repository"), &ecrrepository.EcrRepositoryConfig{
		Name:               jsii.String(props.Name),
		ImageTagMutability: jsii.String(mutability),
		ForceDelete:        jsii.Bool(props.ForceDelete),
		// Basic scanning on push is free and reports OS package CVEs in the console.
		ImageScanningConfiguration: &ecrrepository.EcrRepositoryImageScanningConfiguration{
			ScanOnPush: jsii.Bool(true),
		},
		// AES256 is encryption at rest with keys ECR manages. A KMS key would
		// cost per key and per request, and would need key policy grants for
		// every puller (the task execution role) for no gain here: the image
		// holds no secrets (the API key comes from Secrets Manager at start).
		// Spelled out because the setting cannot change without replacing the
		// repository.
		EncryptionConfiguration: &[]*ecrrepository.EcrRepositoryEncryptionConfiguration{{
			EncryptionType: jsii.String("AES256"),
		}},
	})

	ecrlifecyclepolicy.NewEcrLifecyclePolicy(c, jsii.String("lifecycle_policy"), &ecrlifecyclepolicy.EcrLifecyclePolicyConfig{
		Repository: repo.Name(),
		Policy:     jsii.String(lifecyclePolicyJSON(props.UntaggedExpiryDays, props.KeepTaggedImages)),
	})

	return &Repository{
		Construct:      c,
		RepositoryURL:  repo.RepositoryUrl(),
		RepositoryArn:  repo.Arn(),
		RepositoryName: repo.Name(),
	}
}

// lifecyclePolicyJSON returns the lifecycle policy JSON: rule 1 expires untagged
// images older than untaggedDays; rule 2 keeps the newest keepTagged tagged
// images. It is built from typed structs so its text is deterministic.
//
// Rule 2 selects tagStatus "tagged" with tagPatternList ["*"] (every tag;
// ECR requires a pattern or prefix list with "tagged"), not tagStatus "any":
// an "any" rule counts untagged images too, so a burst of untagged layers
// from rebuilds would push tagged releases out of the kept window, and AWS
// requires an "any" rule to come last anyway.
func lifecyclePolicyJSON(untaggedDays, keepTagged int) string {
	doc := lifecyclePolicy{Rules: []lifecycleRule{
		{
			RulePriority: 1,
			Description:  fmt.Sprintf("Expire untagged images %d days after push", untaggedDays),
			Selection: lifecycleSelection{
				TagStatus:   "untagged",
				CountType:   "sinceImagePushed",
				CountUnit:   "days",
				CountNumber: untaggedDays,
			},
			Action: lifecycleAction{Type: "expire"},
		},
		{
			RulePriority: 2,
			Description:  fmt.Sprintf("Keep the newest %d tagged images", keepTagged),
			Selection: lifecycleSelection{
				TagStatus:      "tagged",
				TagPatternList: []string{"*"},
				CountType:      "imageCountMoreThan",
				CountNumber:    keepTagged,
			},
			Action: lifecycleAction{Type: "expire"},
		},
	}}
	b, err := json.Marshal(doc)
	if err != nil {
		panic("ecr: lifecycle policy: " + err.Error()) // cannot happen: plain structs
	}
	return string(b)
}

type lifecyclePolicy struct {
	Rules []lifecycleRule `json:"rules"`
}

type lifecycleRule struct {
	RulePriority int                `json:"rulePriority"`
	Description  string             `json:"description"`
	Selection    lifecycleSelection `json:"selection"`
	Action       lifecycleAction    `json:"action"`
}

type lifecycleSelection struct {
	TagStatus      string   `json:"tagStatus"`
	TagPatternList []string `json:"tagPatternList,omitempty"`
	CountType      string   `json:"countType"`
	CountUnit      string   `json:"countUnit,omitempty"`
	CountNumber    int      `json:"countNumber"`
}

type lifecycleAction struct {
	Type string `json:"type"`
}

// privateImage matches an image in a private ECR registry:
// <account>.dkr.ecr[-fips].<region>.amazonaws.com/<repository>[:tag|@digest].
var privateImage = regexp.MustCompile(`^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com/([a-z0-9][a-z0-9._/-]*)(?:[:@].*)?$`)

// RepositoryArnOf returns the ARN of the private ECR repository an image
// reference points into, or "" when the image is not in a private ECR
// registry (Docker Hub, ghcr.io, public.ecr.aws: pulled without IAM).
func RepositoryArnOf(image string) string {
	m := privateImage.FindStringSubmatch(image)
	if m == nil {
		return ""
	}
	return "arn:aws:ecr:" + m[2] + ":" + m[1] + ":repository/" + m[3]
}
