"""How check results and effects are recorded on the application item (shared by every use case)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from kyc.model import Check, CheckResult, Outcome, Reason, Status
from kyc.notifications import Notification
from kyc.observability import logger, metrics
from kyc.ports import Applications, Notifier


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def expires_at(now: datetime, retention_days: int) -> int:
    """Epoch seconds for the item's TTL: personal data is not kept past the retention period."""
    return int((now + timedelta(days=retention_days)).timestamp())


def result_attributes(result: CheckResult) -> dict[str, Any]:
    """The item attributes of one check: the lab's BOOL (when decided) and a result map to rebuild it."""
    values: dict[str, Any] = {
        f"{result.check}_RESULT": {"outcome": str(result.outcome), "reasons": [str(r) for r in result.reasons]}
    }
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
            )
    return results


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
