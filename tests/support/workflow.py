"""DocumentStateMachine run by moto's Step Functions interpreter, its Lambda tasks dispatched to the handlers.

moto executes the definition (statemachine/document.asl.json, substituted as template.yaml says) and invokes each
task with the Lambda Invoke API; kyc_local.moto_patch, the runtime's one seam into moto, hands those invocations to
`TaskInvoker`, which runs the task's `handle(event, deps)` with the test's dependencies, JSON in and JSON out, and
reports an exception as Lambda reports an unhandled error (its errorType is the exception's class name).
"""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from moto.awslambda.exceptions import LambdaClientError

from kyc_local.lambdas import FunctionError
from tests.support.handlers import handler_module
from tests.template.stack import ROOT, load

DEFINITION = ROOT / "statemachine" / "document.asl.json"
SFN_CONFIG = {"stepfunctions": {"execute_state_machine": True}}


class Throttled(LambdaClientError):
    """What the Lambda service answers when the function's concurrency is exhausted (Lambda.TooManyRequestsException)."""

    code = 429

    def __init__(self) -> None:
        super().__init__("TooManyRequestsException", "Rate Exceeded.")


@cache
def _resources() -> dict[str, dict]:
    return load()["Resources"]


def substitutions() -> dict[str, dict]:
    """DocumentStateMachine's DefinitionSubstitutions as template.yaml writes them."""
    return _resources()["DocumentStateMachine"]["Properties"]["DefinitionSubstitutions"]


def definition(values: dict[str, str]) -> str:
    """The definition with every ${Name} replaced, as CloudFormation does with DefinitionSubstitutions."""
    return re.sub(r"\$\{(\w+)\}", lambda match: values[match.group(1)], DEFINITION.read_text())


@dataclass
class TaskInvoker:
    """kyc_local.moto_patch's Invoker: function name → the task's handler with the test's dependencies."""

    handlers: dict[str, Callable[[dict], Any]]
    calls: list[tuple[str, dict]] = field(default_factory=list)
    faults: dict[str, list[Exception]] = field(default_factory=lambda: defaultdict(list))

    def knows(self, function: str) -> bool:
        return _name(function) in self.handlers

    def invoke(self, function: str, event: Any) -> Any:
        name = _name(function)
        self.calls.append((name, event))
        if self.faults[name]:
            fault = self.faults[name].pop(0)
            if isinstance(fault, LambdaClientError):
                raise fault  # the Lambda service refused the invocation
            raise FunctionError(name, "test", type(fault).__name__, str(fault), [])
        try:
            return json.loads(json.dumps(self.handlers[name](json.loads(json.dumps(event)))))
        except Exception as error:
            raise FunctionError(name, "test", type(error).__name__, str(error), []) from error

    def invoke_async(self, function: str, event: Any) -> str:
        raise AssertionError("the state machine invokes its tasks synchronously")

    def signed_only(self, function: str) -> bool:
        return False  # the workflow's tasks serve no HTTP API

    def called(self, function: str) -> int:
        return sum(1 for name, _ in self.calls if name == function)


def _name(function: str) -> str:
    return function.split(":")[6] if function.startswith("arn:") else function.split(":")[0]


def handlers(deps: dict[str, Any]) -> dict[str, Callable[[dict], Any]]:
    """Each task function of the template (by logical id) → its handler module's `handle` with its deps."""
    folders = {
        name: resource["Properties"]["CodeUri"].strip("/").split("/")[-1]
        for name, resource in _resources().items()
        if resource["Type"] == "AWS::Serverless::Function"
    }

    def bind(function: str) -> Callable[[dict], Any]:
        module = handler_module(folders[function])
        return lambda event: module.handle(event, deps[function])

    return {function: bind(function) for function in deps}


def create_functions(lambda_client: Any, role_arn: str, names: list[str]) -> dict[str, str]:
    """The task functions in moto's Lambda (their code never runs there): name → ARN."""
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", "def lambda_handler(event, context):\n    raise NotImplementedError\n")
    return {
        name: lambda_client.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role_arn,
            Handler="app.lambda_handler",
            Code={"ZipFile": code.getvalue()},
        )["FunctionArn"]
        for name in names
    }


def resolve(substituted: dict[str, dict], arns: dict[str, str], refs: dict[str, str]) -> dict[str, str]:
    """The substitutions' values: `!GetAtt Function.Arn` → the function's ARN, `!Ref Resource` → its Ref."""
    values = {}
    for key, value in substituted.items():
        if "Fn::GetAtt" in value:
            function, attribute = value["Fn::GetAtt"]
            assert attribute == "Arn"
            values[key] = arns[function]
        else:
            values[key] = refs[value["Ref"]]
    return values


def wait(sfn: Any, execution_arn: str, timeout: float = 60.0) -> dict:
    """describe_execution once the execution has left RUNNING."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.02)
    raise TimeoutError(f"{execution_arn} still running after {timeout} s")
