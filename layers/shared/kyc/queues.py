"""The staff queues: which cases wait in them, who takes from each, and their service levels (SLA).

A case waits in a queue while it is in REVIEW or ERROR: it enters the review queue when it reaches either status and
the senior queue when its assignee escalates it. Its due time is the moment it entered its queue plus that queue's
SLA, as the admin set it last (a changed SLA applies to every waiting case at once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from kyc.model import Status

if TYPE_CHECKING:
    from kyc.ports import QueueSettingsStore

REVIEW_QUEUE, SENIOR_QUEUE = "review", "senior"
QUEUES = (REVIEW_QUEUE, SENIOR_QUEUE)
QUEUED = frozenset({Status.REVIEW, Status.ERROR})
"""The statuses in which a case waits in a queue; a case that reaches one enters REVIEW_QUEUE."""
TAKERS = {REVIEW_QUEUE: frozenset({"reviewer", "senior"}), SENIOR_QUEUE: frozenset({"senior"})}
"""The roles that take (and act on) the cases of each queue."""
DEFAULT_SLA_HOURS = {REVIEW_QUEUE: 24, SENIOR_QUEUE: 8}
MAX_SLA_HOURS = 24 * 30
_ISO = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class QueueSettings:
    """One version of the queues' SLAs (hours), as an admin set it; version 0: the defaults, never changed."""

    sla_hours: dict[str, int]
    version: int = 0
    changed_by: str = ""
    changed_at: str = ""

    def sla(self, queue: str) -> int:
        return self.sla_hours.get(queue, DEFAULT_SLA_HOURS[queue])


DEFAULT_SETTINGS = QueueSettings(dict(DEFAULT_SLA_HOURS))


def moment(text: str) -> datetime | None:
    """A time as the record writes it (ISO-8601 UTC, kyc.model.iso); None when it is not one."""
    try:
        return datetime.strptime(text, _ISO).replace(tzinfo=UTC)
    except ValueError:
        return None


def span(seconds: float) -> str:
    """A duration as staff read it: "1d 2h" from a day on, "3h 12m" below (none below zero)."""
    minutes = max(0, int(seconds // 60))
    return f"{minutes // 1440}d {minutes // 60 % 24}h" if minutes >= 1440 else f"{minutes // 60}h {minutes % 60}m"


def due(queued_at: str, sla_hours: int) -> datetime | None:
    """When a case that entered its queue at `queued_at` (ISO-8601 UTC) is due; None when the time is unknown."""
    start = moment(queued_at)
    return None if start is None else start + timedelta(hours=sla_hours)


def left_or_late(due_at: datetime | None, now: datetime) -> str:
    """"left 3h 12m" before the due time, "late 1d 2h" after it."""
    if due_at is None:
        return "no SLA"
    text = span(abs((due_at - now).total_seconds()))
    return f"left {text}" if due_at > now else f"late {text}"


def current(store: QueueSettingsStore) -> QueueSettings:
    """The SLAs in force: the latest version an admin set, else the defaults."""
    latest = store.latest(1)
    return latest[0] if latest else DEFAULT_SETTINGS
