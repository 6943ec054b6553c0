"""What the use cases share: the patient write of a paid result, effects done exactly once, logs and metrics."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from aws_lambda_powertools.metrics import MetricUnit

from kyc.model import CheckResult, Reason, ServiceFailure, Status
from kyc.notifications import Notification
from kyc.observability import logger, metrics
from kyc.ports import ApplicationRecord, Applications, Notifier

DOCUMENTS_DONE = "document-done"  # the document steps are over for this upload: a duplicate event does nothing
PAID_RESULT_ATTEMPTS = 5  # writes of a paid check's result, beyond the client's own retries (quota may be spent)


class NotClaimed(Exception):
    """A task of the Step Functions workflow found no application claimed for its bundle."""


def expires_at(now: datetime, retention_days: int) -> datetime:
    """When the record's personal data expires (DynamoDB TTL)."""
    return now + timedelta(days=retention_days)


def claimed(app_uuid: str, etag: str, applications: Applications) -> ApplicationRecord:
    """The application a workflow task works on: claimed for this bundle by the first step."""
    record = applications.read(app_uuid)
    if record is None or record.etag != etag:
        raise NotClaimed(f"no application claimed for this bundle: {app_uuid}")
    return record


def write_patiently(write: Callable[[], bool]) -> bool:
    """A write that carries a paid result: retried beyond the client's own retries (the quota may be spent)."""
    for attempt in range(1, PAID_RESULT_ATTEMPTS):
        try:
            return write()
        except ServiceFailure:
            time.sleep(random.uniform(0, 0.5 * 2**attempt))  # full jitter: a paid result is not given up lightly
    return write()  # the last attempt: its failure is the caller's


def record_result(applications: Applications, app_uuid: str, etag: str, result: CheckResult, now: datetime) -> None:
    """Record a paid document check's result patiently, so that a retry never pays for it again."""
    write_patiently(lambda: applications.record_result(app_uuid, etag, result, now))
    log_result(app_uuid, result)


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
    applications: Applications, notifier: Notifier, app_uuid: str, effect: str, message: Notification
) -> None:
    """Publish unless the record says it was published already; a failed publish is retried later."""
    if not applications.mark_done(app_uuid, effect):
        return
    try:
        notifier.publish(message.subject, message.body, message.attributes)
    except Exception:
        applications.unmark(app_uuid, effect)
        raise
    logger.info("staff notified", extra={"app_uuid": app_uuid, "notification": effect})
