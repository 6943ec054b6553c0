"""Physical names, ARNs and URLs of the template's resources, known before anything is created.

CloudFormation names an unnamed resource `<stack>-<LogicalId>-<random>`; locally the suffix is dropped so names are
stable from one run to the next.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from kyc_local.intrinsics import TemplateError

_NAME_PROPERTY = {
    "AWS::S3::Bucket": "BucketName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Lambda::LayerVersion": "LayerName",
    "AWS::IAM::Role": "RoleName",
    "AWS::StepFunctions::StateMachine": "StateMachineName",
    "AWS::Events::Rule": "Name",
    "AWS::Logs::LogGroup": "LogGroupName",
}


class Names:
    """Ref and Fn::GetAtt values of every resource of a (translated) template."""

    def __init__(self, resources: dict[str, Any], stack: str, account: str, region: str, aws_url: str):
        self._resources = resources
        self._stack = stack
        self._account = account
        self._region = region
        self._aws_url = aws_url
        self.local_api_urls: dict[str, str] = {}
        self.resolve: Callable[[Any], Any] = lambda node: node

    def pseudo_parameters(self) -> dict[str, Any]:
        return {
            "AWS::AccountId": self._account,
            "AWS::Region": self._region,
            "AWS::Partition": "aws",
            "AWS::StackName": self._stack,
            "AWS::StackId": f"arn:aws:cloudformation:{self._region}:{self._account}:stack/{self._stack}/local",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NotificationARNs": [],
        }

    def name(self, logical: str) -> str:
        kind, properties = self._resource(logical)
        explicit = properties.get(_NAME_PROPERTY.get(kind, ""))
        if explicit:
            return str(self.resolve(explicit))
        name = f"{self._stack}-{logical}"
        if kind == "AWS::S3::Bucket":
            return name.lower()[:63]
        if kind == "AWS::SQS::Queue" and str(self.resolve(properties.get("FifoQueue", False))).lower() == "true":
            return name[:75] + ".fifo"
        return name[:64]

    def queue_url(self, queue_arn: str) -> str:
        _, _, _, _, account, name = queue_arn.split(":")
        return f"{self._aws_url}/{account}/{name}"

    def api_id(self, logical: str) -> str:
        return hashlib.sha256(f"{self._stack}/{logical}".encode()).hexdigest()[:10]

    def ref(self, logical: str) -> Any:
        kind, _ = self._resource(logical)
        if kind == "AWS::ApiGatewayV2::Api":
            return self.api_id(logical)
        if kind == "AWS::KMS::Key":
            return self._key_id(logical)
        if kind == "AWS::SQS::Queue":
            return f"{self._aws_url}/{self._account}/{self.name(logical)}"
        if kind in ("AWS::SNS::Topic", "AWS::Lambda::LayerVersion", "AWS::StepFunctions::StateMachine"):
            return self.get_att(logical, "Arn")
        return self.name(logical)

    def get_att(self, logical: str, attribute: str) -> Any:
        kind, _ = self._resource(logical)
        name = self.name(logical)
        region, account = self._region, self._account
        if attribute in ("QueueName", "TopicName", "Name"):
            return name
        if attribute == "QueueUrl":
            return self.ref(logical)
        if attribute == "ApiEndpoint":
            return self.local_api_urls[logical]
        if attribute == "ApiId":
            return self.api_id(logical)
        if attribute in ("Arn", "TopicArn", "KeyId"):
            if kind == "AWS::KMS::Key" and attribute == "KeyId":
                return self._key_id(logical)
            return self._arn(kind, logical, name, region, account)
        raise TemplateError(f"{logical}.{attribute} is not available locally")

    def _arn(self, kind: str, logical: str, name: str, region: str, account: str) -> str:
        arns = {
            "AWS::S3::Bucket": f"arn:aws:s3:::{name}",
            "AWS::SQS::Queue": f"arn:aws:sqs:{region}:{account}:{name}",
            "AWS::SNS::Topic": f"arn:aws:sns:{region}:{account}:{name}",
            "AWS::DynamoDB::Table": f"arn:aws:dynamodb:{region}:{account}:table/{name}",
            "AWS::Lambda::Function": f"arn:aws:lambda:{region}:{account}:function:{name}",
            "AWS::Lambda::LayerVersion": f"arn:aws:lambda:{region}:{account}:layer:{name}:1",
            "AWS::IAM::Role": f"arn:aws:iam::{account}:role/{name}",
            "AWS::StepFunctions::StateMachine": f"arn:aws:states:{region}:{account}:stateMachine:{name}",
            "AWS::Events::Rule": f"arn:aws:events:{region}:{account}:rule/{name}",
            "AWS::Logs::LogGroup": f"arn:aws:logs:{region}:{account}:log-group:{name}:*",
            "AWS::KMS::Key": f"arn:aws:kms:{region}:{account}:key/{self._key_id(logical)}",
        }
        if kind in arns:
            return arns[kind]
        service = kind.split("::")[1].lower()
        return f"arn:aws:{service}:{region}:{account}:{name}"

    def _key_id(self, logical: str) -> str:
        digest = hashlib.sha256(f"{self._stack}/{logical}".encode()).hexdigest()
        return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"

    def _resource(self, logical: str) -> tuple[str, dict[str, Any]]:
        resource = self._resources.get(logical)
        if resource is None:
            raise TemplateError(f"{logical} is not a resource of this stack (or its condition is false)")
        return resource["Type"], resource.get("Properties", {})
