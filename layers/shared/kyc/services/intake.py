"""The first document step of both workflows: check the bundle, claim the upload, store its members in unzipped/."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote_plus

from kyc import notifications
from kyc.bundle import MAX_ZIP_BYTES, app_uuid_from_key, image_content_type, read_bundle
from kyc.evidence import member_key
from kyc.lifecycle import MAX_ATTEMPTS, REOPENABLE
from kyc.model import Bundle, Reason, Rejection, Status, UploadMissing
from kyc.observability import logger
from kyc.ports import ApplicationRecord, Applications, Claim, DocumentStore, Notifier
from kyc.services.records import DOCUMENTS_DONE, expires_at, log_status, notify_once
from kyc.settings import Settings

UNREAD = "unread"  # the ETag recorded for an upload that could not be read


class ApplicationBusy(Exception):
    """Another invocation holds this application's lease: raised so the platform retries later."""


@dataclass
class IntakeDeps:
    store: DocumentStore
    applications: Applications
    notifier: Notifier
    settings: Settings
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    console_url: str | None = None  # the review console's base URL, for the final e-mail's link


@dataclass(frozen=True)
class Claimed:
    """An upload claimed and unpacked: its checks are due."""

    record: ApplicationRecord  # with the results of an interrupted run
    members: dict[str, str]  # S3 key of each stored member, by role


@dataclass(frozen=True)
class Settled:
    """An upload that needs no checks: refused, a duplicate, or another bundle's; the status its application has
    (None: the event named an upload that does not exist, and nothing was recorded)."""

    app_uuid: str
    etag: str
    status: Status | None


Intake = Claimed | Settled


def invalid_key_id(raw_key: str) -> str:
    """The id under which an upload whose key names no application is recorded."""
    return "invalid-" + hashlib.sha256(raw_key.encode()).hexdigest()[:16]


def unzip(raw_key: str, deps: IntakeDeps) -> Intake:
    """Check one upload (its S3 key URL-encoded, as S3 notifications give it), claim it and unpack it, exactly once.

    The bundle is checked before the claim (no paid call, no write), so that the claim records the applicant's
    details, or the rejection, in the one write that creates the application."""
    try:
        app_uuid = app_uuid_from_key(raw_key)
    except Rejection as rejection:
        return _reject_unread(invalid_key_id(raw_key), rejection, deps)
    logger.append_keys(app_uuid=app_uuid)
    try:
        upload = deps.store.read_upload(unquote_plus(raw_key), MAX_ZIP_BYTES)
    except UploadMissing:
        logger.info("no such upload: nothing to record")  # a replayed or early event; its upload's own event follows
        return Settled(app_uuid, UNREAD, None)
    except Rejection as rejection:
        return _reject_unread(app_uuid, rejection, deps)
    try:
        bundle: Bundle | Rejection = read_bundle(upload.body, app_uuid)
    except Rejection as rejection:
        bundle = rejection
    record = _claim(app_uuid, upload.etag, bundle, deps)
    if record is None:
        return Settled(app_uuid, upload.etag, _current_status(app_uuid, deps.applications))
    if isinstance(bundle, Rejection):
        return Settled(app_uuid, upload.etag, _finish_rejected(record, bundle, deps))
    try:
        members = _store_members(bundle, record.attempt, deps.store)
    except Exception:
        release_lease(app_uuid, upload.etag, deps)
        raise
    return Claimed(record, members)


def release_lease(app_uuid: str, etag: str, deps: IntakeDeps) -> None:
    """Let a retry claim the upload at once (after a failure) instead of waiting for the lease to run out."""
    deps.applications.release_upload_lease(app_uuid, etag, deps.clock())


def _current_status(app_uuid: str, applications: Applications) -> Status:
    record = applications.read(app_uuid)
    if record is None:
        raise ApplicationBusy(app_uuid)  # expired between the claim and the read: the retry claims it anew
    return record.status


def _claim(app_uuid: str, etag: str, bundle: Bundle | Rejection, deps: IntakeDeps) -> ApplicationRecord | None:
    """The application to work on, or None when this upload was handled already (a duplicate event)."""
    now = deps.clock()
    lease_until = now + timedelta(seconds=deps.settings.lease_seconds)
    claim = Claim(
        app_uuid,
        etag,
        now,
        lease_until,
        expires_at(now, deps.settings.retention_days),
        details=bundle.details if isinstance(bundle, Bundle) else {},
        rejection=bundle if isinstance(bundle, Rejection) else None,
    )
    created = deps.applications.claim(claim)
    if created is not None:
        return created
    existing = deps.applications.read(app_uuid)
    if existing is None:
        raise ApplicationBusy(app_uuid)  # expired between the two calls: the retry claims it anew
    if existing.etag != etag:
        return _next_attempt(claim, existing, deps)
    if DOCUMENTS_DONE in existing.effects:
        logger.info("duplicate event: upload already processed")
        return None
    if not deps.applications.take_upload_lease(app_uuid, etag, now, lease_until):
        raise ApplicationBusy(app_uuid)
    logger.info("resuming an interrupted application")
    return existing


def _next_attempt(claim: Claim, existing: ApplicationRecord, deps: IntakeDeps) -> ApplicationRecord | None:
    """Another bundle for an application: its next attempt when the last one ended in a way that asks for one;
    otherwise the upload is refused, the application unchanged, and staff told so truthfully."""
    reopenable = existing.status in REOPENABLE and existing.attempt < MAX_ATTEMPTS
    started = deps.applications.start_attempt(claim, existing) if reopenable else None
    if started is not None:
        logger.info("next attempt started", extra={"attempt": started.attempt})
        return started
    if reopenable:
        raise ApplicationBusy(claim.app_uuid)  # the record changed meanwhile: decide again on the retry
    logger.warning("upload refused", extra={"reason": Reason.DUPLICATE_APPLICATION, "status": str(existing.status)})
    message = notifications.upload_refused(claim.app_uuid, existing.status, existing.attempt, MAX_ATTEMPTS)
    notify_once(deps.applications, deps.notifier, claim.app_uuid, f"refused:{claim.etag}", message)
    return None


def _reject_unread(app_uuid: str, rejection: Rejection, deps: IntakeDeps) -> Intake:
    """An upload that could not be read (bad key, gone, too large): recorded so nothing is lost."""
    logger.append_keys(app_uuid=app_uuid)
    record = _claim(app_uuid, UNREAD, rejection, deps)
    if record is None:
        return Settled(app_uuid, UNREAD, _current_status(app_uuid, deps.applications))
    return Settled(app_uuid, UNREAD, _finish_rejected(record, rejection, deps))


def _finish_rejected(record: ApplicationRecord, rejection: Rejection, deps: IntakeDeps) -> Status:
    """A bundle that broke a safety rule: REJECTED with its reason, before any paid call."""
    logger.warning("bundle rejected", extra={"reason": str(rejection.reason), "detail": rejection.detail})
    if record.status is not Status.REJECTED:  # claimed as REJECTED, unless an interrupted run claimed it
        deps.applications.settle(
            record.app_uuid, Status.REJECTED, (rejection.reason,), deps.clock(), etag=record.etag,
            detail=rejection.detail,
        )
    log_status(record.app_uuid, Status.REJECTED, (rejection.reason,))
    message = notifications.application_rejected(
        record.app_uuid, rejection.reason, rejection.detail, deps.console_url
    )
    notify_once(deps.applications, deps.notifier, record.app_uuid, notifications.FINAL_EFFECT, message)
    deps.applications.mark_done(record.app_uuid, DOCUMENTS_DONE)
    return Status.REJECTED


def _store_members(bundle: Bundle, attempt: int, store: DocumentStore) -> dict[str, str]:
    """Write the extracted members to the attempt's keys in unzipped/, all at once, and return the keys by role."""
    csv = "\n".join([",".join(bundle.details), ",".join(_csv_cell(v) for v in bundle.details.values())]) + "\n"
    bodies = {"details": csv.encode(), "selfie": bundle.selfie, "license": bundle.license}
    if bundle.license_back:
        bodies["license_back"] = bundle.license_back
    keys = {role: member_key(bundle.app_uuid, attempt, role) for role in bodies}
    with ThreadPoolExecutor(max_workers=len(bodies), thread_name_prefix="member") as pool:
        writes = [
            pool.submit(store.put_member, keys[role], body, "text/csv" if role == "details" else image_content_type(body))
            for role, body in bodies.items()
        ]
    for write in writes:
        write.result()  # the first failure, if any, once every write has ended
    return keys


def _csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(ch in value for ch in ',"\n') else value
