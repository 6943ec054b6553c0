"""DocumentLambdaFunction's use case (part 1): one uploaded bundle through every document step, exactly once.

The steps are those the Step Functions workflow (part 2) runs as separate tasks: intake (check, claim, unzip),
checks, conclusion. Here they run in one invocation; the two checks run at once, as in part 2's Parallel state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kyc.model import Status
from kyc.ports import Applications, DocumentStore, FaceComparer, IdReader, LicenseQueue, Notifier
from kyc.services.checks import DetailsCheckDeps, FaceCheckDeps, both_checks
from kyc.services.conclusion import ConclusionDeps, conclude
from kyc.services.intake import ApplicationBusy, IntakeDeps, Settled, release_lease, unzip
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


def process_upload(raw_key: str, deps: DocumentDeps) -> Status | None:
    """Run one upload (its S3 key as the event gives it, URL-encoded) to a recorded status; None when the upload does
    not exist (nothing is recorded)."""
    apps, clock, settings = deps.applications, deps.clock, deps.settings
    console_url = settings.console_url or None
    intake_deps = IntakeDeps(deps.store, apps, deps.notifier, settings, clock, console_url)
    intake = unzip(raw_key, intake_deps)
    if isinstance(intake, Settled):
        return intake.status
    app = intake.record
    try:
        results = both_checks(
            app,
            intake.members,
            FaceCheckDeps(applications=apps, settings=settings, clock=clock, faces=deps.faces),
            DetailsCheckDeps(applications=apps, settings=settings, clock=clock, id_reader=deps.id_reader),
        )
        return conclude(app, results, ConclusionDeps(apps, deps.notifier, clock, console_url), deps.queue)
    except Exception:
        release_lease(app.app_uuid, app.etag, intake_deps)
        raise
