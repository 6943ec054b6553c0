"""DocumentLambdaFunction's use case: one uploaded bundle through every check, exactly once."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote_plus

from kyc import notifications
from kyc.bundle import MAX_ZIP_BYTES, app_uuid_from_key, image_content_type, read_bundle
from kyc.decision import decide_status
from kyc.document_checks import assess_license
from kyc.faces import decide_face
from kyc.model import Bundle, Check, CheckResult, Outcome, Reason, Rejection, ServiceFailure, Status
from kyc.observability import logger
from kyc.ports import Applications, Condition, DocumentStore, FaceComparer, IdReader, LicenseQueue, Notifier
from kyc.services.records import (
    expires_at,
    iso,
    log_result,
    log_status,
    notify_once,
    recorded_results,
    result_attributes,
)
from kyc.settings import Settings

OPEN = frozenset({Status.RECEIVED, Status.PROCESSING})
DONE_MARKER = "document-done"
UNREAD = "unread"  # the ETag recorded for an upload that could not be read


class ApplicationBusy(Exception):
    """Another invocation holds this application's lease: raised so the platform retries later."""


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


def member_key(app_uuid: str, member: str) -> str:
    return f"unzipped/{app_uuid}_{member}"


def process_upload(raw_key: str, deps: DocumentDeps) -> Status:
    """Run one upload (its S3 key as the event gives it, URL-encoded) to a recorded status."""
    try:
        app_uuid = app_uuid_from_key(raw_key)
    except Rejection as rejection:
        return _reject_unread("invalid-" + hashlib.sha256(raw_key.encode()).hexdigest()[:16], rejection, deps)
    logger.append_keys(app_uuid=app_uuid)
    try:
        upload = deps.store.read_upload(unquote_plus(raw_key), MAX_ZIP_BYTES)
    except Rejection as rejection:
        return _reject_unread(app_uuid, rejection, deps)
    item = _claim(app_uuid, upload.etag, deps)
    if item is None:
        return Status(deps.applications.get(app_uuid)["APPLICATION_STATUS"])
    try:
        bundle = read_bundle(upload.body, app_uuid)
    except Rejection as rejection:
        return _finish_rejected(app_uuid, upload.etag, rejection, deps)
    try:
        return _run_checks(bundle, upload.etag, item, deps)
    except Exception:
        deps.applications.update(app_uuid, {"LEASE_UNTIL": iso(deps.clock())}, Condition(etag=upload.etag))
        raise


def _claim(app_uuid: str, etag: str, deps: DocumentDeps) -> dict | None:
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


def _reject_unread(app_uuid: str, rejection: Rejection, deps: DocumentDeps) -> Status:
    """An upload that could not be read (bad key, gone, too large): recorded so nothing is lost."""
    logger.append_keys(app_uuid=app_uuid)
    if _claim(app_uuid, UNREAD, deps) is None:
        return Status(deps.applications.get(app_uuid)["APPLICATION_STATUS"])
    return _finish_rejected(app_uuid, UNREAD, rejection, deps)


def _finish_rejected(app_uuid: str, etag: str, rejection: Rejection, deps: DocumentDeps) -> Status:
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


def _run_checks(bundle: Bundle, etag: str, item: dict, deps: DocumentDeps) -> Status:
    app_uuid, apps = bundle.app_uuid, deps.applications
    keys = _store_members(bundle, deps.store)
    apps.update(
        app_uuid,
        {**bundle.details, "APPLICATION_STATUS": str(Status.PROCESSING), "UPDATED_AT": iso(deps.clock())},
        Condition(etag=etag, statuses=OPEN),
    )
    done = recorded_results(item)
    results = [
        done.get(Check.FACE) or _record(app_uuid, etag, _face_check(keys, deps), deps),
        done.get(Check.DETAILS) or _record(app_uuid, etag, _details_check(bundle, keys, deps), deps),
    ]
    status, reasons = decide_status(results)
    apps.update(
        app_uuid,
        {"APPLICATION_STATUS": str(status), "REASONS": [str(r) for r in reasons], "UPDATED_AT": iso(deps.clock())},
        Condition(etag=etag, statuses=OPEN),
    )
    log_status(app_uuid, status, reasons)
    for result in results:
        if result.outcome is not Outcome.PASS:
            message = notifications.check_failed(app_uuid, result, status)
            notify_once(apps, deps.notifier, app_uuid, f"notified:{result.check}", message)
    if status is Status.AWAITING_LICENSE_VALIDATION and apps.add_marker(app_uuid, "queued"):
        try:
            deps.queue.send(_license_message(bundle))
        except Exception:
            apps.remove_marker(app_uuid, "queued")
            raise
    apps.add_marker(app_uuid, DONE_MARKER)
    return status


def _store_members(bundle: Bundle, store: DocumentStore) -> dict[str, str]:
    """Write the extracted members to unzipped/ and return their keys by role."""
    csv = "\n".join([",".join(bundle.details), ",".join(_csv_cell(v) for v in bundle.details.values())]) + "\n"
    members = {
        "details.csv": (csv.encode(), "text/csv"),
        "selfie.png": (bundle.selfie, None),
        "license.png": (bundle.license, None),
    }
    if bundle.license_back:
        members["license_back.png"] = (bundle.license_back, None)
    keys = {}
    for member, (body, content_type) in members.items():
        keys[member] = member_key(bundle.app_uuid, member)
        store.put_member(keys[member], body, content_type or image_content_type(body))
    return keys


def _csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(ch in value for ch in ',"\n') else value


def _face_check(keys: dict[str, str], deps: DocumentDeps) -> CheckResult:
    try:
        comparison = deps.faces.compare(keys["license.png"], keys["selfie.png"], deps.settings.similarity_threshold)
    except Rejection as rejection:
        return CheckResult(Check.FACE, Outcome.FAIL, (rejection.reason,), {"service": "rekognition"})
    except ServiceFailure as failure:
        return _service_error(Check.FACE, failure)
    return decide_face(comparison)


def _details_check(bundle: Bundle, keys: dict[str, str], deps: DocumentDeps) -> CheckResult:
    pages = [keys["license.png"]] + ([keys["license_back.png"]] if "license_back.png" in keys else [])
    try:
        document = deps.id_reader.analyze(pages)
    except Rejection as rejection:
        outcome = Outcome.UNDECIDED if rejection.reason is Reason.LICENSE_UNREADABLE else Outcome.FAIL
        return CheckResult(Check.DETAILS, outcome, (rejection.reason,), {"service": "textract"})
    except ServiceFailure as failure:
        return _service_error(Check.DETAILS, failure)
    settings = deps.settings
    return assess_license(
        bundle.details, document, deps.clock().date(), settings.minimum_age, settings.confidence_floor
    )


def _service_error(check: Check, failure: ServiceFailure) -> CheckResult:
    logger.error(
        "dependency failed beyond its retries",
        extra={"check": str(check), "service": failure.service, "error": failure.detail},
    )
    return CheckResult(check, Outcome.ERROR, (Reason.SERVICE_ERROR,), {"service": failure.service})


def _record(app_uuid: str, etag: str, result: CheckResult, deps: DocumentDeps) -> CheckResult:
    """Record one check as soon as it is known, so a retry never pays for it again."""
    values = result_attributes(result)
    if result.detail.get("similarity") is not None:
        values["FACE_SIMILARITY"] = result.detail["similarity"]
    if result.check is Check.DETAILS and "fields" in result.detail:
        values["DETAILS_REPORT"] = result.detail["fields"]
    deps.applications.update(app_uuid, values, Condition(etag=etag, statuses=OPEN))
    log_result(app_uuid, result)
    return result


def _license_message(bundle: Bundle) -> dict:
    return {
        "driver_license_id": bundle.details["DOCUMENT_NUMBER"],
        "uuid": bundle.app_uuid,
        "app_uuid": bundle.app_uuid,
        "state": bundle.details["STATE_IN_ADDRESS"],
    }
