"""The vocabulary every module shares: statuses, reason codes, checks and their results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

DETAIL_FIELDS = (
    "FIRST_NAME",
    "LAST_NAME",
    "CITY_IN_ADDRESS",
    "ZIP_CODE_IN_ADDRESS",
    "STATE_IN_ADDRESS",
    "DOCUMENT_NUMBER",
    "DATE_OF_BIRTH",
    "ADDRESS",
)

Details = dict[str, str]
"""The applicant's eight CSV fields, by DETAIL_FIELDS name."""


def iso(moment: datetime) -> str:
    """A moment as recorded: ISO-8601 UTC to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Status(StrEnum):
    RECEIVED = "RECEIVED"
    PROCESSING = "PROCESSING"
    AWAITING_LICENSE_VALIDATION = "AWAITING_LICENSE_VALIDATION"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    REVIEW = "REVIEW"
    ERROR = "ERROR"
    RESUBMISSION_REQUESTED = "RESUBMISSION_REQUESTED"  # staff asked the applicant for a new bundle

    @property
    def terminal(self) -> bool:
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset(
    {Status.APPROVED, Status.REJECTED, Status.REVIEW, Status.ERROR, Status.RESUBMISSION_REQUESTED}
)


class Reason(StrEnum):
    BUNDLE_INVALID = "BUNDLE_INVALID"
    CSV_INVALID = "CSV_INVALID"
    IMAGE_INVALID = "IMAGE_INVALID"
    NO_FACE_SELFIE = "NO_FACE_SELFIE"
    MULTIPLE_FACES_SELFIE = "MULTIPLE_FACES_SELFIE"
    NO_FACE_LICENSE = "NO_FACE_LICENSE"
    SELFIE_MISMATCH = "SELFIE_MISMATCH"
    DETAILS_MISMATCH = "DETAILS_MISMATCH"
    LICENSE_UNREADABLE = "LICENSE_UNREADABLE"
    LICENSE_EXPIRED = "LICENSE_EXPIRED"
    UNDERAGE = "UNDERAGE"
    LICENSE_INVALID = "LICENSE_INVALID"
    DUPLICATE_APPLICATION = "DUPLICATE_APPLICATION"
    SERVICE_ERROR = "SERVICE_ERROR"
    FACE_UNCERTAIN = "FACE_UNCERTAIN"  # similarity inside the review band
    FACE_QUALITY = "FACE_QUALITY"  # the selfie face is too small, blurred, turned away or occluded
    PROCESSING_LIMIT = "PROCESSING_LIMIT"  # an invocation hit its time or memory limit


class Check(StrEnum):
    """The checks, named by the DynamoDB attribute that records them (the lab's names)."""

    FACE = "LICENSE_SELFIE_MATCH"
    DETAILS = "LICENSE_DETAILS_MATCH"
    VALIDATION = "LICENSE_VALIDATION"


class Outcome(StrEnum):
    PASS = "PASS"  # the check is true
    FAIL = "FAIL"  # the check is false: REJECTED
    UNDECIDED = "UNDECIDED"  # could not be decided (unreadable field, face quality): REVIEW
    ERROR = "ERROR"  # a dependency failed beyond its retries: ERROR


EVIDENCE_KEYS = ("licence_value", "applicant_form", "licence_form")
"""A details report entry's personal values (CheckResult.evidence); the rest of an entry names rules and scores."""


def split_evidence(report: dict[str, dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, str]]]:
    """A details report (per field) as (the report without personal values, the personal values of each field)."""
    plain = {name: {k: v for k, v in entry.items() if k not in EVIDENCE_KEYS} for name, entry in report.items()}
    personal = {name: {k: entry[k] for k in EVIDENCE_KEYS if k in entry} for name, entry in report.items()}
    evidence = {name: values for name, values in personal.items() if values}
    return plain, evidence


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome. `detail` names fields, limits and scores; never personal values. `evidence` holds the
    personal values staff judge the check by (the details check: per field, the licence's value as read and the
    normalised forms compared): kept in the application record for the review console only, out of the repr."""

    check: Check
    outcome: Outcome
    reasons: tuple[Reason, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    @property
    def value(self) -> bool | None:
        """The lab's BOOL attribute: True on PASS, False on FAIL, None when not decided."""
        return {Outcome.PASS: True, Outcome.FAIL: False}.get(self.outcome)


class Rejection(Exception):
    """Bad input: recorded on the application with its reason code, never retried."""

    def __init__(self, reason: Reason, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class UploadMissing(Exception):
    """The event names an upload that does not exist (any more): there is nothing to record."""


class ServiceFailure(Exception):
    """A dependency failed beyond its retries (AWS service, validator)."""

    def __init__(self, service: str, detail: str = ""):
        super().__init__(f"{service} failed: {detail}" if detail else f"{service} failed")
        self.service = service
        self.detail = detail


@dataclass(frozen=True)
class FaceComparison:
    """What CompareFaces said, reduced to what the face decision needs."""

    source_has_face: bool  # False: Rekognition found no face in the licence
    target_face_count: int  # faces found in the selfie
    similarity: float | None  # best similarity 0–100 of the licence face against the selfie faces
    threshold: float  # the SimilarityThreshold asked for: below it a face's similarity is not reported
    selfie: FaceQuality | None = None  # the selfie face, when there is exactly one


@dataclass(frozen=True)
class FaceQuality:
    """One compared face as CompareFaces describes it: box size (ratios of the image), detection confidence,
    Quality (Brightness, Sharpness 0–100) and Pose (Roll, Yaw, Pitch in degrees)."""

    width: float
    height: float
    confidence: float
    brightness: float
    sharpness: float
    roll: float
    yaw: float
    pitch: float


@dataclass(frozen=True)
class FieldReading:
    """One field AnalyzeID returned: raw text, normalised value (dates) and confidence 0–100."""

    text: str
    confidence: float
    normalized: str | None = None


@dataclass(frozen=True)
class IdDocument:
    """What AnalyzeID read from the licence, by AnalyzeID field type (FIRST_NAME, EXPIRATION_DATE, ...)."""

    fields: dict[str, FieldReading]

    def get(self, name: str) -> FieldReading | None:
        reading = self.fields.get(name)
        return reading if reading and reading.text.strip() else None


@dataclass(frozen=True)
class Bundle:
    """A bundle that passed every safety rule."""

    app_uuid: str
    details: Details
    selfie: bytes
    license: bytes
    license_back: bytes | None = None


@dataclass(frozen=True)
class ValidationResult:
    valid: bool
    reason: str
