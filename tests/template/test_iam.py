"""Each function's role grants exactly the AWS actions its code calls, derived from the code itself.

What a Lambda calls: the adapters its builder in kyc/bootstrap.py constructs (the `bootstrap.<builder>()` its handler
calls), and of
those only the methods its own code reaches (the handler and the kyc modules it imports, wiring and adapters
excluded). An adapter method calls AWS as `self._client.<boto3 method>` on a `client("<service>")`, or signs an HTTP
request with SigV4 for execute-api. Event sources and Lambda's own plumbing are added from the template, explicitly.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

from tests.template.stack import ROOT, as_list, function_role, load, of_type

KYC = ROOT / "layers/shared/kyc"
ACTION_NAMES = {  # boto3 names whose IAM action is not plain CamelCase
    ("textract", "analyze_id"): "AnalyzeID",
    ("s3", "generate_presigned_url"): "GetObject",  # the browser's GET is signed with the function's role
    ("s3", "head_object"): "GetObject",  # HeadObject is authorised as GetObject
}
# S3 answers HeadObject of a missing key with 404 only to a role that may list the bucket (403 otherwise).
ALSO_NEEDS = {("s3", "head_object"): {"s3:ListBucket"}}
SERVICE_PREFIXES = {"stepfunctions": "states"}  # boto3 service names whose IAM prefix differs
READS_S3_AS_CALLER = {"rekognition:CompareFaces", "textract:AnalyzeID"}  # they fetch S3Object with our permissions
SQS_POLLER = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}  # Lambda's SQS event source
ON_FAILURE_TO_SQS = {"sqs:SendMessage"}  # Lambda's async on-failure destination, sent with the function's role
MANAGED = {  # what SAM attaches itself: CloudWatch Logs, and X-Ray for Tracing: Active
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
}
STAR_RESOURCE_ACTIONS = {"rekognition:CompareFaces", "textract:AnalyzeID"}  # no resource-level permissions exist
AWS_LIBRARIES = {"boto3", "botocore", "requests", "urllib3"}
DATA_KEY = {"Fn::GetAtt": ["DataKey", "Arn"]}  # every bucket, table, queue and topic is encrypted with it
# What an action on a store encrypted with a customer-managed key needs of that key (AWS's SSE-KMS pages for S3,
# DynamoDB, SQS and SNS): by action, else by service.
KEY_NEEDS = {
    "s3:GetObject": {"kms:Decrypt"},
    "s3:PutObject": {"kms:GenerateDataKey"},
    "sqs:SendMessage": {"kms:GenerateDataKey", "kms:Decrypt"},
    "sqs:ReceiveMessage": {"kms:Decrypt"},
    "sns:Publish": {"kms:GenerateDataKey", "kms:Decrypt"},
    "dynamodb": {"kms:Decrypt"},
}

FUNCTIONS = {
    name: Path(resource["Properties"]["CodeUri"]).name
    for name, resource in load()["Resources"].items()
    if resource["Type"] == "AWS::Serverless::Function"
}


# ---------------------------------------------------------------- reading the code


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _string_args(call: ast.Call) -> list[str]:
    return [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]


def _is_self_attribute(node: ast.AST, attribute: str) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == attribute
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    )


@cache
def adapter_classes() -> dict[str, ast.ClassDef]:
    return {
        node.name: node
        for path in sorted((KYC / "adapters").glob("*.py"))
        for node in _tree(path).body
        if isinstance(node, ast.ClassDef)
    }


def _client_service(adapter: ast.ClassDef) -> str | None:
    """The boto3 service of the adapter's client: `client("<service>")` or `boto3.client("<service>")`."""
    services = {
        _string_args(node)[0]
        for node in ast.walk(adapter)
        if isinstance(node, ast.Call) and _called_name(node) == "client" and _string_args(node)
    }
    assert len(services) <= 1, f"{adapter.name} makes clients for {services}"
    return services.pop() if services else None


def iam_action(service: str, method: str) -> str:
    name = ACTION_NAMES.get((service, method)) or "".join(part.capitalize() for part in method.split("_"))
    return f"{SERVICE_PREFIXES.get(service, service)}:{name}"


def method_actions(adapter: ast.ClassDef, method: str, seen: frozenset[str] = frozenset()) -> set[str]:
    """The AWS actions one adapter method performs, following calls to the adapter's own helpers."""
    methods = {node.name: node for node in adapter.body if isinstance(node, ast.FunctionDef)}
    service = _client_service(adapter)
    actions: set[str] = set()
    for node in ast.walk(methods[method]):
        if isinstance(node, ast.Attribute) and _is_self_attribute(node.value, "_client") and service:
            actions |= {iam_action(service, node.attr)} | ALSO_NEEDS.get((service, node.attr), set())
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
            if node.attr in methods and node.attr not in seen | {method}:
                actions |= method_actions(adapter, node.attr, seen | {method})
        elif isinstance(node, ast.Call) and _called_name(node) == "SigV4Auth" and "execute-api" in _string_args(node):
            actions.add("execute-api:Invoke")
    return actions


def constructed_adapters(builder: str) -> set[str]:
    """The adapter classes a bootstrap builder constructs, directly or through bootstrap's other functions."""
    functions = {n.name: n for n in _tree(KYC / "bootstrap.py").body if isinstance(n, ast.FunctionDef)}
    assert builder in functions, f"kyc/bootstrap.py has no {builder}()"
    found: set[str] = set()
    pending, visited = [builder], set()
    while pending:
        name = pending.pop()
        visited.add(name)
        for node in ast.walk(functions[name]):
            called = _called_name(node) if isinstance(node, ast.Call) else None
            if called in adapter_classes():
                found.add(called)
            elif called in functions and called not in visited:
                pending.append(called)
    return found


def _module_file(module: str) -> Path | None:
    base = KYC.parent.joinpath(*module.split("."))
    return next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()), None)


def _imported_modules(tree: ast.Module) -> set[str]:
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
            modules |= {f"{node.module}.{alias.name}" for alias in node.names}
    return modules


def reachable_code(handler: Path) -> list[ast.Module]:
    """The handler and every kyc module it imports, transitively, except the wiring and the adapters."""
    trees, pending, seen = [_tree(handler)], [_tree(handler)], set()
    while pending:
        for module in _imported_modules(pending.pop()):
            parts = module.split(".")
            excluded = parts[0] != "kyc" or module == "kyc.bootstrap" or parts[:2] == ["kyc", "adapters"]
            packages = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
            for name in [] if excluded else packages:
                path = _module_file(name)
                if path and name not in seen:
                    seen.add(name)
                    trees.append(_tree(path))
                    pending.append(_tree(path))
    return trees


def builder_of(handler: Path) -> str:
    """The kyc/bootstrap.py builder the handler calls (`bootstrap.<name>()`)."""
    called = {
        node.func.attr
        for node in ast.walk(_tree(handler))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name) and node.func.value.id == "bootstrap"
    }
    assert len(called) == 1, f"{handler.relative_to(ROOT)} calls bootstrap builders {called}"
    return called.pop()


def code_actions(folder: str) -> set[str]:
    """The AWS actions a Lambda's code performs through the adapters its builder wires."""
    handler = ROOT / "functions" / folder / "app.py"
    used = {
        node.attr
        for tree in reachable_code(handler)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
    }
    actions: set[str] = set()
    for name in constructed_adapters(builder_of(handler)):
        adapter = adapter_classes()[name]
        for method in adapter.body:
            if isinstance(method, ast.FunctionDef) and not method.name.startswith("_") and method.name in used:
                actions |= method_actions(adapter, method.name)
    if actions & READS_S3_AS_CALLER:
        actions.add("s3:GetObject")
    return actions


def event_source_actions(resources: dict, function: str) -> set[str]:
    """What Lambda itself does with the function's role: poll its queues, send failed async events on."""
    actions: set[str] = set()
    for mapping in of_type(resources, "AWS::Lambda::EventSourceMapping").values():
        source = mapping["Properties"]["EventSourceArn"]["Fn::GetAtt"][0]
        if (
            mapping["Properties"]["FunctionName"] == {"Ref": function}
            and resources[source]["Type"] == "AWS::SQS::Queue"
        ):
            actions |= SQS_POLLER
    for config in of_type(resources, "AWS::Lambda::EventInvokeConfig").values():
        destination = config["Properties"].get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
        if config["Properties"]["FunctionName"] == {"Ref": function} and destination:
            assert resources[destination["Fn::GetAtt"][0]]["Type"] == "AWS::SQS::Queue"
            actions |= ON_FAILURE_TO_SQS
    return actions


def key_actions(actions: set[str]) -> set[str]:
    """What the given store actions need of DataKey."""
    needed: set[str] = set()
    for action in actions:
        needed |= KEY_NEEDS.get(action, KEY_NEEDS.get(action.split(":")[0], set()))
    return needed


# ---------------------------------------------------------------- reading the roles


def statements(resources: dict, function: str) -> list[dict]:
    role = function_role(resources, function)
    return [
        statement
        for policy in role["Properties"].get("Policies", [])
        for statement in as_list(policy["PolicyDocument"]["Statement"])
    ]


def granted_actions(resources: dict, function: str) -> set[str]:
    found = set()
    for statement in statements(resources, function):
        assert statement["Effect"] == "Allow" and "NotAction" not in statement and "NotResource" not in statement
        found |= set(as_list(statement["Action"]))
    return found


def resources_for(resources: dict, function: str, action: str) -> list:
    return [
        resource
        for statement in statements(resources, function)
        if action in as_list(statement["Action"])
        for resource in as_list(statement["Resource"])
    ]


# ---------------------------------------------------------------- tests


def test_the_derivation_sees_the_lambdas_aws_calls():
    """A check of the reader itself on the code as it stands: the document function reaches every adapter."""
    part1 = {"document", "submit_license", "validate_license", "application_status", "record_dead_letter"}
    assert set(FUNCTIONS.values()) == part1 | WORKFLOW_FOLDERS | {"console"}
    assert "dynamodb:PutItem" in code_actions("document")
    assert "execute-api:Invoke" in code_actions("submit_license")
    assert code_actions("validate_license") == set()
    assert code_actions("application_status") == {"dynamodb:GetItem"}  # the status API only reads
    assert code_actions("start_workflow") == {"states:StartExecution"}
    # the console reads and decides applications, appends to the audit trail, presigns the evidence, tells staff,
    # and re-runs a check that ended in ERROR (CompareFaces or AnalyzeID, the licence queued)
    assert code_actions("console") == {"dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Query",
                                       "dynamodb:PutItem", "s3:GetObject", "s3:ListBucket", "sns:Publish",
                                       "rekognition:CompareFaces",
                                       "textract:AnalyzeID", "sqs:SendMessage"}
    assert builder_of(ROOT / "functions/record_dead_letter/app.py") == "record_error_dependencies"


WORKFLOW_FOLDERS = {"start_workflow", "unzip", "write_to_dynamo", "compare_faces", "compare_details", "decide", "record_error"}
ITEM = {"dynamodb:GetItem", "dynamodb:UpdateItem"}


@pytest.mark.parametrize(
    ("folder", "actions"),
    [
        ("start_workflow", {"states:StartExecution"}),
        ("unzip", {"s3:GetObject", "s3:PutObject", "dynamodb:PutItem", "sns:Publish"} | ITEM),
        ("write_to_dynamo", {"s3:GetObject", "dynamodb:UpdateItem"}),
        ("compare_faces", {"s3:GetObject", "rekognition:CompareFaces"} | ITEM),
        ("compare_details", {"s3:GetObject", "textract:AnalyzeID"} | ITEM),
        ("decide", {"sns:Publish"} | ITEM),
        ("record_error", {"dynamodb:PutItem", "sns:Publish"} | ITEM),
        ("record_dead_letter", {"dynamodb:PutItem", "sns:Publish"} | ITEM),
    ],
)
def test_each_workflow_task_reaches_only_what_its_step_needs(folder, actions):
    """Written out, so that a step that starts to reach more (and its role with it) shows here."""
    assert code_actions(folder) == actions


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_role_grants_exactly_what_the_code_calls(resources, function):
    expected = code_actions(FUNCTIONS[function]) | event_source_actions(resources, function)
    assert granted_actions(resources, function) == expected | key_actions(expected)


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_key_permissions_name_only_the_data_key(resources, function):
    for action in {a for a in granted_actions(resources, function) if a.startswith("kms:")}:
        assert resources_for(resources, function, action) == [DATA_KEY]


def test_the_stores_key_needs_are_derived_for_each_kind_of_call():
    """A check of the derivation: reading needs Decrypt, writing an object GenerateDataKey, a message both."""
    assert key_actions({"dynamodb:UpdateItem", "s3:GetObject"}) == {"kms:Decrypt"}
    assert key_actions({"s3:PutObject"}) == {"kms:GenerateDataKey"}
    assert key_actions({"sqs:SendMessage"}) == key_actions({"sns:Publish"}) == {"kms:Decrypt", "kms:GenerateDataKey"}
    assert key_actions({"states:StartExecution", "rekognition:CompareFaces"}) == set()


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_managed_policies_are_only_logs_and_xray(resources, function):
    assert set(function_role(resources, function)["Properties"]["ManagedPolicyArns"]) == MANAGED


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_no_wildcards_except_where_aws_allows_nothing_narrower(resources, function):
    for statement in statements(resources, function):
        assert not [a for a in as_list(statement["Action"]) if "*" in a]
        if "*" in as_list(statement["Resource"]):
            assert set(as_list(statement["Action"])) <= STAR_RESOURCE_ACTIONS


def test_document_function_reads_and_writes_only_its_prefixes(resources):
    bucket = "arn:${AWS::Partition}:s3:::documentbucket-${AWS::AccountId}"
    assert resources_for(resources, "DocumentLambdaFunction", "s3:GetObject") == [
        {"Fn::Sub": f"{bucket}/zipped/*"},
        {"Fn::Sub": f"{bucket}/unzipped/*"},
    ]
    assert resources_for(resources, "DocumentLambdaFunction", "s3:PutObject") == [{"Fn::Sub": f"{bucket}/unzipped/*"}]


@pytest.mark.parametrize(
    ("function", "action", "prefixes"),
    [
        ("UnzipLambdaFunction", "s3:GetObject", ["zipped"]),
        ("UnzipLambdaFunction", "s3:PutObject", ["unzipped"]),
        ("WriteToDynamoLambdaFunction", "s3:GetObject", ["unzipped"]),
        ("CompareFacesLambdaFunction", "s3:GetObject", ["unzipped"]),
        ("CompareDetailsLambdaFunction", "s3:GetObject", ["unzipped"]),
    ],
)
def test_workflow_tasks_read_and_write_only_their_prefixes(resources, function, action, prefixes):
    bucket = "arn:${AWS::Partition}:s3:::documentbucket-${AWS::AccountId}"
    assert resources_for(resources, function, action) == [{"Fn::Sub": f"{bucket}/{prefix}/*"} for prefix in prefixes]


def test_the_starter_may_start_only_the_document_workflow(resources):
    granted = resources_for(resources, "StartDocumentWorkflowLambdaFunction", "states:StartExecution")
    assert granted == [{"Ref": "DocumentStateMachine"}]


def test_submitter_may_invoke_only_the_post_license_route(resources):
    stage = next(iter(of_type(resources, "AWS::ApiGatewayV2::Stage").values()))["Properties"]["StageName"]
    assert resources_for(resources, "SubmitLicenseLambdaFunction", "execute-api:Invoke") == [
        {
            "Fn::Sub": f"arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{ValidatorApi}}"
            f"/{stage}/POST/license"
        }
    ]


def test_each_queue_permission_names_its_own_queue(resources):
    assert resources_for(resources, "SubmitLicenseLambdaFunction", "sqs:ReceiveMessage") == [
        {"Fn::GetAtt": ["LicenseQueue", "Arn"]}
    ]
    assert resources_for(resources, "RecordDeadLetterLambdaFunction", "sqs:ReceiveMessage") == [
        {"Fn::GetAtt": ["DocumentDeadLetterQueue", "Arn"]}
    ]
    assert sorted(map(str, resources_for(resources, "DocumentLambdaFunction", "sqs:SendMessage"))) == sorted(
        map(str, [{"Fn::GetAtt": ["LicenseQueue", "Arn"]}, {"Fn::GetAtt": ["DocumentDeadLetterQueue", "Arn"]}])
    )


def test_aws_is_reached_only_through_the_adapters():
    """Otherwise the derivation above could miss a call."""
    files = [*ROOT.glob("functions/*/*.py"), *(p for p in KYC.rglob("*.py") if "adapters" not in p.parts)]
    for path in files:
        imported = {module.split(".")[0] for module in _imported_modules(_tree(path))}
        assert not imported & AWS_LIBRARIES, path.relative_to(ROOT)


def test_the_layer_keeps_the_models_of_exactly_the_services_the_adapters_call():
    """layers/shared/Makefile deletes every other botocore model from the layer (cold start): a service missing from
    its list would fail on AWS only, when its client is first made."""
    makefile = (ROOT / "layers/shared/Makefile").read_text()
    kept = re.search(r"^SERVICES :?= (.+)$", makefile, re.MULTILINE).group(1).split()
    called = {service for adapter in adapter_classes().values() if (service := _client_service(adapter))}
    assert sorted(kept) == sorted(called)
    layer = load()["Resources"]["SharedLayer"]
    assert layer["Metadata"]["BuildMethod"] == "makefile"
    assert re.search(r"^build-SharedLayer:", makefile, re.MULTILINE)  # the target `sam build` runs for it



def test_a_console_rerun_queues_only_the_licence_and_reads_only_the_extracted_members(resources):
    assert resources_for(resources, "ConsoleFunction", "sqs:SendMessage") == [{"Fn::GetAtt": ["LicenseQueue", "Arn"]}]
    bucket = "arn:${AWS::Partition}:s3:::documentbucket-${AWS::AccountId}"
    assert resources_for(resources, "ConsoleFunction", "s3:GetObject") == [{"Fn::Sub": f"{bucket}/unzipped/*"}]
    listing = [s for s in statements(resources, "ConsoleFunction") if "s3:ListBucket" in as_list(s["Action"])]
    assert [(s["Resource"], s["Condition"]) for s in listing] == [
        ({"Fn::Sub": bucket}, {"StringLike": {"s3:prefix": "unzipped/*"}})
    ]  # a missing licence back answers 404, and only keys under unzipped/ may be listed


def test_the_console_publishes_to_the_staff_topic_only(resources):
    """A decision or a four-eyes proposal tells staff on ApplicationNotifications; no other topic."""
    assert resources_for(resources, "ConsoleFunction", "sns:Publish") == [{"Ref": "ApplicationNotifications"}]


def test_the_console_reaches_the_queue_index_the_audit_trail_and_the_evidence_only(resources):
    assert resources_for(resources, "ConsoleFunction", "dynamodb:Query") == [
        {"Fn::Sub": "${CustomerMetadataTable.Arn}/index/QueueWaiting"}, {"Fn::GetAtt": ["AuditTable", "Arn"]}
    ]
    assert resources_for(resources, "ConsoleFunction", "dynamodb:PutItem") == [{"Fn::GetAtt": ["AuditTable", "Arn"]}]
    assert resources_for(resources, "ConsoleFunction", "dynamodb:UpdateItem") == [
        {"Fn::GetAtt": ["CustomerMetadataTable", "Arn"]}
    ]
    assert resources_for(resources, "ConsoleFunction", "s3:GetObject") == [
        {"Fn::Sub": "arn:${AWS::Partition}:s3:::documentbucket-${AWS::AccountId}/unzipped/*"}
    ]
