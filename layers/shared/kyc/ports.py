"""The ports: what the core needs from the world. Adapters implement them; tests pass fakes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from kyc.model import FaceComparison, IdDocument, ValidationResult


@dataclass(frozen=True)
class Upload:
    key: str
    etag: str
    body: bytes


class DocumentStore(Protocol):
    def read_upload(self, key: str, max_bytes: int) -> Upload:
        """The uploaded zip; raises kyc.model.Rejection(BUNDLE_INVALID) when larger than max_bytes."""

    def put_member(self, key: str, body: bytes, content_type: str) -> None: ...


class FaceComparer(Protocol):
    def compare(self, source_key: str, target_key: str, threshold: float) -> FaceComparison:
        """CompareFaces of the licence (source) against the selfie (target), both S3 keys."""


class IdReader(Protocol):
    def analyze(self, page_keys: list[str]) -> IdDocument:
        """AnalyzeID over the licence pages (front, and back when present), S3 keys."""


class Notifier(Protocol):
    def publish(self, subject: str, body: str, attributes: dict[str, str]) -> None: ...


class LicenseQueue(Protocol):
    def send(self, message: dict[str, Any]) -> None: ...


class Workflows(Protocol):
    def start(self, name: str, payload: dict[str, Any]) -> bool:
        """Start the document workflow's execution `name`; False when one of that name has run already.

        Step Functions answers a start of a running execution with the same name and input like the first start.
        """


class LicenseValidator(Protocol):
    def validate(self, request: dict[str, Any]) -> ValidationResult:
        """POST /license; raises kyc.model.ServiceFailure when the validator cannot answer."""


@dataclass(frozen=True)
class Condition:
    """What must hold for a conditional write: the bundle's ETag, the current status, an expired lease."""

    etag: str | None = None
    statuses: frozenset[str] | None = None
    lease_expired_at: str | None = None  # the lease attribute must not be later than this ISO timestamp
    lease: str = "LEASE_UNTIL"  # the lease: the document steps' (LEASE_UNTIL) or the validator call's


class Applications(Protocol):
    """CustomerMetadataTable: one item per application, written only under conditions."""

    def get(self, app_uuid: str) -> dict[str, Any] | None: ...

    def create(self, item: dict[str, Any]) -> bool:
        """Put the item unless one with its APP_UUID exists; False when it exists."""

    def update(self, app_uuid: str, values: dict[str, Any], condition: Condition) -> bool:
        """Set the values when the condition holds; False when it does not."""

    def update_and_read(self, app_uuid: str, values: dict[str, Any], condition: Condition) -> dict[str, Any] | None:
        """Set the values when the condition holds and return the whole item as written; None when it does not."""

    def add_marker(self, app_uuid: str, marker: str) -> bool:
        """Add a marker to the item's MARKERS set; False when it was already there (the effect happened)."""

    def remove_marker(self, app_uuid: str, marker: str) -> None: ...
