"""SubmitLicenseLambdaFunction's use case: one queued licence to the third-party validator, once."""

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
from kyc.ports import Applications, Condition, LicenseValidator, Notifier
from kyc.services.records import (
    iso,
    log_result,
    log_status,
    notify_once,
    recorded_results,
    result_attributes,
    write_paid_result,
)
from kyc.settings import Settings

AWAITING = frozenset({Status.AWAITING_LICENSE_VALIDATION})
VALIDATION_LEASE = "VALIDATION_LEASE_UNTIL"  # held while one delivery of the message calls the validator
_APP_UUID = re.compile(r"[A-Za-z0-9_-]{1,64}")


class PoisonMessage(Exception):
    """A message that can never succeed: left to fail into the dead-letter queue, with an alarm."""


class ValidationBusy(Exception):
    """Another delivery of the message is calling the validator: this one is retried after the visibility timeout,
    by when the other has settled the application."""


@dataclass
class SubmitDeps:
    applications: Applications
    validator: LicenseValidator
    notifier: Notifier
    settings: Settings
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


def parse_message(body: str) -> dict:
    """The queued message, checked: app_uuid and driver_license_id are required strings."""
    try:
        message = json.loads(body)
    except ValueError:
        raise PoisonMessage("body is not JSON") from None
    if not isinstance(message, dict):
        raise PoisonMessage("body is not a JSON object")
    app_uuid = message.get("app_uuid") or message.get("uuid")
    if not isinstance(app_uuid, str) or not _APP_UUID.fullmatch(app_uuid):
        raise PoisonMessage("app_uuid missing or malformed")
    if not isinstance(message.get("driver_license_id"), str) or not message["driver_license_id"].strip():
        raise PoisonMessage("driver_license_id missing")
    return {**message, "app_uuid": app_uuid}


def submit_license(message: dict, receive_count: int, deps: SubmitDeps) -> Status:
    """Validate the licence of an application awaiting it and record the final status."""
    app_uuid, apps = message["app_uuid"], deps.applications
    logger.append_keys(app_uuid=app_uuid)
    item = _claim_validation(app_uuid, deps)
    if item is None:
        return _unclaimed(app_uuid, apps)
    results = recorded_results(item)
    recorded = {}
    if Check.VALIDATION not in results:
        results[Check.VALIDATION] = _validate(message, receive_count, deps)
        recorded = result_attributes(results[Check.VALIDATION])
        log_result(app_uuid, results[Check.VALIDATION])
    status, reasons = decide_status(results.values())
    write_paid_result(  # the result and the status it gives in one write, as patiently as a paid check's
        app_uuid,
        {**recorded, "APPLICATION_STATUS": str(status), "REASONS": [str(r) for r in reasons],
         "UPDATED_AT": iso(deps.clock())},
        Condition(statuses=AWAITING),
        apps,
    )
    log_status(app_uuid, status, reasons)
    validation = results[Check.VALIDATION]
    if validation.outcome is not Outcome.PASS:
        message_out = notifications.check_failed(app_uuid, validation, status)
        notify_once(apps, deps.notifier, app_uuid, f"notified:{Check.VALIDATION}", message_out)
    return status


def _claim_validation(app_uuid: str, deps: SubmitDeps) -> dict | None:
    """Lease the validator call, so that duplicate deliveries arriving together call (and pay) it once: the item of
    an application awaiting its validation, leased to this delivery; None when there is none to lease."""
    now = deps.clock()
    lease = iso(now + timedelta(seconds=deps.settings.lease_seconds))
    condition = Condition(statuses=AWAITING, lease_expired_at=iso(now), lease=VALIDATION_LEASE)
    return deps.applications.update_and_read(app_uuid, {VALIDATION_LEASE: lease}, condition)


def _unclaimed(app_uuid: str, apps: Applications) -> Status:
    """Why the lease was not had: no such application, a licence settled already, or another delivery's lease."""
    item = apps.get(app_uuid)
    if item is None:
        raise PoisonMessage("no such application")
    status = Status(item["APPLICATION_STATUS"])
    if status is Status.AWAITING_LICENSE_VALIDATION:
        raise ValidationBusy(app_uuid)
    logger.info("licence already settled: duplicate message", extra={"status": str(status)})
    return status


def _release_validation(app_uuid: str, deps: SubmitDeps) -> None:
    """Let the next delivery call the validator at once after this one failed to get an answer."""
    deps.applications.update(app_uuid, {VALIDATION_LEASE: iso(deps.clock())}, Condition(statuses=AWAITING))


def _validate(message: dict, receive_count: int, deps: SubmitDeps) -> CheckResult:
    request = {"driver_license_id": message["driver_license_id"]}
    if isinstance(message.get("state"), str):
        request["state"] = message["state"]
    if deps.settings.test_mode and isinstance(message.get("validation_override"), bool):
        request["validation_override"] = message["validation_override"]
    try:
        answer = deps.validator.validate(request)
    except ServiceFailure as failure:
        if receive_count < deps.settings.max_receives:
            _release_validation(message["app_uuid"], deps)
            raise  # SQS delivers it again after the visibility timeout
        logger.error(
            "validator failed on the last delivery", extra={"service": failure.service, "error": failure.detail}
        )
        return CheckResult(Check.VALIDATION, Outcome.ERROR, (Reason.SERVICE_ERROR,), {"service": failure.service})
    if answer.valid:
        return CheckResult(Check.VALIDATION, Outcome.PASS, (), {"validator_reason": answer.reason})
    return CheckResult(Check.VALIDATION, Outcome.FAIL, (Reason.LICENSE_INVALID,), {"validator_reason": answer.reason})
