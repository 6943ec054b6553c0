"""The second document step of part 2 (the lab's WriteToDynamo): the stored details CSV on the application.

Part 1 records the details with the claim; part 2 records them again from what Unzip stored, as the lab's step does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kyc.applicant import parse_details
from kyc.ports import Applications, DocumentStore

MAX_CSV_BYTES = 64 * 1024  # the stored CSV: eight values of at most 200 characters, and their names


@dataclass
class DetailsRecordDeps:
    store: DocumentStore
    applications: Applications
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


def record_stored_details(app_uuid: str, etag: str, details_key: str, deps: DetailsRecordDeps) -> bool:
    """Record the details CSV the first step stored in unzipped/ (it passed every rule there already); False when
    the document checks are decided already."""
    stored = deps.store.read_upload(details_key, MAX_CSV_BYTES)
    return deps.applications.record_details(app_uuid, etag, parse_details(stored.body), deps.clock())
