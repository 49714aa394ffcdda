// Package iampolicy builds IAM policy documents as aws_iam_policy_document
// data sources. They are computed by the provider without calling AWS, and
// their statements stay structured in the synthesized JSON, so tests can
// check every action and resource.
package iampolicy

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsiampolicydocument"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Statement is one IAM policy statement. Effect defaults to "Allow".
type Statement struct {
	Sid       string
	Effect    string
	Actions   []string
	Resources []string
	// Principals by type, e.g. {"Service": {"ecs-tasks.amazonaws.com"}}.
	Principals map[string][]string
	// Conditions, each {Test, Variable, Values}.
	Conditions []Condition
}

// Condition restricts a statement, e.g. {"StringEquals", "aws:SourceArn", [arn]}.
type Condition struct {
	Test     string
	Variable string
	Values   []string
}

// New defines a policy document data source with id under scope.
func New(scope constructs.Construct, id string, statements ...Statement) dataawsiampolicydocument.DataAwsIamPolicyDocument {
	list := make([]*dataawsiampolicydocument.DataAwsIamPolicyDocumentStatement, len(statements))
	for i, s := range statements {
		effect := s.Effect
		if effect == "" {
			effect = "Allow"
		}
		st := &dataawsiampolicydocument.DataAwsIamPolicyDocumentStatement{
			Effect:  jsii.String(effect),
			Actions: jsii.Strings(s.Actions...),
		}
		if s.Sid != "" {
			st.Sid = jsii.String(s.Sid)
		}
		if len(s.Resources) > 0 {
			st.Resources = jsii.Strings(s.Resources...)
		}
		if len(s.Principals) > 0 {
			var principals []*dataawsiampolicydocument.DataAwsIamPolicyDocumentStatementPrincipals
			for _, typ := range []string{"AWS", "Service", "Federated", "*"} {
				if ids, ok := s.Principals[typ]; ok {
					principals = append(principals, &dataawsiampolicydocument.DataAwsIamPolicyDocumentStatementPrincipals{
						Type: jsii.String(typ), Identifiers: jsii.Strings(ids...),
					})
				}
			}
			st.Principals = &principals
		}
		if len(s.Conditions) > 0 {
			conds := make([]*dataawsiampolicydocument.DataAwsIamPolicyDocumentStatementCondition, len(s.Conditions))
			for j, c := range s.Conditions {
				conds[j] = &dataawsiampolicydocument.DataAwsIamPolicyDocumentStatementCondition{
					Test: jsii.String(c.Test), Variable: jsii.String(c.Variable), Values: jsii.Strings(c.Values...),
				}
			}
			st.Condition = &conds
		}
		list[i] = st
	}
	return dataawsiampolicydocument.NewDataAwsIamPolicyDocument(scope, jsii.String(id), &dataawsiampolicydocument.DataAwsIamPolicyDocumentConfig{
		Statement: &list,
	})
}

// AssumeRole is the trust policy that lets an AWS service assume a role, but
// only on behalf of account (aws:SourceAccount) and, when sourceArn is set,
// of the resources it matches (aws:SourceArn, ArnLike): without them, the
// service could be made to assume the role for another account's resources
// (the confused deputy). account may be a token, e.g. taken from the ARN of a
// resource the stack creates, so no plan-time lookup is needed.
func AssumeRole(scope constructs.Construct, id, service, account, sourceArn string) dataawsiampolicydocument.DataAwsIamPolicyDocument {
	if account == "" {
		panic("iampolicy: AssumeRole(" + id + ") needs the account for aws:SourceAccount")
	}
	conditions := []Condition{{Test: "StringEquals", Variable: "aws:SourceAccount", Values: []string{account}}}
	if sourceArn != "" {
		conditions = append(conditions, Condition{Test: "ArnLike", Variable: "aws:SourceArn", Values: []string{sourceArn}})
	}
	return New(scope, id, Statement{
		Actions:    []string{"sts:AssumeRole"},
		Principals: map[string][]string{"Service": {service}},
		Conditions: conditions,
	})
}

// AccountOf returns the account id in an ARN (a token when arn is one):
// arn:partition:service:region:ACCOUNT:resource. Terraform computes it, so a
// stack learns its account from a resource it creates, without asking AWS.
func AccountOf(arn *string) string { return arnPart(arn, 4) }

// RegionOf returns the region in an ARN (a token when arn is one).
func RegionOf(arn *string) string { return arnPart(arn, 3) }

func arnPart(arn *string, i int) string {
	return *cdktf.Token_AsString(cdktf.Fn_Element(cdktf.Fn_Split(jsii.String(":"), arn), jsii.Number(i)), nil)
}
