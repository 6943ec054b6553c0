"""SubmitLicenseLambdaFunction's use case: one queued licence to the third-party validator, once.

The message is a pointer to the application: the licence validated is the one recorded for it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kyc import notifications
from kyc.decision import decide_status
from kyc.model import Check, CheckResult, Outcome, Reason, ServiceFailure, Status
from kyc.observability import logger
from kyc.ports import ApplicationRecord, Applications, LicenseValidator, Notifier
from kyc.services.records import log_result, log_status, notify_once, write_patiently
from kyc.settings import Settings

MAX_MESSAGE_BYTES = 4096  # the pointer and its test-mode override; anything larger is not ours
_APP_UUID = re.compile(r"[A-Za-z0-9_-]{1,64}")


class PoisonMessage(Exception):
    """A message that can never succeed: left to fail into the dead-letter queue, with an alarm."""


class ValidationBusy(Exception):
    """Another delivery of the message is calling the validator: this one is retried after the visibility timeout,
    by when the other has settled the application."""


@dataclass(frozen=True)
class LicenseMessage:
    app_uuid: str
    validation_override: bool | None = None  # honoured only when the stack is in test mode


@dataclass
class SubmitDeps:
    applications: Applications
    validator: LicenseValidator
    notifier: Notifier
    settings: Settings
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    console_url: str | None = None  # the review console's base URL, for the final e-mail's link


def parse_message(body: str) -> LicenseMessage:
    """The queued message, checked: `app_uuid` (or the lab's `uuid`) is required."""
    if len(body.encode()) > MAX_MESSAGE_BYTES:
        raise PoisonMessage("body is larger than a licence message")
    try:
        message = json.loads(body)
    except ValueError:
        raise PoisonMessage("body is not JSON") from None
    if not isinstance(message, dict):
        raise PoisonMessage("body is not a JSON object")
    app_uuid = message.get("app_uuid") or message.get("uuid")
    if not isinstance(app_uuid, str) or not _APP_UUID.fullmatch(app_uuid):
        raise PoisonMessage("app_uuid missing or malformed")
    override = message.get("validation_override")
    return LicenseMessage(app_uuid, override if isinstance(override, bool) else None)


def submit_license(message: LicenseMessage, receive_count: int, deps: SubmitDeps) -> Status:
    """Validate the recorded licence of an application awaiting it, record the final status and tell staff."""
    app_uuid, apps = message.app_uuid, deps.applications
    logger.append_keys(app_uuid=app_uuid)
    now = deps.clock()
    record = apps.take_validation_lease(app_uuid, now, now + timedelta(seconds=deps.settings.lease_seconds))
    if record is None:
        return _unclaimed(app_uuid, apps)
    validation = _validate(record, message, receive_count, deps)
    log_result(app_uuid, validation)
    status, reasons = decide_status([*record.results.values(), validation])
    write_patiently(lambda: apps.settle_validation(app_uuid, validation, status, reasons, deps.clock()))
    log_status(app_uuid, status, reasons)
    if validation.outcome is not Outcome.PASS:
        notice = notifications.check_failed(app_uuid, validation, status)
        notify_once(apps, deps.notifier, app_uuid, f"notified:{Check.VALIDATION}", notice)
    results = [*record.results.values(), validation]
    final = notifications.final_status(app_uuid, status, reasons, results, console_url=deps.console_url)
    notify_once(apps, deps.notifier, app_uuid, notifications.FINAL_EFFECT, final)
    return status


def _unclaimed(app_uuid: str, apps: Applications) -> Status:
    """Why the lease was not had: no such application, a licence settled already, or another delivery's lease."""
    record = apps.read(app_uuid)
    if record is None:
        raise PoisonMessage("no such application")
    if record.status is Status.AWAITING_LICENSE_VALIDATION:
        raise ValidationBusy(app_uuid)
    logger.info("licence already settled: duplicate message", extra={"status": str(record.status)})
    return record.status


def _validate(record: ApplicationRecord, message: LicenseMessage, receive_count: int, deps: SubmitDeps) -> CheckResult:
    number = record.details.get("DOCUMENT_NUMBER")
    if not number:
        raise PoisonMessage("no licence number recorded for the application")
    request: dict[str, object] = {"driver_license_id": number}
    if record.details.get("STATE_IN_ADDRESS"):
        request["state"] = record.details["STATE_IN_ADDRESS"]
    if deps.settings.test_mode and message.validation_override is not None:
        request["validation_override"] = message.validation_override
    try:
        answer = deps.validator.validate(request)
    except ServiceFailure as failure:
        if receive_count < deps.settings.max_receives:
            deps.applications.release_validation_lease(record.app_uuid, deps.clock())
            raise  # SQS delivers it again after the visibility timeout
        logger.error(
            "validator failed on the last delivery", extra={"service": failure.service, "error": failure.detail}
        )
        return CheckResult(Check.VALIDATION, Outcome.ERROR, (Reason.SERVICE_ERROR,), {"service": failure.service})
    outcome, reasons = (Outcome.PASS, ()) if answer.valid else (Outcome.FAIL, (Reason.LICENSE_INVALID,))
    return CheckResult(Check.VALIDATION, outcome, reasons, {"validator_reason": answer.reason[:200]})
