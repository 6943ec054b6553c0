"""Fakes for the paid and external ports, injected through the dependency objects (never patched in)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kyc.model import (
    Check,
    CheckResult,
    FaceComparison,
    FieldReading,
    IdDocument,
    Reason,
    Rejection,
    ServiceFailure,
    UploadMissing,
    ValidationResult,
)
from kyc.ports import Upload


@dataclass
class FakeFaces:
    """CompareFaces stand-in: answers what it is told and counts its calls."""

    similarity: float | None = 99.9
    source_has_face: bool = True
    target_faces: int = 1
    failure: str | None = None
    calls: list[tuple[str, str]] = field(default_factory=list)

    def compare(self, source_key: str, target_key: str, threshold: float) -> FaceComparison:
        self.calls.append((source_key, target_key))
        if self.failure:
            raise ServiceFailure("rekognition", self.failure)
        return FaceComparison(self.source_has_face, self.target_faces, self.similarity, threshold)


@dataclass
class FakeIdReader:
    """AnalyzeID stand-in: reads back the fields it is given (by AnalyzeID type) and counts its calls."""

    fields: dict[str, str]
    confidence: float = 98.0
    failure: str | None = None
    calls: list[list[str]] = field(default_factory=list)

    def analyze(self, page_keys: list[str]) -> IdDocument:
        self.calls.append(page_keys)
        if self.failure:
            raise ServiceFailure("textract", self.failure)
        return IdDocument({name: FieldReading(text, self.confidence) for name, text in self.fields.items()})


@dataclass
class FakeValidator:
    valid: bool = True
    failure: str | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)

    def validate(self, request: dict[str, Any]) -> ValidationResult:
        self.requests.append(request)
        if self.failure:
            raise ServiceFailure("validator", self.failure)
        return ValidationResult(self.valid, "fake rule")


@dataclass
class FlakyNotifier:
    """Wraps a notifier and fails its first `failures` publishes, like an SNS outage."""

    inner: Any
    failures: int = 1

    def publish(self, subject: str, body: str, attributes: dict[str, str]) -> None:
        if self.failures:
            self.failures -= 1
            raise ServiceFailure("sns", "InternalError")
        self.inner.publish(subject, body, attributes)


class FlakyResultWrites:
    """Applications whose first `failures` writes of `check`'s result fail, as DynamoDB does when the client's retry
    quota is spent under throttling."""

    def __init__(self, inner: Any, check: Check, failures: int):
        self._inner, self._check, self.failures = inner, check, failures

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def record_result(self, app_uuid: str, etag: str, result: CheckResult, now: datetime) -> bool:
        self._fail_if(result)
        return bool(self._inner.record_result(app_uuid, etag, result, now))

    def settle_validation(self, app_uuid: str, result: CheckResult, *args: Any) -> bool:
        self._fail_if(result)
        return bool(self._inner.settle_validation(app_uuid, result, *args))

    def _fail_if(self, result: CheckResult) -> None:
        if result.check is self._check and self.failures:
            self.failures -= 1
            raise ServiceFailure("dynamodb", "ThrottlingException")


class MemoryStore:
    """DocumentStore in memory: uploads by key (with an ETag), and the members written."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.etags: dict[str, str] = {}
        self.types: dict[str, str] = {}

    def upload(self, key: str, body: bytes) -> str:
        self.objects[key] = body
        self.etags[key] = hashlib.md5(body).hexdigest()
        return self.etags[key]

    def read_upload(self, key: str, max_bytes: int) -> Upload:
        if key not in self.objects:
            raise UploadMissing(key)
        if len(self.objects[key]) > max_bytes:
            raise Rejection(Reason.BUNDLE_INVALID, f"zip larger than {max_bytes} bytes")
        return Upload(key, self.etags.get(key, ""), self.objects[key])

    def put_member(self, key: str, body: bytes, content_type: str) -> None:
        self.objects[key], self.types[key] = body, content_type

    def has_member(self, key: str) -> bool:
        return key in self.objects


@dataclass
class RecordingNotifier:
    messages: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def publish(self, subject: str, body: str, attributes: dict[str, str]) -> None:
        self.messages.append((subject, body, attributes))

    @property
    def checks(self) -> list[str]:
        return [attributes["check"] for _, _, attributes in self.messages]


@dataclass
class RecordingQueue:
    sent: list[dict[str, Any]] = field(default_factory=list)

    def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)
