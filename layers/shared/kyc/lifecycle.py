"""The application's status machine: which status may follow which, and when each check may be recorded.

Every implementation of the application record (DynamoDB, in memory) enforces these rules on every write, so an
application's status only moves forward, whatever order duplicate events and retries arrive in.
"""

from __future__ import annotations

from kyc.model import Check, Status

OPEN = frozenset({Status.RECEIVED, Status.PROCESSING})
"""The document checks are not decided yet: the document steps may still record results."""
AWAITING = frozenset({Status.AWAITING_LICENSE_VALIDATION})

_DECIDED_BY_DOCUMENTS = frozenset(
    {Status.PROCESSING, Status.AWAITING_LICENSE_VALIDATION, Status.REJECTED, Status.REVIEW, Status.ERROR}
)
_FINAL = frozenset({Status.APPROVED, Status.REJECTED, Status.REVIEW, Status.ERROR})

NEXT: dict[Status, frozenset[Status]] = {
    Status.RECEIVED: _DECIDED_BY_DOCUMENTS,
    Status.PROCESSING: _DECIDED_BY_DOCUMENTS,  # PROCESSING again: a resumed run records the details once more
    Status.AWAITING_LICENSE_VALIDATION: _FINAL,
    Status.APPROVED: frozenset(),
    Status.REJECTED: frozenset(),
    Status.REVIEW: frozenset(),
    Status.ERROR: frozenset(),
    Status.RESUBMISSION_REQUESTED: frozenset(),
}
"""The statuses each status may move to."""

RECORDABLE: dict[Check, frozenset[Status]] = {
    Check.FACE: OPEN,
    Check.DETAILS: OPEN,
    Check.VALIDATION: AWAITING,
}
"""The statuses in which each check's result may be recorded."""


REOPENABLE = frozenset({Status.REJECTED, Status.ERROR, Status.RESUBMISSION_REQUESTED})
"""The statuses after which a new upload starts the application's next attempt."""
MAX_ATTEMPTS = 5  # an application's attempts, the first included; the record keeps a summary of each


def may_move(current: Status, target: Status) -> bool:
    return target in NEXT[current]


def sources(target: Status) -> frozenset[Status]:
    """The statuses from which an application may move to `target`."""
    return frozenset(status for status, following in NEXT.items() if target in following)


STAFF_NEXT: dict[Status, frozenset[Status]] = {
    Status.REVIEW: frozenset({Status.APPROVED, Status.REJECTED, Status.RESUBMISSION_REQUESTED}),
    Status.ERROR: frozenset({Status.REJECTED, Status.RESUBMISSION_REQUESTED}),
    Status.REJECTED: frozenset({Status.APPROVED}),
}
"""The statuses a staff decision may move an application to, apart from NEXT: no automated step makes these moves
and no staff decision makes NEXT's."""
CONFIRMED_ONLY = frozenset({(Status.REJECTED, Status.APPROVED)})
"""Staff moves that only a confirmed four-eyes decision makes (overriding an automated rejection)."""
REOPENS: dict[Check, Status] = {
    Check.FACE: Status.PROCESSING,
    Check.DETAILS: Status.PROCESSING,
    Check.VALIDATION: Status.AWAITING_LICENSE_VALIDATION,
}
"""The status a staff re-run of a check that ended in ERROR re-opens the case to: the status in which that check is
recorded (RECORDABLE), from which the automated steps carry on. Only a re-run makes these moves, never a decision."""


def reopened_status(checks: frozenset[Check]) -> Status | None:
    """The status a re-run of these checks re-opens the case to; None unless REOPENS sends them all to one."""
    statuses = {REOPENS[check] for check in checks}
    return statuses.pop() if len(statuses) == 1 else None


def staff_may_move(current: Status, target: Status, *, confirmed: bool = False) -> bool:
    """Whether a staff decision may move `current` to `target` (`confirmed`: by a second person's confirmation)."""
    if target not in STAFF_NEXT.get(current, frozenset()):
        return False
    return confirmed or (current, target) not in CONFIRMED_ONLY
