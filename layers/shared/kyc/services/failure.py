"""An upload whose processing failed for good (part 2's RecordError, the document dead-letter queue): the application
ends in ERROR, with PROCESSING_LIMIT when an invocation hit its time or memory limit, and staff are told once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kyc import notifications
from kyc.bundle import app_uuid_from_key
from kyc.model import Reason, Rejection, Status
from kyc.observability import logger
from kyc.ports import Applications, Claim, Notifier
from kyc.services.intake import invalid_key_id
from kyc.services.records import expires_at, log_status, notify_once
from kyc.settings import Settings

MAX_ERROR_CHARS = 200  # the error name is recorded, bounded
LIMIT_ERRORS = frozenset({"States.Timeout", "Sandbox.Timedout", "Runtime.ExitError", "Runtime.OutOfMemory"})
"""The error names of a task or invocation stopped at its time or memory limit (Step Functions' task timeout;
Lambda's timeout, and its runtime killed or out of memory)."""


@dataclass
class FailureDeps:
    applications: Applications
    notifier: Notifier
    settings: Settings
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    console_url: str | None = None  # the review console's base URL, for the final e-mail's link


def failure_reason(error: str) -> Reason:
    return Reason.PROCESSING_LIMIT if error in LIMIT_ERRORS else Reason.SERVICE_ERROR


def upload_app_uuid(raw_key: str) -> str:
    """The id the upload (its key URL-encoded) is recorded under, as the first step records it."""
    try:
        return app_uuid_from_key(raw_key)
    except Rejection:
        return invalid_key_id(raw_key)


def record_failure(raw_key: str, etag: str, step: str, error: str, deps: FailureDeps) -> Status:
    """ERROR on this upload's application (claimed here if the first step never claimed it), its reason chosen by the
    error's name; an application that has moved on, or belongs to another bundle, is left as it is."""
    app_uuid = upload_app_uuid(raw_key)
    logger.append_keys(app_uuid=app_uuid)
    apps, now, reason = deps.applications, deps.clock(), failure_reason(error)
    apps.claim(Claim(app_uuid, etag, now, now, expires_at(now, deps.settings.retention_days)))
    detail = f"step {step} failed: {error}"[:MAX_ERROR_CHARS]
    if not apps.settle(app_uuid, Status.ERROR, (reason,), now, etag=etag, detail=detail):
        logger.warning("failure not recorded: the application has moved on or belongs to another bundle")
        record = apps.read(app_uuid)
        return record.status if record else Status.ERROR
    apps.release_upload_lease(app_uuid, etag, now)  # a re-run may claim the upload at once
    logger.error("step failed for good", extra={"step": step[:MAX_ERROR_CHARS], "error": error[:MAX_ERROR_CHARS]})
    log_status(app_uuid, Status.ERROR, (reason,))
    where = f"step {step} ({error})"[:MAX_ERROR_CHARS]
    if reason is Reason.PROCESSING_LIMIT:
        message = notifications.processing_limit(app_uuid, where, deps.console_url)
    else:
        message = notifications.service_error(app_uuid, where, deps.console_url)
    notify_once(apps, deps.notifier, app_uuid, notifications.FINAL_EFFECT, message)
    return Status.ERROR
