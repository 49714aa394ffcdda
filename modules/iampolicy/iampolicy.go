// Package iampolicy builds IAM policy documents as aws_iam_policy_document
// data sources. They are computed by the provider without calling AWS, and
// their statements stay structured in the synthesized JSON, so tests can
// check every action and resource.
package iampolicy

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsiampolicydocument"
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

// AssumeRole is the trust policy that lets an AWS service assume a role.
func AssumeRole(scope constructs.Construct, id, service string) dataawsiampolicydocument.DataAwsIamPolicyDocument {
	return New(scope, id, Statement{
		Actions:    []string{"sts:AssumeRole"},
		Principals: map[string][]string{"Service": {service}},
	})
}
