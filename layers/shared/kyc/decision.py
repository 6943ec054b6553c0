"""The application status and reasons from the checks' results."""

from __future__ import annotations

from collections.abc import Iterable

from kyc.model import Check, CheckResult, Outcome, Reason, Status


def decide_status(results: Iterable[CheckResult]) -> tuple[Status, tuple[Reason, ...]]:
    """The status the results so far allow, and the union of their reasons in Reason order.

    Waiting for the licence validation (unless a dependency already failed) → AWAITING_LICENSE_VALIDATION;
    then any FAIL → REJECTED, any ERROR → ERROR, any UNDECIDED → REVIEW, all three checks PASS → APPROVED.
    A face or details result still missing once validation is in → PROCESSING.
    """
    results = list(results)
    outcomes = {result.outcome for result in results}
    reasons = {reason for result in results for reason in result.reasons}
    if Outcome.ERROR in outcomes:
        reasons.add(Reason.SERVICE_ERROR)
    ordered = tuple(reason for reason in Reason if reason in reasons)
    checks = {result.check for result in results}
    if Check.VALIDATION not in checks and Outcome.ERROR not in outcomes:
        return Status.AWAITING_LICENSE_VALIDATION, ordered
    for outcome, status in (
        (Outcome.FAIL, Status.REJECTED),
        (Outcome.ERROR, Status.ERROR),
        (Outcome.UNDECIDED, Status.REVIEW),
    ):
        if outcome in outcomes:
            return status, ordered
    if checks >= set(Check):
        return Status.APPROVED, ordered
    return Status.PROCESSING, ordered
