"""The face decision: the band, the face-count outcomes and the quality gates."""

from __future__ import annotations

import dataclasses

import pytest
from kyc.faces import FaceBand, decide_face, quality_problems
from kyc.model import Check, FaceComparison, FaceQuality, Outcome, Reason

BAND = FaceBand(fail=70.0, pass_=98.0)
GOOD = FaceQuality(width=0.3, height=0.4, confidence=99.9, brightness=55.0, sharpness=80.0, roll=2.0, yaw=-10.0,
                   pitch=5.0)


@pytest.mark.parametrize(
    ("source_has_face", "faces", "similarity", "outcome", "reasons"),
    [
        (True, 1, 99.2, Outcome.PASS, ()),
        (True, 1, 98.0, Outcome.PASS, ()),
        (True, 1, 97.99, Outcome.UNDECIDED, (Reason.FACE_UNCERTAIN,)),
        (True, 1, 70.0, Outcome.UNDECIDED, (Reason.FACE_UNCERTAIN,)),
        (True, 1, 69.99, Outcome.FAIL, (Reason.SELFIE_MISMATCH,)),
        (True, 1, None, Outcome.FAIL, (Reason.SELFIE_MISMATCH,)),
        (True, 0, None, Outcome.UNDECIDED, (Reason.NO_FACE_SELFIE,)),
        (True, 2, 99.0, Outcome.UNDECIDED, (Reason.MULTIPLE_FACES_SELFIE,)),
        (False, 1, None, Outcome.UNDECIDED, (Reason.NO_FACE_LICENSE,)),
    ],
    ids=["match", "at-pass", "below-pass", "at-fail", "below-fail", "no-similarity", "no-selfie-face", "two-faces",
         "no-licence-face"],
)
def test_decide_face_band(source_has_face, faces, similarity, outcome, reasons):
    result = decide_face(FaceComparison(source_has_face, faces, similarity, 0.0, GOOD if faces == 1 else None), BAND)
    assert (result.check, result.outcome, result.reasons) == (Check.FACE, outcome, reasons)
    assert result.detail == {"similarity": similarity, "pass_threshold": 98.0, "fail_threshold": 70.0,
                             "faces_in_selfie": faces}


@pytest.mark.parametrize(
    ("change", "gate"),
    [
        ({"width": 0.03}, "small"),
        ({"sharpness": 4.0}, "blurred"),
        ({"yaw": 60.0}, "pose"),
        ({"pitch": -40.0}, "pose"),
        ({"roll": 50.0}, "pose"),
        ({"confidence": 80.0}, "occluded"),
    ],
)
def test_a_quality_gate_sends_to_review_never_to_a_mismatch(change, gate):
    poor = dataclasses.replace(GOOD, **change)
    assert quality_problems(poor) == [gate]
    for similarity in (5.0, 85.0, 99.9):
        result = decide_face(FaceComparison(True, 1, similarity, 0.0, poor), BAND)
        assert (result.outcome, result.reasons, result.detail["quality"]) == (
            Outcome.UNDECIDED, (Reason.FACE_QUALITY,), gate)


def test_every_failed_gate_is_named_and_a_good_face_passes_them_all():
    assert quality_problems(GOOD) == []
    poor = dataclasses.replace(GOOD, width=0.01, sharpness=1.0, yaw=80.0, confidence=50.0)
    result = decide_face(FaceComparison(True, 1, 99.0, 0.0, poor), BAND)
    assert result.detail["quality"] == "small,blurred,pose,occluded"


def test_without_quality_the_band_decides():
    assert decide_face(FaceComparison(True, 1, 99.0, 0.0), BAND).outcome is Outcome.PASS


@pytest.mark.parametrize(("fail", "pass_"), [(90.0, 80.0), (-1.0, 80.0), (70.0, 101.0)])
def test_a_band_must_be_ordered_and_within_0_to_100(fail, pass_):
    with pytest.raises(ValueError, match="need 0 <= fail"):
        FaceBand(fail, pass_)
