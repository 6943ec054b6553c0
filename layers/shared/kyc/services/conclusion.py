"""The last document step: the status from both checks, staff told of each failed check, the licence queued."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kyc import notifications
from kyc.decision import decide_status
from kyc.model import Check, CheckResult, Outcome, Status
from kyc.ports import Applications, Condition, LicenseQueue, Notifier
from kyc.services.checks import service_error
from kyc.services.records import (
    DONE_MARKER,
    OPEN,
    Application,
    document_result_values,
    iso,
    load_application,
    log_result,
    log_status,
    notify_once,
    record_result,
    write_paid_result,
)

DOCUMENT_CHECKS = (Check.FACE, Check.DETAILS)


@dataclass
class ConclusionDeps:
    applications: Applications
    notifier: Notifier
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


@dataclass(frozen=True)
class Decision:
    status: Status
    license_message: dict[str, Any] | None = None  # the LicenseQueue message, when the licence validation is due


def conclude(
    app: Application,
    results: Iterable[CheckResult],
    deps: ConclusionDeps,
    unrecorded: CheckResult | None = None,
    queue: LicenseQueue | None = None,
) -> Decision:
    """Record the status the results allow and tell staff of every check that did not pass (once each).

    `unrecorded`: a paid result just known, written in the same write as the status (one write fewer).
    `queue`: where the licence message goes when the validation is due, sent before staff are told, so that the
    applicant's validation does not wait for their e-mails (part 2's state machine sends the returned message).
    """
    results = list(results)
    status, reasons = decide_status(results)
    values = {"APPLICATION_STATUS": str(status), "REASONS": [str(r) for r in reasons], "UPDATED_AT": iso(deps.clock())}
    condition = Condition(etag=app.etag, statuses=OPEN)
    if unrecorded:
        write_paid_result(app.app_uuid, document_result_values(unrecorded) | values, condition, deps.applications)
        log_result(app.app_uuid, unrecorded)
    else:
        deps.applications.update(app.app_uuid, values, condition)
    log_status(app.app_uuid, status, reasons)
    decision = Decision(status, license_message(app) if status is Status.AWAITING_LICENSE_VALIDATION else None)
    if queue is not None and decision.license_message is not None:
        queue.send(decision.license_message)
    for result in results:
        if result.outcome is not Outcome.PASS:
            message = notifications.check_failed(app.app_uuid, result, status)
            notify_once(deps.applications, deps.notifier, app.app_uuid, f"notified:{result.check}", message)
    return decision


def decide(app_uuid: str, etag: str, branches: list[dict[str, Any]], deps: ConclusionDeps) -> Decision:
    """Part 2's Decide: both checks' results, a branch that failed for good recorded as ERROR, then `conclude`.

    The licence message goes back to the state machine, whose ValidateSend state sends it (once per execution).
    """
    app = load_application(app_uuid, etag, deps.applications)
    failed = {branch.get("check"): branch.get("error") for branch in branches if branch.get("outcome") != "PASS"}
    results = []
    for check in DOCUMENT_CHECKS:
        result = app.recorded.get(check)
        if result is None:
            failure = service_error(check, str(failed.get(str(check)) or "no result"), "the check's task failed")
            result = record_result(app_uuid, etag, failure, deps.applications)
        results.append(result)
    decision = conclude(app, results, deps)
    deps.applications.add_marker(app_uuid, DONE_MARKER)
    return decision


def license_message(app: Application) -> dict[str, Any]:
    """LicenseQueue's message (the SQS contract): the licence number and the application id."""
    return {
        "driver_license_id": app.details["DOCUMENT_NUMBER"],
        "uuid": app.app_uuid,
        "app_uuid": app.app_uuid,
        "state": app.details["STATE_IN_ADDRESS"],
    }
