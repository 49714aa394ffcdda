// Package secrets defines the Secrets Manager secret that holds the bridge's
// Anthropic API key, a placeholder first value, and the IAM policy to read it.
//
// # Why a later apply never overwrites the real key
//
// Terraform creates the secret with a placeholder version holding
// {"ANTHROPIC_API_KEY":"REPLACE_ME: ..."}; the user then stores the real key
// with `aws secretsmanager put-secret-value`. Each such update moves the
// AWSCURRENT label to the new version and AWSPREVIOUS to the one before, so
// after two updates the placeholder version would have no label left. Secrets
// Manager treats a version without labels as deprecated (and deletes it
// eventually); the provider then sees the Terraform-managed version as gone
// and plans to create it again, with the placeholder as AWSCURRENT: the real
// key would be replaced by the placeholder.
//
// Two settings prevent that:
//
//   - The placeholder version carries a staging label of its own,
//     PlaceholderStage. A version that keeps a label is never deprecated, however
//     often AWSCURRENT and AWSPREVIOUS move. The config never names AWSCURRENT:
//     AWS attaches it to a secret's first version by itself, and naming it
//     would make Terraform move it back to the placeholder.
//   - lifecycle.ignore_changes covers both secret_string and version_stages.
//     version_stages changes as AWS adds and moves its labels (AWSCURRENT on
//     create, AWSPREVIOUS later); without ignoring it every plan would try to
//     take them away again. Ignoring secret_string alone is not enough.
//
// If the placeholder version is ever re-created anyway (deleted by hand), it
// comes back with only PlaceholderStage, so the user's value stays current.
package secrets

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecret"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/secretsmanagersecretversion"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/n8n-builder/infra/modules/iampolicy"
)

// APIKeyField is the JSON key of the API key inside the secret value.
const APIKeyField = "ANTHROPIC_API_KEY"

// PlaceholderStage is the staging label of the placeholder version. See the
// package documentation for why it must exist and must not be AWSCURRENT.
const PlaceholderStage = "TERRAFORM_PLACEHOLDER"

// Props configures Secret. The zero value of a field means its documented default.
type Props struct {
	// Name of the secret, exactly "<project>-<env>-anthropic-key". Required.
	Name string
	// RecoveryWindowDays a deleted secret can still be restored: 7 to 30, or
	// 0 to delete at once (dev: destroy and re-create with the same name work
	// right away). Default: 0.
	RecoveryWindowDays int
	// Description of the secret. Default: says what it holds and how to set it.
	Description string
}

// withDefaults fills in the documented default of every field left at zero.
func (p Props) withDefaults() Props {
	p.Description = cmp.Or(p.Description, "Anthropic API key of the bridge, JSON {\""+APIKeyField+"\":\"...\"}. Set it with aws secretsmanager put-secret-value.")
	return p
}

// validate panics on programmer misuse, naming every problem at once; the
// environments loader reports user errors before this runs.
func (p Props) validate() {
	var problems []string
	if p.Name == "" {
		problems = append(problems, "Props.Name is required (e.g. \"n8n-builder-dev-anthropic-key\")")
	}
	if w := p.RecoveryWindowDays; w != 0 && (w < 7 || w > 30) {
		problems = append(problems, fmt.Sprintf("RecoveryWindowDays %d must be 0 or 7 to 30", w))
	}
	if len(problems) > 0 {
		panic("secrets: " + strings.Join(problems, "; "))
	}
}

// Secret is the Anthropic API key secret.
type Secret struct {
	constructs.Construct
	// Arn of the secret (with AWS's random suffix).
	Arn *string
	// Name of the secret, as given.
	Name *string
	// ReadPolicyJSON is an IAM policy document allowing
	// secretsmanager:GetSecretValue and secretsmanager:DescribeSecret on
	// this secret only.
	ReadPolicyJSON *string
	// ApiKeyValueFrom is the ECS container `secrets[].valueFrom` that injects
	// the ANTHROPIC_API_KEY field of the JSON value: "<arn>:ANTHROPIC_API_KEY::".
	ApiKeyValueFrom *string
}

// New defines the secret, its placeholder version and the read policy under scope.
func New(scope constructs.Construct, id string, props Props) *Secret {
	props = props.withDefaults()
	props.validate()
	c := constructs.NewConstruct(scope, jsii.String(id))

	// Encrypted with the AWS managed key aws/secretsmanager: free, and the
	// roles that read the secret need no kms:Decrypt grant for it.
	secret := secretsmanagersecret.NewSecretsmanagerSecret(c, jsii.String("secret"), &secretsmanagersecret.SecretsmanagerSecretConfig{
		Name:                 jsii.String(props.Name),
		Description:          jsii.String(props.Description),
		RecoveryWindowInDays: jsii.Number(props.RecoveryWindowDays),
	})

	secretsmanagersecretversion.NewSecretsmanagerSecretVersion(c, jsii.String("placeholder_version"), &secretsmanagersecretversion.SecretsmanagerSecretVersionConfig{
		SecretId:      secret.Id(),
		SecretString:  jsii.String(placeholder(props.Name)),
		VersionStages: jsii.Strings(PlaceholderStage),
		Lifecycle: &cdktf.TerraformResourceLifecycle{
			// Both, see the package documentation: the user owns the value,
			// and AWS owns the AWSCURRENT/AWSPREVIOUS labels.
			IgnoreChanges: &[]*string{jsii.String("secret_string"), jsii.String("version_stages")},
		},
	})

	read := iampolicy.New(c, "read_policy", iampolicy.Statement{
		Sid:       "ReadAnthropicKey",
		Actions:   []string{"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"},
		Resources: []string{*secret.Arn()},
	})

	return &Secret{
		Construct:       c,
		Arn:             secret.Arn(),
		Name:            secret.Name(),
		ReadPolicyJSON:  read.Json(),
		ApiKeyValueFrom: jsii.String(*secret.Arn() + ":" + APIKeyField + "::"),
	}
}

// placeholder is the first secret value: valid JSON with the right key, and
// obviously not a key, saying how to set the real one.
func placeholder(name string) string {
	b, err := json.Marshal(map[string]string{
		APIKeyField: "REPLACE_ME: store the real key with: aws secretsmanager put-secret-value --secret-id " + name + " --secret-string file://key.json",
	})
	if err != nil {
		panic("secrets: placeholder: " + err.Error()) // cannot happen: a map of strings
	}
	return string(b)
}
