"""The two document checks, each recorded as soon as it is known so that nothing is paid for twice."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from dataclasses import dataclass
from datetime import UTC, datetime

from kyc.document_checks import assess_license
from kyc.faces import REQUEST_THRESHOLD, FaceBand, decide_face
from kyc.model import Check, CheckResult, Outcome, Reason, Rejection, ServiceFailure
from kyc.observability import logger
from kyc.ports import ApplicationRecord, Applications, FaceComparer, IdReader
from kyc.services.records import claimed, record_result
from kyc.settings import Settings


@dataclass(kw_only=True)
class CheckDeps:
    """What both checks need: the record, the settings and the clock."""

    applications: Applications
    settings: Settings
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


@dataclass(kw_only=True)
class FaceCheckDeps(CheckDeps):
    faces: FaceComparer


@dataclass(kw_only=True)
class DetailsCheckDeps(CheckDeps):
    id_reader: IdReader


def face_check(app: ApplicationRecord, members: dict[str, str], deps: FaceCheckDeps) -> CheckResult:
    """The selfie against the licence photo: the result an earlier run recorded, else CompareFaces now, recorded."""
    if Check.FACE in app.results:
        return app.results[Check.FACE]
    return _recorded(app, _compare_faces(members, deps), deps)


def details_check(app: ApplicationRecord, members: dict[str, str], deps: DetailsCheckDeps) -> CheckResult:
    """The CSV against the licence: the result an earlier run recorded, else AnalyzeID now, recorded."""
    if Check.DETAILS in app.results:
        return app.results[Check.DETAILS]
    return _recorded(app, _assess_license(app, members, deps), deps)


def both_checks(
    app: ApplicationRecord, members: dict[str, str], face: FaceCheckDeps, details: DetailsCheckDeps
) -> list[CheckResult]:
    """Part 1: the face and details checks at once (independent services, as part 2's Parallel state runs them).

    Each is recorded as soon as it is known: one check failing never loses the other's paid result. Each runs in a
    copy of the invocation's context, so that its log lines carry the invocation's keys.
    """
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="check") as pool:
        running = [
            pool.submit(copy_context().run, face_check, app, members, face),
            pool.submit(copy_context().run, details_check, app, members, details),
        ]
    return [future.result() for future in running]  # the first failure, once both have ended


def face_step(app_uuid: str, etag: str, members: dict[str, str], deps: FaceCheckDeps) -> CheckResult:
    """The face check as a task of its own (part 2): what it needs is read from the record."""
    return face_check(claimed(app_uuid, etag, deps.applications), members, deps)


def details_step(app_uuid: str, etag: str, members: dict[str, str], deps: DetailsCheckDeps) -> CheckResult:
    """The details check as a task of its own (part 2): the applicant's details are read from the record."""
    return details_check(claimed(app_uuid, etag, deps.applications), members, deps)


def _recorded(app: ApplicationRecord, result: CheckResult, deps: CheckDeps) -> CheckResult:
    record_result(deps.applications, app.app_uuid, app.etag, result, deps.clock())
    return result


def service_error(check: Check, service: str) -> CheckResult:
    """A check that could not be made because a dependency failed beyond its retries."""
    return CheckResult(check, Outcome.ERROR, (Reason.SERVICE_ERROR,), {"service": service})


def _failed(check: Check, failure: ServiceFailure) -> CheckResult:
    logger.error(
        "dependency failed beyond its retries",
        extra={"check": str(check), "service": failure.service, "error": failure.detail},
    )
    return service_error(check, failure.service)


def _compare_faces(members: dict[str, str], deps: FaceCheckDeps) -> CheckResult:
    try:
        comparison = deps.faces.compare(members["license"], members["selfie"], REQUEST_THRESHOLD)
    except Rejection as rejection:
        return CheckResult(Check.FACE, Outcome.FAIL, (rejection.reason,), {"service": "rekognition"})
    except ServiceFailure as failure:
        return _failed(Check.FACE, failure)
    return decide_face(comparison, FaceBand(deps.settings.face_fail_threshold, deps.settings.face_pass_threshold))


def _assess_license(app: ApplicationRecord, members: dict[str, str], deps: DetailsCheckDeps) -> CheckResult:
    pages = [members["license"]] + ([members["license_back"]] if "license_back" in members else [])
    try:
        document = deps.id_reader.analyze(pages)
    except Rejection as rejection:
        outcome = Outcome.UNDECIDED if rejection.reason is Reason.LICENSE_UNREADABLE else Outcome.FAIL
        return CheckResult(Check.DETAILS, outcome, (rejection.reason,), {"service": "textract"})
    except ServiceFailure as failure:
        return _failed(Check.DETAILS, failure)
    settings = deps.settings
    return assess_license(app.details, document, deps.clock().date(), settings.minimum_age, settings.confidence_floor)
