"""The status decision table."""

from __future__ import annotations

import pytest
from kyc.decision import decide_status
from kyc.model import Check, CheckResult, Outcome, Reason, Status

F, D, V = Check.FACE, Check.DETAILS, Check.VALIDATION
PASS, FAIL, UNDECIDED, ERROR = Outcome.PASS, Outcome.FAIL, Outcome.UNDECIDED, Outcome.ERROR


def result(check, outcome, *reasons):
    return CheckResult(check, outcome, reasons)


@pytest.mark.parametrize(
    ("results", "status", "reasons"),
    [
        ([], Status.AWAITING_LICENSE_VALIDATION, ()),
        ([result(F, PASS), result(D, PASS)], Status.AWAITING_LICENSE_VALIDATION, ()),
        (
            [result(F, FAIL, Reason.SELFIE_MISMATCH), result(D, PASS)],
            Status.AWAITING_LICENSE_VALIDATION,
            (Reason.SELFIE_MISMATCH,),
        ),
        ([result(F, PASS), result(D, ERROR)], Status.ERROR, (Reason.SERVICE_ERROR,)),
        ([result(F, PASS), result(D, PASS), result(V, PASS)], Status.APPROVED, ()),
        (
            [result(F, FAIL, Reason.SELFIE_MISMATCH), result(D, PASS), result(V, PASS)],
            Status.REJECTED,
            (Reason.SELFIE_MISMATCH,),
        ),
        (
            [result(F, PASS), result(D, PASS), result(V, FAIL, Reason.LICENSE_INVALID)],
            Status.REJECTED,
            (Reason.LICENSE_INVALID,),
        ),
        (
            [result(F, UNDECIDED, Reason.NO_FACE_SELFIE), result(D, PASS), result(V, PASS)],
            Status.REVIEW,
            (Reason.NO_FACE_SELFIE,),
        ),
        (
            [result(F, PASS), result(D, UNDECIDED, Reason.LICENSE_UNREADABLE), result(V, PASS)],
            Status.REVIEW,
            (Reason.LICENSE_UNREADABLE,),
        ),
        (
            [
                result(F, UNDECIDED, Reason.MULTIPLE_FACES_SELFIE),
                result(D, FAIL, Reason.DETAILS_MISMATCH),
                result(V, PASS),
            ],
            Status.REJECTED,
            (Reason.MULTIPLE_FACES_SELFIE, Reason.DETAILS_MISMATCH),
        ),
        ([result(F, PASS), result(D, PASS), result(V, ERROR)], Status.ERROR, (Reason.SERVICE_ERROR,)),
        (
            [result(F, FAIL, Reason.SELFIE_MISMATCH), result(D, PASS), result(V, ERROR)],
            Status.REJECTED,
            (Reason.SELFIE_MISMATCH, Reason.SERVICE_ERROR),
        ),
        (
            [result(F, UNDECIDED, Reason.NO_FACE_LICENSE), result(D, PASS), result(V, ERROR)],
            Status.ERROR,
            (Reason.NO_FACE_LICENSE, Reason.SERVICE_ERROR),
        ),
        ([result(D, PASS), result(V, PASS)], Status.PROCESSING, ()),
        (
            [
                result(D, FAIL, Reason.UNDERAGE, Reason.DETAILS_MISMATCH),
                result(F, FAIL, Reason.SELFIE_MISMATCH),
                result(V, FAIL, Reason.LICENSE_INVALID),
            ],
            Status.REJECTED,
            (Reason.SELFIE_MISMATCH, Reason.DETAILS_MISMATCH, Reason.UNDERAGE, Reason.LICENSE_INVALID),
        ),
    ],
    ids=[
        "nothing-yet",
        "awaiting-validation",
        "awaiting-despite-fail",
        "error-before-validation",
        "approved",
        "face-fail",
        "validation-fail",
        "face-undecided",
        "details-undecided",
        "fail-beats-undecided",
        "validation-error",
        "fail-beats-error",
        "error-beats-undecided",
        "face-missing",
        "reasons-in-enum-order",
    ],
)
def test_decide_status(results, status, reasons):
    assert decide_status(results) == (status, reasons)


def test_accepts_any_iterable_and_deduplicates_reasons():
    results = (result(c, FAIL, Reason.DETAILS_MISMATCH) for c in (F, D, V))
    assert decide_status(results) == (Status.REJECTED, (Reason.DETAILS_MISMATCH,))
