"""Part 2's RecordError: a step failed beyond its retries, so the application ends in ERROR and staff are told."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kyc import notifications
from kyc.bundle import app_uuid_from_key
from kyc.model import Reason, Rejection, Status
from kyc.observability import logger
from kyc.ports import Applications, Condition, Notifier
from kyc.services.intake import invalid_key_id
from kyc.services.records import OPEN, expires_at, iso, log_status, notify_once
from kyc.settings import Settings

FAILABLE = OPEN | {Status.AWAITING_LICENSE_VALIDATION}  # a licence message that could not be queued fails it too


@dataclass
class FailureDeps:
    applications: Applications
    notifier: Notifier
    settings: Settings
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


def record_failure(raw_key: str, etag: str, step: str, error: str, deps: FailureDeps) -> Status:
    """ERROR with SERVICE_ERROR on this upload's application (created if the first step never claimed it)."""
    try:
        app_uuid = app_uuid_from_key(raw_key)
    except Rejection:
        app_uuid = invalid_key_id(raw_key)
    logger.append_keys(app_uuid=app_uuid)
    now = deps.clock()
    values = {
        "APPLICATION_STATUS": str(Status.ERROR),
        "REASONS": [str(Reason.SERVICE_ERROR)],
        "ERROR_DETAIL": f"step {step} failed: {error}",
        "UPDATED_AT": iso(now),
        "LEASE_UNTIL": iso(now),  # a re-run may claim the upload at once
    }
    first = {
        "APP_UUID": app_uuid,
        "BUNDLE_ETAG": etag,
        "CREATED_AT": iso(now),
        "EXPIRES_AT": expires_at(now, deps.settings.retention_days),
    }
    recorded = deps.applications.create(first | values) or deps.applications.update(
        app_uuid, values, Condition(etag=etag, statuses=FAILABLE)
    )
    if not recorded:
        logger.warning("failure not recorded: the application has moved on or belongs to another bundle")
        return Status((deps.applications.get(app_uuid) or {}).get("APPLICATION_STATUS", Status.ERROR))
    logger.error("step failed beyond its retries", extra={"step": step, "error": error})
    log_status(app_uuid, Status.ERROR, (Reason.SERVICE_ERROR,))
    message = notifications.service_error(app_uuid, f"step {step} ({error})")
    notify_once(deps.applications, deps.notifier, app_uuid, "notified:error", message)
    return Status.ERROR
