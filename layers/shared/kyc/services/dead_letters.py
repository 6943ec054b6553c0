"""DocumentDeadLetterQueue's consumer: each upload whose event failed beyond its retries ends in a recorded ERROR.

The queue has three senders, each with its own message:
- Lambda's on-failure destination (DocumentLambdaFunction, StartDocumentWorkflowLambdaFunction): an invocation
  record, the event under `requestPayload` and the function's error under `responsePayload`;
- a Lambda dead-letter queue (DeadLetterConfig): the event itself, the error in the ErrorMessage attribute;
- EventBridge, for an event it could not deliver: the event itself, the error in the ERROR_CODE attribute.
Only the error's name is recorded, never its message (it may quote the bundle).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from kyc.model import Status
from kyc.observability import logger
from kyc.services.failure import FailureDeps, record_failure, upload_app_uuid
from kyc.services.records import DOCUMENTS_DONE

MAX_NAME_CHARS = 80
_NOT_A_NAME = re.compile(r"[^A-Za-z0-9_.\-]")


class UnknownDeadLetter(ValueError):
    """A message that names no upload: left on the queue for an operator (its alarm)."""


@dataclass(frozen=True)
class FailedUpload:
    key: str  # URL-encoded, as S3 notifications give it
    etag: str
    step: str  # what failed: the function, or EventBridge's delivery
    error: str  # the error's name, e.g. Sandbox.Timedout


def record_dead_letter(body: str, attributes: Mapping[str, str], deps: FailureDeps) -> list[Status]:
    """Record ERROR for every upload of one dead-letter message; the statuses their applications have."""
    return [_record(upload, deps) for upload in failed_uploads(body, attributes)]


def _record(upload: FailedUpload, deps: FailureDeps) -> Status:
    record = deps.applications.read(upload_app_uuid(upload.key))
    if record is not None and record.etag == upload.etag and DOCUMENTS_DONE in record.effects:
        logger.info("dead letter of an upload whose document steps finished: nothing to record")
        return record.status  # e.g. awaiting its licence validation, its message queued
    return record_failure(upload.key, upload.etag, upload.step, upload.error, deps)


def failed_uploads(body: str, attributes: Mapping[str, str]) -> list[FailedUpload]:
    """The uploads one dead-letter message is about, whichever sender wrote it."""
    try:
        message = json.loads(body)
    except ValueError:
        raise UnknownDeadLetter("the message is not JSON") from None
    if not isinstance(message, dict):
        raise UnknownDeadLetter("the message is not a JSON object")
    if isinstance(message.get("requestPayload"), dict):
        response = message.get("responsePayload")
        response = response if isinstance(response, dict) else {}
        function_arn = str(message.get("requestContext", {}).get("functionArn", ""))
        step = function_arn.split(":")[6] if function_arn.count(":") >= 6 else "a function"
        error = _error_name(response.get("errorType"), str(response.get("errorMessage", "")))
        return _uploads(message["requestPayload"], _name(step), error)
    if "ERROR_CODE" in attributes:
        return _uploads(message, "EventBridge delivery", _name(attributes["ERROR_CODE"]))
    return _uploads(message, "a function", _error_name(None, attributes.get("ErrorMessage", "")))


def _error_name(error_type: object, message: str) -> str:
    """Lambda's error type; when it gave none, what its message says (a timeout's record may carry only that)."""
    if isinstance(error_type, str) and error_type:
        return _name(error_type)
    if "Task timed out" in message:
        return "Sandbox.Timedout"
    if "Runtime exited" in message:
        return "Runtime.ExitError"
    return "Unhandled"


def _name(text: str) -> str:
    return _NOT_A_NAME.sub("?", text)[:MAX_NAME_CHARS] or "?"


def _uploads(event: Any, step: str, error: str) -> list[FailedUpload]:
    if not isinstance(event, dict):
        raise UnknownDeadLetter("the failed event is not a JSON object")
    if isinstance(event.get("Records"), list):  # an S3 event notification: keys URL-encoded
        objects = [record.get("s3", {}).get("object", {}) for record in event["Records"]]
        uploads = [(str(o.get("key", "")), str(o.get("eTag", ""))) for o in objects]
    elif event.get("source") == "aws.s3":  # an S3 event through EventBridge: keys as they are
        obj = event.get("detail", {}).get("object", {})
        uploads = [(quote_plus(str(obj.get("key", "")), safe="/"), str(obj.get("etag", "")))]
    else:
        raise UnknownDeadLetter("the failed event is not an S3 upload event")
    if not uploads or not all(key and etag for key, etag in uploads):
        raise UnknownDeadLetter("the failed event names no upload")
    return [FailedUpload(key, etag, step, error) for key, etag in uploads]
