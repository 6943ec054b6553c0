"""The last document step: the status from both checks, the licence queued, staff told of each failed check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kyc import notifications
from kyc.decision import decide_status
from kyc.model import Check, CheckResult, Outcome, Status
from kyc.ports import ApplicationRecord, Applications, LicenseQueue, Notifier
from kyc.services.checks import service_error
from kyc.services.records import DOCUMENTS_DONE, claimed, log_status, notify_once, record_result

DOCUMENT_CHECKS = (Check.FACE, Check.DETAILS)


@dataclass
class ConclusionDeps:
    applications: Applications
    notifier: Notifier
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    console_url: str | None = None  # the review console's base URL, for the final e-mail's link


def conclude(
    app: ApplicationRecord, results: list[CheckResult], deps: ConclusionDeps, queue: LicenseQueue | None
) -> Status:
    """Settle the status the results allow, queue the licence when its validation is due (part 1; part 2's state
    machine sends the message itself), tell staff of every check that did not pass (once each) and of a final
    status (once), and mark the document steps done.

    The licence is queued before the steps are marked done: a run killed in between queues it again when it is
    retried (SubmitLicense settles a licence once), never not at all.
    """
    status, reasons = decide_status(results)
    if deps.applications.settle(app.app_uuid, status, reasons, deps.clock(), etag=app.etag):
        log_status(app.app_uuid, status, reasons)
    else:  # a resumed run: the status was settled before, and may have moved on since
        status = _current_status(app.app_uuid, deps.applications)
    if queue is not None and status is Status.AWAITING_LICENSE_VALIDATION:
        queue.send(license_message(app.app_uuid))
    for result in results:
        if result.outcome is not Outcome.PASS:
            message = notifications.check_failed(app.app_uuid, result, status)
            notify_once(deps.applications, deps.notifier, app.app_uuid, f"notified:{result.check}", message)
    if status.terminal:
        final = notifications.final_status(app.app_uuid, status, reasons, results, console_url=deps.console_url)
        notify_once(deps.applications, deps.notifier, app.app_uuid, notifications.FINAL_EFFECT, final)
    deps.applications.mark_done(app.app_uuid, DOCUMENTS_DONE)
    return status


def _current_status(app_uuid: str, applications: Applications) -> Status:
    record = applications.read(app_uuid)
    return record.status if record else Status.ERROR


def decide(app_uuid: str, etag: str, branches: list[dict[str, Any]], deps: ConclusionDeps) -> Status:
    """Part 2's Decide: both checks' results, a check whose task failed for good recorded as ERROR, then `conclude`.

    The state machine's ValidateSend state sends the licence message (once per execution)."""
    app = claimed(app_uuid, etag, deps.applications)
    failed = {branch.get("check"): branch.get("error") for branch in branches if branch.get("outcome") != "PASS"}
    results = []
    for check in DOCUMENT_CHECKS:
        result = app.results.get(check)
        if result is None:
            result = service_error(check, str(failed.get(str(check)) or "no result"))
            record_result(deps.applications, app_uuid, etag, result, deps.clock())
        results.append(result)
    return conclude(app, results, deps, queue=None)


def license_message(app_uuid: str) -> dict[str, Any]:
    """LicenseQueue's message: a pointer to the application (SubmitLicense reads the licence from the record)."""
    return {"uuid": app_uuid, "app_uuid": app_uuid}
