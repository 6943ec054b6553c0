"""The status machine, table-tested: forward only, and each check recorded only while it is undecided."""

import pytest
from kyc.lifecycle import NEXT, RECORDABLE, REOPENS, may_move, reopened_status, sources, staff_may_move
from kyc.model import Check, Status

S = Status
ALLOWED = {
    (S.RECEIVED, S.PROCESSING), (S.RECEIVED, S.AWAITING_LICENSE_VALIDATION), (S.RECEIVED, S.REJECTED),
    (S.RECEIVED, S.REVIEW), (S.RECEIVED, S.ERROR),
    (S.PROCESSING, S.PROCESSING), (S.PROCESSING, S.AWAITING_LICENSE_VALIDATION), (S.PROCESSING, S.REJECTED),
    (S.PROCESSING, S.REVIEW), (S.PROCESSING, S.ERROR),
    (S.AWAITING_LICENSE_VALIDATION, S.APPROVED), (S.AWAITING_LICENSE_VALIDATION, S.REJECTED),
    (S.AWAITING_LICENSE_VALIDATION, S.REVIEW), (S.AWAITING_LICENSE_VALIDATION, S.ERROR),
}  # fmt: skip


@pytest.mark.parametrize("current", list(Status))
@pytest.mark.parametrize("target", list(Status))
def test_every_pair_of_statuses(current, target):
    assert may_move(current, target) is ((current, target) in ALLOWED)
    assert (current in sources(target)) is ((current, target) in ALLOWED)


def test_nothing_moves_back_to_received_and_final_statuses_are_final():
    assert S.RECEIVED not in {target for targets in NEXT.values() for target in targets}
    for status in Status:
        if status.terminal:
            assert NEXT[status] == frozenset()


def test_document_checks_are_recorded_only_before_the_documents_are_decided():
    assert RECORDABLE == {
        Check.FACE: {S.RECEIVED, S.PROCESSING},
        Check.DETAILS: {S.RECEIVED, S.PROCESSING},
        Check.VALIDATION: {S.AWAITING_LICENSE_VALIDATION},
    }


STAFF_MOVES = {  # (current, target): who may make it — "decision", "four-eyes" (only confirmed)
    (S.REVIEW, S.APPROVED): "decision", (S.REVIEW, S.REJECTED): "decision",
    (S.REVIEW, S.RESUBMISSION_REQUESTED): "decision",
    (S.ERROR, S.REJECTED): "decision", (S.ERROR, S.RESUBMISSION_REQUESTED): "decision",
    (S.REJECTED, S.APPROVED): "four-eyes",
}  # fmt: skip


@pytest.mark.parametrize("current", list(Status))
@pytest.mark.parametrize("target", list(Status))
def test_every_staff_move(current, target):
    """A decision makes only decisions' moves (four-eyes ones only confirmed); never a re-run's (REOPENS)."""
    kind = STAFF_MOVES.get((current, target))
    assert staff_may_move(current, target) is (kind == "decision")
    assert staff_may_move(current, target, confirmed=True) is (kind in ("decision", "four-eyes"))


def test_a_rerun_reopens_each_check_where_it_is_recorded():
    assert REOPENS == {Check.FACE: S.PROCESSING, Check.DETAILS: S.PROCESSING, Check.VALIDATION: S.AWAITING_LICENSE_VALIDATION}
    for check, status in REOPENS.items():
        assert status in RECORDABLE[check] and not staff_may_move(S.ERROR, status, confirmed=True)


def test_a_rerun_reopens_checks_only_to_one_status():
    assert reopened_status(frozenset({Check.FACE, Check.DETAILS})) is S.PROCESSING
    assert reopened_status(frozenset({Check.VALIDATION})) is S.AWAITING_LICENSE_VALIDATION
    assert reopened_status(frozenset({Check.DETAILS, Check.VALIDATION})) is None
    assert reopened_status(frozenset()) is None
