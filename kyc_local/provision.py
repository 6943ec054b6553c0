"""Creates the translated template's resources in moto, resource by resource, and describes what must be wired.

moto's own CloudFormation ignores parts this system depends on (S3 notification configuration) and would run
event source mappings itself, so the runtime creates each resource with the service APIs, the way CloudFormation
would, and keeps what moto does not run (functions, event source mappings, HTTP APIs) for the dispatchers.
"""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kyc_local.api import Route, routes_from_openapi
from kyc_local.intrinsics import Resolver, TemplateError
from kyc_local.lambdas import FunctionSpec
from kyc_local.naming import Names
from kyc_local.poller import EventSourceMapping
from kyc_local.template import CODE_BUCKET

logger = logging.getLogger(__name__)
_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")

IGNORED = {
    "AWS::Lambda::Permission",  # IAM is not enforced locally
    "AWS::Lambda::LayerVersion",  # the layer's package is installed in the environment
    "AWS::S3::BucketPolicy",  # moto does not evaluate bucket policies; the local endpoint is plain HTTP
    "AWS::CloudWatch::Alarm",
    "AWS::KMS::Key",
    "AWS::ApiGatewayV2::Stage",  # the $default stage: routes are served at the root
}


@dataclass
class HttpApi:
    logical_id: str
    api_id: str
    routes: list[Route]


@dataclass
class Deployment:
    """What the dispatchers need once the resources exist."""

    functions: list[FunctionSpec] = field(default_factory=list)
    mappings: list[EventSourceMapping] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    state_machines: list[str] = field(default_factory=list)  # ARNs
    outputs: dict[str, str] = field(default_factory=dict)
    physical: dict[str, str] = field(default_factory=dict)  # logical id → Ref value
    skipped: list[str] = field(default_factory=list)  # "LogicalId (Type)" not created locally


def parameters(template: dict[str, Any], overrides: dict[str, str]) -> dict[str, Any]:
    """Parameter values: overrides, else defaults; checked against AllowedValues; lists split like CloudFormation."""
    values: dict[str, Any] = {}
    for name, definition in template.get("Parameters", {}).items():
        value = str(overrides.get(name, definition.get("Default", "")))
        allowed = definition.get("AllowedValues")
        if allowed and value not in [str(item) for item in allowed]:
            raise TemplateError(f"parameter {name} must be one of {allowed}, not {value!r}")
        kind = definition.get("Type", "String")
        values[name] = value.split(",") if kind == "CommaDelimitedList" or kind.startswith("List<") else value
    unknown = set(overrides) - set(values)
    if unknown:
        raise TemplateError(f"unknown parameters: {', '.join(sorted(unknown))}")
    return values


class Provisioner:
    """`plan()` resolves names and HTTP APIs; `create()` makes the resources once the API endpoints are known."""

    def __init__(self, template: dict[str, Any], overrides: dict[str, str], names: Names, code_root: Path,
                 region: str):
        self._names = names
        self._code_root = code_root
        self._region = region
        values = parameters(template, overrides) | names.pseudo_parameters()
        self.resolver = Resolver(template, values, names.ref, names.get_att)
        names.resolve = self.resolver.resolve
        self._template = template
        self.resources = {
            logical: resource for logical, resource in template.get("Resources", {}).items()
            if "Condition" not in resource or self.resolver.condition(resource["Condition"])
        }

    def http_apis(self) -> list[HttpApi]:
        apis = []
        for logical, resource in self._of_type("AWS::ApiGatewayV2::Api"):
            body = self.resolver.resolve(resource.get("Properties", {}).get("Body", {}))
            apis.append(HttpApi(logical, self._names.api_id(logical), routes_from_openapi(body)))
        return apis

    def create(self, clients: dict[str, Any]) -> Deployment:
        deployment = Deployment()
        handled = {"AWS::ApiGatewayV2::Api", "AWS::Lambda::EventInvokeConfig"} | IGNORED
        steps = [
            ("AWS::IAM::Role", self._role),
            ("AWS::Logs::LogGroup", self._log_group),
            ("AWS::SQS::Queue", self._queue),
            ("AWS::SNS::Topic", self._topic),
            ("AWS::SNS::Subscription", self._subscription),
            ("AWS::DynamoDB::Table", self._table),
            ("AWS::Lambda::Function", self._function),
            ("AWS::S3::Bucket", self._bucket),
            ("AWS::Lambda::EventSourceMapping", self._mapping),
            ("AWS::StepFunctions::StateMachine", self._state_machine),
            ("AWS::Events::Rule", self._rule),
        ]
        for kind, create in steps:
            handled.add(kind)
            for logical, resource in self._ordered(kind):
                create(clients, logical, self.resolver.resolve(resource.get("Properties", {})), deployment)
        for logical, resource in self.resources.items():
            deployment.physical[logical] = str(self._names.ref(logical))
            if resource["Type"] not in handled:
                deployment.skipped.append(f"{logical} ({resource['Type']})")
        for name, output in self._template.get("Outputs", {}).items():
            if "Condition" not in output or self.resolver.condition(output["Condition"]):
                deployment.outputs[name] = self.localize(str(self.resolver.resolve(output["Value"])))
        return deployment

    def localize(self, value: str) -> str:
        """An execute-api URL of one of the template's HTTP APIs → the local server's URL."""
        for logical, url in self._names.local_api_urls.items():
            cloud = f"https://{self._names.api_id(logical)}.execute-api.{self._region}.amazonaws.com"
            value = value.replace(cloud, url)
        return value

    def _of_type(self, kind: str) -> list[tuple[str, dict[str, Any]]]:
        return [(logical, resource) for logical, resource in self.resources.items() if resource["Type"] == kind]

    def _ordered(self, kind: str) -> list[tuple[str, dict[str, Any]]]:
        items = self._of_type(kind)
        if kind == "AWS::SQS::Queue":  # dead-letter queues first: a redrive policy names an existing queue
            items.sort(key=lambda item: "RedrivePolicy" in item[1].get("Properties", {}))
        return items

    def _role(self, clients: dict[str, Any], logical: str, props: dict[str, Any], _: Deployment) -> None:
        document = props.get("AssumeRolePolicyDocument", {})
        clients["iam"].create_role(RoleName=self._names.name(logical), Path=props.get("Path", "/"),
                                   AssumeRolePolicyDocument=json.dumps(document))

    def _log_group(self, clients: dict[str, Any], logical: str, props: dict[str, Any], _: Deployment) -> None:
        name = self._names.name(logical)
        clients["logs"].create_log_group(logGroupName=name)
        if "RetentionInDays" in props:
            clients["logs"].put_retention_policy(logGroupName=name, retentionInDays=int(props["RetentionInDays"]))

    def _queue(self, clients: dict[str, Any], logical: str, props: dict[str, Any], _: Deployment) -> None:
        attributes = {
            key: json.dumps(value) if isinstance(value, dict) else str(value).lower()
            if isinstance(value, bool) else str(value)
            for key, value in props.items() if key not in ("QueueName", "Tags")
        }
        clients["sqs"].create_queue(QueueName=self._names.name(logical), Attributes=attributes)

    def _topic(self, clients: dict[str, Any], logical: str, props: dict[str, Any], deployment: Deployment) -> None:
        attributes = {key: str(props[key]) for key in ("DisplayName", "KmsMasterKeyId") if key in props}
        arn = clients["sns"].create_topic(Name=self._names.name(logical), Attributes=attributes)["TopicArn"]
        for subscription in props.get("Subscription", []):
            clients["sns"].subscribe(TopicArn=arn, Protocol=subscription["Protocol"],
                                     Endpoint=subscription["Endpoint"])
        deployment.topics.append(arn)

    def _subscription(self, clients: dict[str, Any], _: str, props: dict[str, Any], __: Deployment) -> None:
        clients["sns"].subscribe(TopicArn=props["TopicArn"], Protocol=props["Protocol"], Endpoint=props["Endpoint"])

    def _table(self, clients: dict[str, Any], logical: str, props: dict[str, Any], _: Deployment) -> None:
        name = self._names.name(logical)
        request: dict[str, Any] = {
            "TableName": name,
            "KeySchema": props["KeySchema"],
            "AttributeDefinitions": props["AttributeDefinitions"],
            "BillingMode": props.get("BillingMode", "PROVISIONED"),
        }
        for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes", "StreamSpecification", "ProvisionedThroughput"):
            if key in props:
                request[key] = props[key]
        clients["dynamodb"].create_table(**request)
        ttl = props.get("TimeToLiveSpecification")
        if ttl and str(ttl.get("Enabled")).lower() == "true":
            clients["dynamodb"].update_time_to_live(
                TableName=name, TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True})

    def _function(self, clients: dict[str, Any], logical: str, props: dict[str, Any], deployment: Deployment) -> None:
        code = props.get("Code", {})
        if code.get("S3Bucket") != CODE_BUCKET:
            raise TemplateError(f"{logical}: only local CodeUri folders are supported")
        code_dir = (self._code_root / code["S3Key"]).resolve()
        environment = {key: self.localize(str(value))
                       for key, value in props.get("Environment", {}).get("Variables", {}).items()}
        spec = FunctionSpec(
            logical_id=logical,
            name=self._names.name(logical),
            arn=self._names.get_att(logical, "Arn"),
            code_dir=code_dir,
            handler=props["Handler"],
            environment=environment,
            timeout=int(props.get("Timeout", 3)),
            memory=int(props.get("MemorySize", 128)),
            dead_letter=props.get("DeadLetterConfig", {}).get("TargetArn"),
        )
        for _, config in self._of_type("AWS::Lambda::EventInvokeConfig"):
            config_props = self.resolver.resolve(config["Properties"])
            if config_props["FunctionName"] == spec.name:
                spec.maximum_retry_attempts = int(config_props.get("MaximumRetryAttempts", 2))
                destination = config_props.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
                spec.on_failure = destination
        clients["lambda"].create_function(
            FunctionName=spec.name, Runtime=props.get("Runtime", "python3.12"), Role=props["Role"],
            Handler=spec.handler, Code={"ZipFile": _zip(code_dir)}, Timeout=spec.timeout, MemorySize=spec.memory,
            Environment={"Variables": environment},
        )
        deployment.functions.append(spec)

    def _bucket(self, clients: dict[str, Any], logical: str, props: dict[str, Any], _: Deployment) -> None:
        s3 = clients["s3"]
        name = self._names.name(logical)
        s3.create_bucket(Bucket=name)
        if "BucketEncryption" in props:
            rules = [{"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
                     for rule in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]]
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
        if "VersioningConfiguration" in props:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration=props["VersioningConfiguration"])
        notifications = props.get("NotificationConfiguration")
        if notifications:
            s3.put_bucket_notification_configuration(Bucket=name,
                                                     NotificationConfiguration=_notification_api(notifications))

    def _mapping(self, _: dict[str, Any], __: str, props: dict[str, Any], deployment: Deployment) -> None:
        source = props["EventSourceArn"]
        if ":sqs:" not in source:
            raise TemplateError(f"event source {source} is not an SQS queue; only SQS mappings run locally")
        region = source.split(":")[3]
        deployment.mappings.append(EventSourceMapping(
            function=props["FunctionName"],
            queue_arn=source,
            queue_url=self._names.queue_url(source),
            batch_size=int(props.get("BatchSize", 10)),
            batching_window=float(props.get("MaximumBatchingWindowInSeconds", 0)),
            report_batch_item_failures="ReportBatchItemFailures" in props.get("FunctionResponseTypes", []),
            maximum_concurrency=int(props.get("ScalingConfig", {}).get("MaximumConcurrency", 2)),
            enabled=str(props.get("Enabled", True)).lower() == "true",
            region=region,
        ))

    def _state_machine(self, clients: dict[str, Any], logical: str, props: dict[str, Any],
                       deployment: Deployment) -> None:
        """Created with its definition substituted as CloudFormation does; moto's interpreter runs its executions."""
        request: dict[str, Any] = {
            "name": self._names.name(logical),
            "definition": _substitute(self._definition(logical, props), props.get("DefinitionSubstitutions", {})),
            "roleArn": props["RoleArn"],
            "type": props.get("StateMachineType", "STANDARD"),
        }
        for key in ("LoggingConfiguration", "TracingConfiguration"):
            if key in props:
                request[key[0].lower() + key[1:]] = _camel_case(props[key])
        arn = clients["stepfunctions"].create_state_machine(**request)["stateMachineArn"]
        deployment.state_machines.append(arn)

    def _definition(self, logical: str, props: dict[str, Any]) -> str:
        """Definition (object), DefinitionString, or DefinitionS3Location: a file of the project (DefinitionUri)."""
        if "Definition" in props:
            return json.dumps(props["Definition"])
        if "DefinitionString" in props:
            return str(props["DefinitionString"])
        location = props.get("DefinitionS3Location", {})
        if location.get("Bucket") != CODE_BUCKET:
            raise TemplateError(f"{logical}: only local DefinitionUri files are supported")
        return (self._code_root / location["Key"]).read_text(encoding="utf-8")

    def _rule(self, clients: dict[str, Any], logical: str, props: dict[str, Any], _: Deployment) -> None:
        """The rule and its targets; kyc_local.moto_patch delivers matching events to Lambda targets."""
        events = clients["events"]
        name, bus = self._names.name(logical), props.get("EventBusName", "default")
        request = {"Name": name, "EventBusName": bus, "State": props.get("State", "ENABLED")}
        if "EventPattern" in props:
            request["EventPattern"] = json.dumps(props["EventPattern"])
        for key in ("Description", "ScheduleExpression", "RoleArn"):
            if key in props:
                request[key] = props[key]
        events.put_rule(**request)
        unsupported = [target["Id"] for target in props.get("Targets", [])
                       if {"InputPath", "InputTransformer"} & set(target)]
        if unsupported:
            raise TemplateError(f"{logical}: InputPath and InputTransformer do not run locally ({unsupported})")
        if props.get("Targets"):
            events.put_targets(Rule=name, EventBusName=bus, Targets=props["Targets"])


def _camel_case(node: Any) -> Any:
    """CloudFormation's property names → the API's (`IncludeExecutionData` → `includeExecutionData`), booleans too."""
    if isinstance(node, dict):
        return {key[0].lower() + key[1:]: _camel_case(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_camel_case(item) for item in node]
    if isinstance(node, str) and node.lower() in ("true", "false"):
        return node.lower() == "true"
    return node


def _substitute(definition: str, substitutions: dict[str, Any]) -> str:
    """DefinitionSubstitutions: each `${Name}` of a listed name becomes its value."""
    return _PLACEHOLDER.sub(lambda match: str(substitutions.get(match.group(1), match.group(0))), definition)


def _notification_api(config: dict[str, Any]) -> dict[str, Any]:
    """AWS::S3::Bucket NotificationConfiguration → the PutBucketNotificationConfiguration shape."""

    def entries(key: str, target: str, api_target: str) -> list[dict[str, Any]]:
        result = []
        for item in config.get(key, []):
            entry = {api_target: item[target], "Events": [item["Event"]]}
            rules = item.get("Filter", {}).get("S3Key", {}).get("Rules")
            if rules:
                entry["Filter"] = {"Key": {"FilterRules": rules}}
            result.append(entry)
        return result

    api = {
        "LambdaFunctionConfigurations": entries("LambdaConfigurations", "Function", "LambdaFunctionArn"),
        "QueueConfigurations": entries("QueueConfigurations", "Queue", "QueueArn"),
        "TopicConfigurations": entries("TopicConfigurations", "Topic", "TopicArn"),
    }
    if str(config.get("EventBridgeConfiguration", {}).get("EventBridgeEnabled", "")).lower() == "true":
        api["EventBridgeConfiguration"] = {}
    return {key: value for key, value in api.items() if value or key == "EventBridgeConfiguration"}


def _zip(folder: Path) -> bytes:
    """The function's folder as a deployment package, so that GetFunction shows the real code."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*.py")):
            archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()
