"""The face check: what CompareFaces said about the licence (source) and the selfie (target)."""

from __future__ import annotations

from kyc.model import Check, CheckResult, FaceComparison, Outcome, Reason


def decide_face(comparison: FaceComparison) -> CheckResult:
    """PASS at or above the threshold, FAIL below it; face-quality problems are UNDECIDED, never a mismatch."""
    detail = {
        "similarity": comparison.similarity,
        "threshold": comparison.threshold,
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
    if comparison.similarity is not None and comparison.similarity >= comparison.threshold:
        return result(Outcome.PASS)
    return result(Outcome.FAIL, Reason.SELFIE_MISMATCH)
