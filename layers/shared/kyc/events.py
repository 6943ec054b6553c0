"""The task inputs and events the handlers take, checked: a malformed one is refused by a MalformedEvent that names
the keys missing and the shape expected, never a bare KeyError deep in a handler.

The project's shapes differ from the lab's (README, "Event shapes"): part 2's tasks pass the application's id, the
bundle's ETag and S3 keys from task to task, and the validator is reached through the HTTP API.
"""

from __future__ import annotations

from typing import Any

UPLOAD = '{"key": "zipped/<app_uuid>.zip", "etag": "<ETag>"}'
TASK = '{"app_uuid": "<app_uuid>", "etag": "<ETag>", "members": {"details": "<S3 key>", ...}}'
DECIDE = '{"app_uuid": "<app_uuid>", "etag": "<ETag>", "checks": [{"check": "...", "outcome": "..."}, ...]}'
FAILED = '{"key": "zipped/<app_uuid>.zip", "etag": "<ETag>", "failed": {"<state>": {"Error": "...", ...}}}'
S3_PUT = '{"Records": [{"s3": {"object": {"key": "zipped/<app_uuid>.zip"}}}]} (an S3 ObjectCreated notification)'
OBJECT_CREATED = '{"detail": {"object": {"key": "zipped/<app_uuid>.zip", "etag": "<ETag>"}}} (EventBridge)'
HTTP_API = "an API Gateway HTTP API (payload format 2.0) request, e.g. POST /license with body {\"driver_license_id\": ...}"


class MalformedEvent(ValueError):
    """The input is not the shape the function takes."""

    def __init__(self, function: str, problem: str, shape: str):
        super().__init__(f"{function}: {problem}; expected {shape}")


def require(event: object, keys: tuple[str, ...], function: str, shape: str) -> dict[str, Any]:
    """The event as a dict whose `keys` hold non-empty strings (a nested key as "members.selfie")."""
    if not isinstance(event, dict):
        raise MalformedEvent(function, f"input is a JSON {type(event).__name__}, not an object", shape)
    missing = [key for key in keys if not _text(event, key)]
    if missing:
        raise MalformedEvent(function, "missing or empty: " + ", ".join(missing), shape)
    return event


def upload(event: object, function: str) -> tuple[str, str]:
    """`key` and `etag` of a part-2 task input about one upload (Unzip, RecordError)."""
    found = require(event, ("key",), function, UPLOAD)
    etag = found.get("etag")
    return found["key"], etag if isinstance(etag, str) else ""


def task(event: object, function: str, members: tuple[str, ...]) -> tuple[str, str, dict[str, str]]:
    """`app_uuid`, `etag` and the member keys of a part-2 task input (WriteToDynamo, CompareFaces, CompareDetails)."""
    found = require(event, ("app_uuid", "etag", *(f"members.{role}" for role in members)), function, TASK)
    return found["app_uuid"], found["etag"], found["members"]


def decide(event: object, function: str) -> tuple[str, str, list[dict[str, Any]]]:
    """`app_uuid`, `etag` and the two checks' branch outcomes of Decide's input."""
    found = require(event, ("app_uuid", "etag"), function, DECIDE)
    checks = found.get("checks")
    if not isinstance(checks, list) or not all(isinstance(branch, dict) for branch in checks):
        raise MalformedEvent(function, "checks must be a list of objects", DECIDE)
    return found["app_uuid"], found["etag"], checks


def failed(event: object, function: str) -> tuple[str, str, str, str]:
    """`key`, `etag`, the failed state's name and its error of RecordError's input."""
    found = require(event, ("key",), function, FAILED)
    failures = found.get("failed")
    if not isinstance(failures, dict) or len(failures) != 1:
        raise MalformedEvent(function, "failed must name one state", FAILED)
    (step, failure), = failures.items()
    error = failure.get("Error") if isinstance(failure, dict) else None
    if not isinstance(error, str) or not error:
        raise MalformedEvent(function, f"failed.{step}.Error missing or empty", FAILED)
    key, etag = upload(found, function)
    return key, etag, step, error


def s3_keys(event: object, function: str) -> list[str]:
    """The object keys (URL-encoded, as S3 gives them) of an S3 notification's records."""
    found = require(event, (), function, S3_PUT)
    records = found.get("Records")
    if not isinstance(records, list) or not records:
        raise MalformedEvent(function, "missing or empty: Records", S3_PUT)
    keys = [_text(record, "s3.object.key") for record in records]
    if not all(keys):
        raise MalformedEvent(function, "missing or empty: Records[].s3.object.key", S3_PUT)
    return [key for key in keys if key]


def object_created(event: object, function: str) -> tuple[str, str]:
    """The key (not URL-encoded) and ETag of an EventBridge "Object Created" event."""
    found = require(event, ("detail.object.key", "detail.object.etag"), function, OBJECT_CREATED)
    return found["detail"]["object"]["key"], found["detail"]["object"]["etag"]


def http_api(event: object, function: str) -> dict[str, Any]:
    """An API Gateway HTTP API request (payload format 2.0), e.g. not the bare body a console test sends."""
    return require(event, ("version", "requestContext.http.method", "rawPath"), function, HTTP_API)


def _text(value: object, path: str) -> str | None:
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value if isinstance(value, str) and value else None
