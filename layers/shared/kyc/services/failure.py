"""Part 2's RecordError: a step failed beyond its retries, so the application ends in ERROR and staff are told."""

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

MAX_ERROR_CHARS = 200  # the Step Functions error name is recorded, bounded


@dataclass
class FailureDeps:
    applications: Applications
    notifier: Notifier
    settings: Settings
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


def record_failure(raw_key: str, etag: str, step: str, error: str, deps: FailureDeps) -> Status:
    """ERROR with SERVICE_ERROR on this upload's application (claimed here if the first step never claimed it)."""
    try:
        app_uuid = app_uuid_from_key(raw_key)
    except Rejection:
        app_uuid = invalid_key_id(raw_key)
    logger.append_keys(app_uuid=app_uuid)
    apps, now = deps.applications, deps.clock()
    apps.claim(Claim(app_uuid, etag, now, now, expires_at(now, deps.settings.retention_days)))
    detail = f"step {step} failed: {error}"[:MAX_ERROR_CHARS]
    if not apps.settle(app_uuid, Status.ERROR, (Reason.SERVICE_ERROR,), now, etag=etag, detail=detail):
        logger.warning("failure not recorded: the application has moved on or belongs to another bundle")
        record = apps.read(app_uuid)
        return record.status if record else Status.ERROR
    apps.release_upload_lease(app_uuid, etag, now)  # a re-run may claim the upload at once
    logger.error("step failed beyond its retries", extra={"step": step, "error": error[:MAX_ERROR_CHARS]})
    log_status(app_uuid, Status.ERROR, (Reason.SERVICE_ERROR,))
    message = notifications.service_error(app_uuid, f"step {step} ({error})"[:MAX_ERROR_CHARS])
    notify_once(apps, deps.notifier, app_uuid, "notified:error", message)
    return Status.ERROR
