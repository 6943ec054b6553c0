"""The face check: what CompareFaces said about the licence (source) and the selfie (target), decided as a band.

PASS at or above the pass threshold, FAIL below the fail threshold, REVIEW (FACE_UNCERTAIN) between. A selfie face
that cannot be judged fairly (too small, blurred, turned away, occluded) goes to REVIEW (FACE_QUALITY, the gates named
in the detail) whatever its similarity: never to a mismatch. The thresholds and gates are calibrated on real photos
(docs/accuracy.md, `python -m bench.face_calibration`).
"""

from __future__ import annotations

from dataclasses import dataclass

from kyc.model import Check, CheckResult, FaceComparison, FaceQuality, Outcome, Reason

REQUEST_THRESHOLD = 0.0  # ask CompareFaces for every face's similarity: the band decides, and staff see the score
MIN_FACE_WIDTH = 0.05  # the face box narrower than 5 % of the selfie: too few pixels to judge
MIN_SHARPNESS = 10.0  # Quality.Sharpness below this: motion or focus blur
MIN_CONFIDENCE = 90.0  # detection confidence below this: the face is partly hidden or not a clear face
MAX_YAW = 45.0  # degrees: a profile rather than a face turned to the camera
MAX_PITCH = 35.0
MAX_ROLL = 45.0


@dataclass(frozen=True)
class FaceBand:
    """The two similarity thresholds (0–100): FAIL below `fail`, PASS at or above `pass_`, REVIEW between."""

    fail: float
    pass_: float

    def __post_init__(self) -> None:
        if not 0 <= self.fail <= self.pass_ <= 100:
            raise ValueError(f"need 0 <= fail ({self.fail:g}) <= pass ({self.pass_:g}) <= 100")


def quality_problems(face: FaceQuality) -> list[str]:
    """The quality gates this selfie face fails, by name (empty when it can be judged)."""
    gates = {
        "small": face.width < MIN_FACE_WIDTH,
        "blurred": face.sharpness < MIN_SHARPNESS,
        "pose": abs(face.yaw) > MAX_YAW or abs(face.pitch) > MAX_PITCH or abs(face.roll) > MAX_ROLL,
        "occluded": face.confidence < MIN_CONFIDENCE,
    }
    return [name for name, failed in gates.items() if failed]


def decide_face(comparison: FaceComparison, band: FaceBand) -> CheckResult:
    """The face check's outcome: face-count and quality problems are UNDECIDED, never a mismatch."""
    detail: dict[str, object] = {
        "similarity": comparison.similarity,
        "pass_threshold": band.pass_,
        "fail_threshold": band.fail,
        "faces_in_selfie": comparison.target_face_count,
    }

    def result(outcome: Outcome, *reasons: Reason) -> CheckResult:
        return CheckResult(check=Check.FACE, outcome=outcome, reasons=reasons, detail=detail)

    if not comparison.source_has_face:
        return result(Outcome.UNDECIDED, Reason.NO_FACE_LICENSE)
    if comparison.target_face_count == 0:
        return result(Outcome.UNDECIDED, Reason.NO_FACE_SELFIE)
    if comparison.target_face_count > 1:
        return result(Outcome.UNDECIDED, Reason.MULTIPLE_FACES_SELFIE)
    problems = quality_problems(comparison.selfie) if comparison.selfie else []
    if problems:
        detail["quality"] = ",".join(problems)
        return result(Outcome.UNDECIDED, Reason.FACE_QUALITY)
    similarity = comparison.similarity
    if similarity is not None and similarity >= band.pass_:
        return result(Outcome.PASS)
    if similarity is None or similarity < band.fail:
        return result(Outcome.FAIL, Reason.SELFIE_MISMATCH)
    return result(Outcome.UNDECIDED, Reason.FACE_UNCERTAIN)
