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
A fifth projects an item (an index's INCLUDE projection, a ProjectionExpression) from one plain copy of it: moto
converts the whole item once per projected attribute (0.5 ms an item of the console's queue index at 9 attributes).
What AWS enforces and moto does not, where it changes outcomes:
- callers: a request must be signed with the stack's access key (403 otherwise, as AWS's InvalidClientTokenId), and
  one from a web page of another origin is refused whole (preflights too), so no Origin is ever reflected in CORS;
- the function behind a signature-checked HTTP API route cannot be invoked through moto's Invoke instead;
- an UpdateItem that fails (e.g. the item would exceed 400 KB) leaves the item as it was: moto applied part of it.
moto's Step Functions interpreter signs its own calls (its Lambda tasks, its SQS task) with the key `ak`: its clients
are made with the stack's key instead, so that they pass the same check as every other caller.
"""

from __future__ import annotations

import copy
import json
import threading
from datetime import UTC, datetime
from functools import cache
from typing import Any, Protocol
from urllib.parse import quote_plus, unquote_plus

import boto3
import moto.backends as moto_backends
import moto.s3.notifications as s3_notifications
import moto.stepfunctions.parser.asl.utils.boto_client as sfn_clients
from botocore.client import BaseClient
from botocore.utils import merge_dicts
from moto.awslambda.models import LambdaFunction
from moto.core.exceptions import JsonRESTError
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import Item, serializer
from moto.dynamodb.models.utilities import find_nested_key
from moto.dynamodb.responses import DynamoHandler
from moto.events.models import Rule
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

from kyc_local import sigv4
from kyc_local.lambdas import FunctionError


class Invoker(Protocol):
    def knows(self, function: str) -> bool: ...

    def invoke(self, function: str, event: Any) -> Any:
        """Synchronous; raises kyc_local.lambdas.FunctionError."""

    def invoke_async(self, function: str, event: Any) -> str: ...

    def signed_only(self, function: str) -> bool:
        """Whether the function serves an HTTP API route that checks SigV4 signatures."""


_ORIGINALS = {
    "invoke": LambdaFunction.invoke,
    "s3": s3_notifications._invoke_awslambda,
    "dynamodb": DynamoHandler.call_action,
    "events": Rule.send_to_targets,
    "modules": moto_backends.list_of_moto_modules,
    "dispatch": DomainDispatcherApplication.__call__,
    "update_item": DynamoDBBackend.update_item,
    "sfn_boto3": sfn_clients.boto3,
    "project": Item.project,
}
_dynamodb_lock = threading.Lock()
_invoker: Invoker | None = None
_access_key = ""


def install(invoker: Invoker, access_key: str) -> None:
    global _invoker, _access_key
    if _invoker is not None:
        raise RuntimeError("a local stack is already running in this process")
    _invoker, _access_key = invoker, access_key
    DomainDispatcherApplication.__call__ = _checked_dispatch
    DynamoDBBackend.update_item = _whole_update_item
    LambdaFunction.invoke = _lambda_invoke
    s3_notifications._invoke_awslambda = _s3_invoke
    DynamoHandler.call_action = _atomic_dynamodb_call
    Rule.send_to_targets = _send_to_targets
    moto_backends.list_of_moto_modules = _moto_modules
    sfn_clients.boto3 = _StackSignedBoto3
    Item.project = _project_once


def uninstall() -> None:
    global _invoker
    _invoker = None
    LambdaFunction.invoke = _ORIGINALS["invoke"]
    s3_notifications._invoke_awslambda = _ORIGINALS["s3"]
    DynamoHandler.call_action = _ORIGINALS["dynamodb"]
    Rule.send_to_targets = _ORIGINALS["events"]
    moto_backends.list_of_moto_modules = _ORIGINALS["modules"]
    DomainDispatcherApplication.__call__ = _ORIGINALS["dispatch"]
    DynamoDBBackend.update_item = _ORIGINALS["update_item"]
    sfn_clients.boto3 = _ORIGINALS["sfn_boto3"]
    Item.project = _ORIGINALS["project"]


class _StackSignedBoto3:
    """boto3 as moto's Step Functions interpreter sees it (`boto_client_for`, whichever task calls it): its clients
    signed with the stack's key instead of `ak`."""

    @staticmethod
    def client(**options: Any) -> BaseClient:
        return boto3.client(**{**options, "aws_access_key_id": _access_key, "aws_secret_access_key": "local"})


def _project_once(self: Item, projection_expressions: list[list[str]]) -> Item:
    """moto's Item.project, the item made plain once rather than once per projected attribute."""
    plain, result = self.to_regular_json(), {}
    for expression in projection_expressions:
        merge_dicts(result, find_nested_key(expression, plain))
    return Item(hash_key=self.hash_key, range_key=self.range_key, attrs=serializer.serialize(result)["M"])


@cache
def _moto_modules() -> tuple[str, ...]:
    return tuple(_ORIGINALS["modules"]())


def _atomic_dynamodb_call(self: DynamoHandler) -> Any:
    with _dynamodb_lock:
        return _ORIGINALS["dynamodb"](self)


def _checked_dispatch(self: DomainDispatcherApplication, environ: dict[str, Any], start_response: Any) -> Any:
    refusal = _refusal(environ)
    if refusal is None:
        return _ORIGINALS["dispatch"](self, environ, start_response)
    code, message = refusal
    if "HTTP_X_AMZ_TARGET" in environ or "amz-json" in environ.get("CONTENT_TYPE", ""):
        body, kind = json.dumps({"__type": code, "message": message}), "application/x-amz-json-1.0"
    else:
        body = f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>" \
               "</ErrorResponse>"
        kind = "text/xml"
    start_response("403 Forbidden", [("Content-Type", kind), ("Content-Length", str(len(body)))])
    return [body.encode()]


def _refusal(environ: dict[str, Any]) -> tuple[str, str] | None:
    """(error code, message) when moto must not answer the request; None when it may."""
    origin = environ.get("HTTP_ORIGIN")
    if origin is not None and origin != f"http://{environ.get('HTTP_HOST', '')}":
        return "AccessDenied", "Cross-origin requests are refused."
    if environ.get("PATH_INFO", "").startswith("/moto-api/"):  # the runtime's own settings, unsigned
        return None
    headers = {key[5:].replace("_", "-"): value for key, value in environ.items() if key.startswith("HTTP_")}
    claimed = sigv4.access_key(headers, environ.get("QUERY_STRING", ""))
    if claimed is None:
        return "MissingAuthenticationToken", "Request is missing Authentication Token."
    if claimed != _access_key:
        return "InvalidClientTokenId", "The security token included in the request is invalid."
    return None


def _whole_update_item(self: DynamoDBBackend, table_name: str, key: dict[str, Any], *args: Any,
                       **kwargs: Any) -> Any:
    """moto's UpdateItem, undone when it fails: moto changes the item as it goes and raises part way."""
    table = self.get_table(table_name)
    hash_value, range_value = self.get_keys_value(table, key)
    before = table.get_item(hash_value, range_value)
    saved = copy.deepcopy(before.attrs) if before is not None else None
    try:
        return _ORIGINALS["update_item"](self, table_name, key, *args, **kwargs)
    except Exception:
        if before is not None:
            before.attrs = saved
        elif table.get_item(hash_value, range_value) is not None:  # created for the update
            table.delete_item(hash_value, range_value)
        raise


def _lambda_invoke(self: LambdaFunction, body: str, request_headers: Any, response_headers: Any) -> bytes:
    invoker = _invoker
    if invoker is None or not invoker.knows(self.function_name):
        return _ORIGINALS["invoke"](self, body, request_headers, response_headers)
    if invoker.signed_only(self.function_name):
        error = JsonRESTError("AccessDeniedException", "This function is reached through its signed HTTP API only.")
        error.code = 403
        raise error
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
