"""DocumentLambdaFunction's use case (part 1): one uploaded bundle through every document step, exactly once.

The steps are those the Step Functions workflow (part 2) runs as separate tasks: intake (claim, check, unzip),
applicant_record, checks, conclusion. Here they run in one invocation and share what they learn in memory; the two
checks run at once, as in part 2's Parallel state, and while the members are written: the images go with the paid
calls instead of being read back from S3.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from kyc.model import INLINE_IMAGE_BYTES, CheckResult, Image, Status
from kyc.ports import Applications, DocumentStore, FaceComparer, IdReader, LicenseQueue, Notifier
from kyc.services.applicant_record import record_details
from kyc.services.checks import DetailsCheckDeps, FaceCheckDeps, both_checks
from kyc.services.conclusion import ConclusionDeps, conclude
from kyc.services.intake import ApplicationBusy, Intake, IntakeDeps, open_upload, release_lease, store_members
from kyc.services.records import DONE_MARKER, Application, record_result, recorded_results
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
    intake = open_upload(raw_key, IntakeDeps(deps.store, apps, deps.notifier, deps.settings, clock))
    if not intake.checks_due:
        return intake.status
    app_uuid, etag, details = intake.app_uuid, intake.etag, intake.bundle.details
    app = Application(app_uuid, etag, details, recorded_results(intake.item))
    images = _check_images(intake)
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="unzip") as pool:
            stored = pool.submit(
                store_members, intake, deps.store, [lambda: record_details(app_uuid, etag, details, apps, clock)]
            )
            if any(image.body is None for image in images.values()):
                stored.result()  # the checks read the images from S3
            results, last = both_checks(
                app, images, FaceCheckDeps(apps, deps.faces, deps.settings),
                DetailsCheckDeps(apps, deps.id_reader, deps.settings, clock),
            )
            _wait_for_members(stored, app, last, apps)
        decision = conclude(app, results, ConclusionDeps(apps, deps.notifier, clock), unrecorded=last)
        if decision.license_message is not None:
            # Sent before the run is marked done: a run killed in between sends it again when it is retried
            # (SubmitLicense settles a licence once), never not at all.
            deps.queue.send(decision.license_message)
        apps.add_marker(app_uuid, DONE_MARKER)
        return decision.status
    except Exception:
        release_lease(app_uuid, etag, apps, clock)
        raise


def _check_images(intake: Intake) -> dict[str, Image]:
    """The images the checks read, by role: with their bytes when every one can go with its call, so the checks
    need not wait for the members' writes; else by S3 key."""
    bundle = intake.bundle
    bodies = {"selfie": bundle.selfie, "license": bundle.license, "license_back": bundle.license_back}
    inline = all(len(body) <= INLINE_IMAGE_BYTES for body in bodies.values() if body)
    return {role: Image(intake.members[role], body if inline else None) for role, body in bodies.items() if body}


def _wait_for_members(stored: Future, app: Application, last: CheckResult | None, apps: Applications) -> None:
    """The members' writes' end; when one failed, the last check's paid result is recorded before the failure is
    raised (the retry must not pay for it again)."""
    try:
        stored.result()
    except Exception:
        if last is not None:
            record_result(app.app_uuid, app.etag, last, apps)
        raise
