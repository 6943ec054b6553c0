"""The first document step of both workflows: claim the upload, check the bundle, store its members in unzipped/."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote_plus

from kyc import notifications
from kyc.bundle import MAX_ZIP_BYTES, app_uuid_from_key, image_content_type, read_bundle
from kyc.model import Bundle, Reason, Rejection, Status
from kyc.observability import logger
from kyc.ports import Applications, Condition, DocumentStore, Notifier
from kyc.services.records import DONE_MARKER, OPEN, expires_at, iso, log_status, notify_once
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


@dataclass(frozen=True)
class Intake:
    """The step's outcome: a claimed application whose checks are due, or the status the upload settled on."""

    app_uuid: str
    etag: str
    status: Status | None = None  # None: the checks are due
    item: dict = field(default_factory=dict)  # the claimed item, with the results of an interrupted run
    bundle: Bundle | None = None
    members: dict[str, str] = field(default_factory=dict)  # S3 key of each stored member, by role

    @property
    def checks_due(self) -> bool:
        return self.status is None


def invalid_key_id(raw_key: str) -> str:
    """The id under which an upload whose key names no application is recorded."""
    return "invalid-" + hashlib.sha256(raw_key.encode()).hexdigest()[:16]


def unzip(raw_key: str, deps: IntakeDeps, alongside: Callable[[Bundle, str], None] | None = None) -> Intake:
    """Claim one upload (its S3 key URL-encoded, as S3 notifications give it) and unpack it, exactly once.

    `alongside(bundle, etag)`: a write made at once with the members' (part 1 records the details so)."""
    try:
        app_uuid = app_uuid_from_key(raw_key)
    except Rejection as rejection:
        app_uuid = invalid_key_id(raw_key)
        return Intake(app_uuid, UNREAD, _reject_unread(app_uuid, rejection, deps))
    logger.append_keys(app_uuid=app_uuid)
    try:
        upload = deps.store.read_upload(unquote_plus(raw_key), MAX_ZIP_BYTES)
    except Rejection as rejection:
        return Intake(app_uuid, UNREAD, _reject_unread(app_uuid, rejection, deps))
    item = _claim(app_uuid, upload.etag, deps)
    if item is None:
        return Intake(app_uuid, upload.etag, _current_status(app_uuid, deps.applications))
    try:
        bundle = read_bundle(upload.body, app_uuid)
    except Rejection as rejection:
        return Intake(app_uuid, upload.etag, _finish_rejected(app_uuid, upload.etag, rejection, deps))
    try:
        also = [lambda: alongside(bundle, upload.etag)] if alongside else []
        members = _store_members(bundle, deps.store, also)
    except Exception:
        release_lease(app_uuid, upload.etag, deps.applications, deps.clock)
        raise
    return Intake(app_uuid, upload.etag, None, item, bundle, members)


def release_lease(app_uuid: str, etag: str, applications: Applications, clock: Callable[[], datetime]) -> None:
    """Let a retry claim the upload at once (after a failure) instead of waiting for the lease to run out."""
    applications.update(app_uuid, {"LEASE_UNTIL": iso(clock())}, Condition(etag=etag))


def _current_status(app_uuid: str, applications: Applications) -> Status:
    return Status(applications.get(app_uuid)["APPLICATION_STATUS"])


def _claim(app_uuid: str, etag: str, deps: IntakeDeps) -> dict | None:
    """The item to work on, or None when this upload was handled already (a duplicate event)."""
    now = deps.clock()
    lease = iso(now + timedelta(seconds=deps.settings.lease_seconds))
    item = {
        "APP_UUID": app_uuid,
        "BUNDLE_ETAG": etag,
        "APPLICATION_STATUS": str(Status.RECEIVED),
        "REASONS": [],
        "CREATED_AT": iso(now),
        "UPDATED_AT": iso(now),
        "EXPIRES_AT": expires_at(now, deps.settings.retention_days),
        "LEASE_UNTIL": lease,
    }
    if deps.applications.create(item):
        return item
    existing = deps.applications.get(app_uuid) or {}
    if existing.get("BUNDLE_ETAG") != etag:
        logger.warning("another bundle for an existing application", extra={"reason": Reason.DUPLICATE_APPLICATION})
        message = notifications.application_rejected(
            app_uuid, Reason.DUPLICATE_APPLICATION, "a different bundle was uploaded for an application id in use"
        )
        notify_once(deps.applications, deps.notifier, app_uuid, f"duplicate:{etag}", message)
        return None
    if DONE_MARKER in existing.get("MARKERS", set()):
        logger.info("duplicate event: upload already processed")
        return None
    if not deps.applications.update(app_uuid, {"LEASE_UNTIL": lease}, Condition(etag=etag, lease_expired_at=iso(now))):
        raise ApplicationBusy(app_uuid)
    logger.info("resuming an interrupted application")
    return existing


def _reject_unread(app_uuid: str, rejection: Rejection, deps: IntakeDeps) -> Status:
    """An upload that could not be read (bad key, gone, too large): recorded so nothing is lost."""
    logger.append_keys(app_uuid=app_uuid)
    if _claim(app_uuid, UNREAD, deps) is None:
        return _current_status(app_uuid, deps.applications)
    return _finish_rejected(app_uuid, UNREAD, rejection, deps)


def _finish_rejected(app_uuid: str, etag: str, rejection: Rejection, deps: IntakeDeps) -> Status:
    """A bundle that broke a safety rule: REJECTED with its reason, before any paid call."""
    logger.warning("bundle rejected", extra={"reason": str(rejection.reason), "detail": rejection.detail})
    deps.applications.update(
        app_uuid,
        {
            "APPLICATION_STATUS": str(Status.REJECTED),
            "REASONS": [str(rejection.reason)],
            "REJECTION_DETAIL": rejection.detail,
            "UPDATED_AT": iso(deps.clock()),
        },
        Condition(etag=etag, statuses=OPEN),
    )
    log_status(app_uuid, Status.REJECTED, (rejection.reason,))
    message = notifications.application_rejected(app_uuid, rejection.reason, rejection.detail)
    notify_once(deps.applications, deps.notifier, app_uuid, "notified:bundle", message)
    deps.applications.add_marker(app_uuid, DONE_MARKER)
    return Status.REJECTED


def _store_members(bundle: Bundle, store: DocumentStore, also: list[Callable[[], None]]) -> dict[str, str]:
    """Write the extracted members to unzipped/<app_uuid>_<member>, all at once and with the writes `also`, and
    return their keys by role."""
    csv = "\n".join([",".join(bundle.details), ",".join(_csv_cell(v) for v in bundle.details.values())]) + "\n"
    members = {
        "details": ("details.csv", csv.encode(), "text/csv"),
        "selfie": ("selfie.png", bundle.selfie, None),
        "license": ("license.png", bundle.license, None),
    }
    if bundle.license_back:
        members["license_back"] = ("license_back.png", bundle.license_back, None)
    keys = {role: f"unzipped/{bundle.app_uuid}_{member}" for role, (member, _, _) in members.items()}
    with ThreadPoolExecutor(max_workers=len(members) + len(also), thread_name_prefix="member") as pool:
        writes = [
            pool.submit(store.put_member, keys[role], body, content_type or image_content_type(body))
            for role, (_, body, content_type) in members.items()
        ]
        writes += [pool.submit(write) for write in also]
    for write in writes:
        write.result()  # the first failure, if any, once every write has ended
    return keys


def _csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(ch in value for ch in ',"\n') else value
