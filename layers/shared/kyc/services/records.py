"""How check results and effects are recorded on the application item (shared by every use case)."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from kyc.model import DETAIL_FIELDS, Check, CheckResult, Details, Outcome, Reason, ServiceFailure, Status
from kyc.notifications import Notification
from kyc.observability import logger, metrics
from kyc.ports import Applications, Condition, Notifier

OPEN = frozenset({Status.RECEIVED, Status.PROCESSING})
"""The statuses in which the document steps may still write: the checks are not decided yet."""
DONE_MARKER = "document-done"  # the document steps are over for this upload: a duplicate event does nothing
_NAMED_DETAIL = ("service", "mismatched", "unreadable")  # what a notification names besides the reason codes


@dataclass(frozen=True)
class Application:
    """What a document step knows of the application it works on: its id, its bundle, its details, its results."""

    app_uuid: str
    etag: str
    details: Details
    recorded: dict[Check, CheckResult]


def load_application(app_uuid: str, etag: str, applications: Applications) -> Application:
    """The application as recorded on its item (a task of the Step Functions workflow keeps no state of its own)."""
    item = applications.get(app_uuid) or {}
    details = {name: item[name] for name in DETAIL_FIELDS if name in item}
    return Application(app_uuid, etag, details, recorded_results(item))


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def expires_at(now: datetime, retention_days: int) -> int:
    """Epoch seconds for the item's TTL: personal data is not kept past the retention period."""
    return int((now + timedelta(days=retention_days)).timestamp())


def result_attributes(result: CheckResult) -> dict[str, Any]:
    """The item attributes of one check: the lab's BOOL (when decided) and a result map to rebuild it."""
    recorded: dict[str, Any] = {"outcome": str(result.outcome), "reasons": [str(r) for r in result.reasons]}
    detail = {key: result.detail[key] for key in _NAMED_DETAIL if key in result.detail}
    if detail:
        recorded["detail"] = detail
    values: dict[str, Any] = {f"{result.check}_RESULT": recorded}
    if result.value is not None:
        values[str(result.check)] = result.value
    return values


def recorded_results(item: dict[str, Any]) -> dict[Check, CheckResult]:
    """The check results already recorded on an item, by check."""
    results = {}
    for check in Check:
        recorded = item.get(f"{check}_RESULT")
        if recorded:
            results[check] = CheckResult(
                check=check,
                outcome=Outcome(recorded["outcome"]),
                reasons=tuple(Reason(r) for r in recorded.get("reasons", [])),
                detail=dict(recorded.get("detail") or {}),
            )
    return results


PAID_RESULT_ATTEMPTS = 5  # writes of a paid check's result, beyond the client's own retries (quota may be spent)


def record_result(app_uuid: str, etag: str, result: CheckResult, applications: Applications) -> CheckResult:
    """Record one document check as soon as it is known, so that a retry never pays for it again."""
    write_paid_result(app_uuid, document_result_values(result), Condition(etag=etag, statuses=OPEN), applications)
    log_result(app_uuid, result)
    return result


def document_result_values(result: CheckResult) -> dict[str, Any]:
    """A document check's item attributes: its result, and the similarity or the per-field report behind it."""
    values = result_attributes(result)
    if result.detail.get("similarity") is not None:
        values["FACE_SIMILARITY"] = result.detail["similarity"]
    if result.check is Check.DETAILS and "fields" in result.detail:
        values["DETAILS_REPORT"] = result.detail["fields"]
    return values


def write_paid_result(app_uuid: str, values: dict[str, Any], condition: Condition, applications: Applications) -> None:
    """A write that carries a paid result: retried beyond the client's own retries (the quota may be spent)."""
    for attempt in range(1, PAID_RESULT_ATTEMPTS + 1):
        try:
            applications.update(app_uuid, values, condition)
            return
        except ServiceFailure:
            if attempt == PAID_RESULT_ATTEMPTS:
                raise
            time.sleep(random.uniform(0, 0.5 * 2**attempt))  # full jitter: a paid result is not given up lightly


def log_result(app_uuid: str, result: CheckResult) -> None:
    logger.info(
        "check recorded",
        extra={
            "app_uuid": app_uuid,
            "check": str(result.check),
            "outcome": str(result.outcome),
            "reasons": [str(r) for r in result.reasons],
        },
    )
    metrics.add_metric(name=f"{result.check}_{result.outcome}", unit=MetricUnit.Count, value=1)


def log_status(app_uuid: str, status: Status, reasons: tuple[Reason, ...]) -> None:
    logger.info(
        "status decided", extra={"app_uuid": app_uuid, "status": str(status), "reasons": [str(r) for r in reasons]}
    )
    if status.terminal:
        metrics.add_metric(name=f"Applications{status.title().replace('_', '')}", unit=MetricUnit.Count, value=1)


def notify_once(
    applications: Applications, notifier: Notifier, app_uuid: str, marker: str, message: Notification
) -> None:
    """Publish unless the item's marker says it was published already; a failed publish is retried later."""
    if not applications.add_marker(app_uuid, marker):
        return
    try:
        notifier.publish(message.subject, message.body, message.attributes)
    except Exception:
        applications.remove_marker(app_uuid, marker)
        raise
    logger.info("staff notified", extra={"app_uuid": app_uuid, "notification": marker})
