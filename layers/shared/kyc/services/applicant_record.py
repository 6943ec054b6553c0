"""The second document step: the applicant's details on the application item (the lab's WriteToDynamo)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kyc.applicant import parse_details
from kyc.model import Details, Status
from kyc.ports import Applications, Condition, DocumentStore
from kyc.services.records import OPEN, iso

MAX_CSV_BYTES = 64 * 1024  # the stored CSV: eight values of at most 200 characters, and their names


@dataclass
class DetailsRecordDeps:
    store: DocumentStore
    applications: Applications
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


def record_details(
    app_uuid: str, etag: str, details: Details, applications: Applications, clock: Callable[[], datetime]
) -> None:
    """The eight CSV fields on the item, and the application PROCESSING."""
    applications.update(
        app_uuid,
        {**details, "APPLICATION_STATUS": str(Status.PROCESSING), "UPDATED_AT": iso(clock())},
        Condition(etag=etag, statuses=OPEN),
    )


def record_stored_details(app_uuid: str, etag: str, details_key: str, deps: DetailsRecordDeps) -> None:
    """Record the details CSV the first step stored in unzipped/ (it passed every rule there already)."""
    stored = deps.store.read_upload(details_key, MAX_CSV_BYTES)
    record_details(app_uuid, etag, parse_details(stored.body), deps.applications, deps.clock)
