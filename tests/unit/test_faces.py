"""The face decision table."""

from __future__ import annotations

import pytest
from kyc.faces import decide_face
from kyc.model import Check, FaceComparison, Outcome, Reason


@pytest.mark.parametrize(
    ("source_has_face", "faces", "similarity", "outcome", "reasons"),
    [
        (True, 1, 99.2, Outcome.PASS, ()),
        (True, 1, 80.0, Outcome.PASS, ()),
        (True, 1, 79.99, Outcome.FAIL, (Reason.SELFIE_MISMATCH,)),
        (True, 1, None, Outcome.FAIL, (Reason.SELFIE_MISMATCH,)),
        (True, 0, None, Outcome.UNDECIDED, (Reason.NO_FACE_SELFIE,)),
        (True, 2, 99.0, Outcome.UNDECIDED, (Reason.MULTIPLE_FACES_SELFIE,)),
        (True, 5, None, Outcome.UNDECIDED, (Reason.MULTIPLE_FACES_SELFIE,)),
        (False, 1, None, Outcome.UNDECIDED, (Reason.NO_FACE_LICENSE,)),
        (False, 0, None, Outcome.UNDECIDED, (Reason.NO_FACE_LICENSE,)),
    ],
    ids=[
        "match",
        "at-threshold",
        "below-threshold",
        "no-similarity",
        "no-selfie-face",
        "two-faces",
        "five-faces",
        "no-licence-face",
        "no-face-anywhere",
    ],
)
def test_decide_face(source_has_face, faces, similarity, outcome, reasons):
    result = decide_face(FaceComparison(source_has_face, faces, similarity, 80.0))
    assert (result.check, result.outcome, result.reasons) == (Check.FACE, outcome, reasons)
    assert result.detail == {"similarity": similarity, "threshold": 80.0, "faces_in_selfie": faces}


def test_the_threshold_is_the_comparisons_own():
    assert decide_face(FaceComparison(True, 1, 85.0, 90.0)).outcome is Outcome.FAIL
    assert decide_face(FaceComparison(True, 1, 85.0, 70.0)).outcome is Outcome.PASS
