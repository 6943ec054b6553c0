"""template.yaml: cfn-lint, the SAM transform, its structure and its IAM policies."""
