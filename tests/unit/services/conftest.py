"""The use cases on the in-memory application record, with every other port faked: no moto, no sockets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from kyc.adapters.memory import MemoryApplications
from kyc.services.checks import DetailsCheckDeps, FaceCheckDeps
from kyc.services.conclusion import ConclusionDeps
from kyc.services.documents import DocumentDeps
from kyc.services.intake import IntakeDeps
from kyc.services.license_submission import SubmitDeps
from kyc.settings import Settings

from tests.support.bundles import bundle, license_fields
from tests.support.fakes import FakeFaces, FakeIdReader, FakeValidator, MemoryStore, RecordingNotifier, RecordingQueue

APP = "8d247914"
KEY = f"zipped/{APP}.zip"
SETTINGS = Settings({"AWS_REGION": "us-east-1", "LEASE_SECONDS": "90", "MAX_RECEIVES": "5"})


@dataclass
class World:
    """Every port of the use cases, in memory; `now` is the clock they read."""

    applications: MemoryApplications = field(default_factory=MemoryApplications)
    store: MemoryStore = field(default_factory=MemoryStore)
    faces: FakeFaces = field(default_factory=FakeFaces)
    id_reader: FakeIdReader = field(default_factory=lambda: FakeIdReader(license_fields()))
    notifier: RecordingNotifier = field(default_factory=RecordingNotifier)
    queue: RecordingQueue = field(default_factory=RecordingQueue)
    validator: FakeValidator = field(default_factory=FakeValidator)
    settings: Settings = SETTINGS
    now: datetime = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

    def clock(self) -> datetime:
        return self.now

    def later(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def upload(self, body: bytes | None = None, key: str = KEY) -> str:
        return self.store.upload(key, body if body is not None else bundle(APP))

    def intake(self) -> IntakeDeps:
        return IntakeDeps(self.store, self.applications, self.notifier, self.settings, self.clock)

    def face(self) -> FaceCheckDeps:
        return FaceCheckDeps(applications=self.applications, settings=self.settings, clock=self.clock, faces=self.faces)

    def details(self) -> DetailsCheckDeps:
        return DetailsCheckDeps(
            applications=self.applications, settings=self.settings, clock=self.clock, id_reader=self.id_reader
        )

    def conclusion(self) -> ConclusionDeps:
        return ConclusionDeps(self.applications, self.notifier, self.clock)

    def documents(self) -> DocumentDeps:
        return DocumentDeps(
            self.store, self.applications, self.faces, self.id_reader, self.notifier, self.queue, self.settings,
            self.clock,
        )

    def submit(self) -> SubmitDeps:
        return SubmitDeps(self.applications, self.validator, self.notifier, self.settings, self.clock)


@pytest.fixture
def world() -> World:
    return World()
