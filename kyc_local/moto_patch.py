"""The one seam into moto's internals: Lambda invocations made by moto run the template's handlers in-process.

moto would run a function in Docker, or (EventBridge) not at all. Three of its call sites are redirected:
- `LambdaFunction.invoke`: the Invoke API (AWS CLI, SDKs, Step Functions tasks); `Event` invocations go async;
- `moto.s3.notifications._invoke_awslambda`: S3 event notifications, asynchronous like AWS, with the object key
  URL-encoded as AWS does it (moto also encodes "/", AWS does not: `zipped/a b.zip` → `zipped/a+b.zip`);
- `moto.events.models.Rule.send_to_targets`: an enabled rule's Lambda targets get the matching event (or the
  target's constant `Input`) asynchronously, as EventBridge delivers it (moto raises NotImplementedError for them),
  S3's fields named as AWS names them (`etag` where moto writes `eTag`) and `time` in ISO-8601, not Unix seconds.
Functions the runtime does not know fall through to moto.
A third patch makes moto's DynamoDB atomic, as DynamoDB is: moto copies an item while another thread updates it
(`dictionary changed size during iteration`) when handlers run concurrently, e.g. a Parallel state's two branches.
A fourth reads moto's list of its own service modules once: its server looks up every request's service in it, and
lists and stats its package folder (~180 entries) to do so, under the dispatcher's global lock (0.2-0.5 ms a call).
"""

from __future__ import annotations

import copy
import json
import threading
from datetime import UTC, datetime
from functools import cache
from typing import Any, Protocol
from urllib.parse import quote_plus, unquote_plus

import moto.backends as moto_backends
import moto.s3.notifications as s3_notifications
from moto.awslambda.models import LambdaFunction
from moto.dynamodb.responses import DynamoHandler
from moto.events.models import Rule

from kyc_local.lambdas import FunctionError


class Invoker(Protocol):
    def knows(self, function: str) -> bool: ...

    def invoke(self, function: str, event: Any) -> Any:
        """Synchronous; raises kyc_local.lambdas.FunctionError."""

    def invoke_async(self, function: str, event: Any) -> str: ...


_ORIGINALS = {
    "invoke": LambdaFunction.invoke,
    "s3": s3_notifications._invoke_awslambda,
    "dynamodb": DynamoHandler.call_action,
    "events": Rule.send_to_targets,
    "modules": moto_backends.list_of_moto_modules,
}
_dynamodb_lock = threading.Lock()
_invoker: Invoker | None = None


def install(invoker: Invoker) -> None:
    global _invoker
    if _invoker is not None:
        raise RuntimeError("a local stack is already running in this process")
    _invoker = invoker
    LambdaFunction.invoke = _lambda_invoke
    s3_notifications._invoke_awslambda = _s3_invoke
    DynamoHandler.call_action = _atomic_dynamodb_call
    Rule.send_to_targets = _send_to_targets
    moto_backends.list_of_moto_modules = _moto_modules


def uninstall() -> None:
    global _invoker
    _invoker = None
    LambdaFunction.invoke = _ORIGINALS["invoke"]
    s3_notifications._invoke_awslambda = _ORIGINALS["s3"]
    DynamoHandler.call_action = _ORIGINALS["dynamodb"]
    Rule.send_to_targets = _ORIGINALS["events"]
    moto_backends.list_of_moto_modules = _ORIGINALS["modules"]


@cache
def _moto_modules() -> tuple[str, ...]:
    return tuple(_ORIGINALS["modules"]())


def _atomic_dynamodb_call(self: DynamoHandler) -> Any:
    with _dynamodb_lock:
        return _ORIGINALS["dynamodb"](self)


def _lambda_invoke(self: LambdaFunction, body: str, request_headers: Any, response_headers: Any) -> bytes:
    invoker = _invoker
    if invoker is None or not invoker.knows(self.function_name):
        return _ORIGINALS["invoke"](self, body, request_headers, response_headers)
    event = json.loads(body) if body else {}
    invocation_type = {str(k).lower(): v for k, v in dict(request_headers or {}).items()}.get(
        "x-amz-invocation-type", "RequestResponse")
    if invocation_type == "Event":
        invoker.invoke_async(self.function_name, event)
        return b""
    if invocation_type == "DryRun":
        return b""
    try:
        return json.dumps(invoker.invoke(self.function_name, event)).encode()
    except FunctionError as error:
        response_headers["x-amz-function-error"] = "Unhandled"
        return json.dumps(error.payload).encode()


def _s3_invoke(account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
    invoker = _invoker
    if invoker is None or not invoker.knows(fn_arn):
        _ORIGINALS["s3"](account_id, event_body, fn_arn, region_name)
    else:
        for record in event_body.get("Records", []):
            s3_object = record["s3"]["object"]
            s3_object["key"] = quote_plus(unquote_plus(s3_object["key"]), safe="/")
        invoker.invoke_async(fn_arn, event_body)


def _send_to_targets(self: Rule, original_event: dict[str, Any], transform_input: bool = True) -> None:
    invoker = _invoker
    ours = [target for target in self.targets if invoker is not None and ":lambda:" in target["Arn"]
            and invoker.knows(target["Arn"]) and not {"InputPath", "InputTransformer"} & set(target)]
    others = [target for target in self.targets if target not in ours]
    if others:
        rest = copy.copy(self)  # moto delivers to the other targets
        rest.targets = others
        _ORIGINALS["events"](rest, original_event, transform_input)
    if not ours or self.state != "ENABLED" or not self.event_pattern.matches_event(original_event):
        return
    event = _as_aws_sends_it(original_event)
    for target in ours:
        invoker.invoke_async(target["Arn"], json.loads(target["Input"]) if "Input" in target else event)


def _as_aws_sends_it(event: dict[str, Any]) -> dict[str, Any]:
    event = copy.deepcopy(event)
    if isinstance(event.get("time"), int | float):
        event["time"] = datetime.fromtimestamp(event["time"], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    s3_object = event.get("detail", {}).get("object") if event.get("source") == "aws.s3" else None
    if isinstance(s3_object, dict) and "eTag" in s3_object:
        s3_object["etag"] = s3_object.pop("eTag")
    return event
