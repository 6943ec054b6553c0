"""The status machine, table-tested: forward only, and each check recorded only while it is undecided."""

import pytest
from kyc.lifecycle import NEXT, RECORDABLE, may_move, sources
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
