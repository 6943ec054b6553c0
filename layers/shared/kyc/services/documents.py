"""DocumentLambdaFunction's use case (part 1): one uploaded bundle through every document step, exactly once.

The steps are those the Step Functions workflow (part 2) runs as separate tasks: intake (claim, check, unzip),
applicant_record, checks, conclusion. Here they run in one invocation and share what they learn in memory; the two
checks run at once, as in part 2's Parallel state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kyc.model import Bundle, Status
from kyc.ports import Applications, DocumentStore, FaceComparer, IdReader, LicenseQueue, Notifier
from kyc.services.applicant_record import record_details
from kyc.services.checks import DetailsCheckDeps, FaceCheckDeps, both_checks
from kyc.services.conclusion import ConclusionDeps, conclude
from kyc.services.intake import ApplicationBusy, IntakeDeps, release_lease, unzip
from kyc.services.records import DONE_MARKER, Application, recorded_results
from kyc.settings import Settings

__all__ = ["ApplicationBusy", "DocumentDeps", "process_upload"]


@dataclass
class DocumentDeps:
    store: DocumentStore
    applications: Applications
    faces: FaceComparer
    id_reader: IdReader
    notifier: Notifier
    queue: LicenseQueue
    settings: Settings
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


def process_upload(raw_key: str, deps: DocumentDeps) -> Status:
    """Run one upload (its S3 key as the event gives it, URL-encoded) to a recorded status."""
    apps, clock = deps.applications, deps.clock

    def record(bundle: Bundle, etag: str) -> None:
        record_details(bundle.app_uuid, etag, bundle.details, apps, clock)

    intake = unzip(raw_key, IntakeDeps(deps.store, apps, deps.notifier, deps.settings, clock), alongside=record)
    if not intake.checks_due:
        return intake.status
    app_uuid, etag, details = intake.app_uuid, intake.etag, intake.bundle.details
    try:
        app = Application(app_uuid, etag, details, recorded_results(intake.item))
        results, last = both_checks(
            app,
            intake.members,
            FaceCheckDeps(apps, deps.faces, deps.settings),
            DetailsCheckDeps(apps, deps.id_reader, deps.settings, clock),
        )
        # The licence is queued before the run is marked done: a run killed in between queues it again when it is
        # retried (SubmitLicense settles a licence once), never not at all.
        decision = conclude(app, results, ConclusionDeps(apps, deps.notifier, clock), unrecorded=last, queue=deps.queue)
        apps.add_marker(app_uuid, DONE_MARKER)
        return decision.status
    except Exception:
        release_lease(app_uuid, etag, apps, clock)
        raise
