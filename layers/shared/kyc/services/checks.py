"""The two document checks, each recorded as soon as it is known so that nothing is paid for twice."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextvars import copy_context
from dataclasses import dataclass
from datetime import UTC, datetime

from kyc.document_checks import assess_license
from kyc.faces import decide_face
from kyc.model import Check, CheckResult, Outcome, Reason, Rejection, ServiceFailure
from kyc.observability import logger
from kyc.ports import Applications, FaceComparer, IdReader
from kyc.services.records import Application, load_application, record_result
from kyc.settings import Settings


@dataclass
class FaceCheckDeps:
    applications: Applications
    faces: FaceComparer
    settings: Settings


@dataclass
class DetailsCheckDeps:
    applications: Applications
    id_reader: IdReader
    settings: Settings
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


def face_check(app: Application, members: dict[str, str], deps: FaceCheckDeps) -> CheckResult:
    """The selfie against the licence photo: the result an earlier run recorded, else CompareFaces now."""
    if Check.FACE in app.recorded:
        return app.recorded[Check.FACE]
    return record_result(app.app_uuid, app.etag, _compare_faces(members, deps), deps.applications)


def details_check(app: Application, members: dict[str, str], deps: DetailsCheckDeps) -> CheckResult:
    """The CSV against the licence (AnalyzeID): the result an earlier run recorded, else AnalyzeID now."""
    if Check.DETAILS in app.recorded:
        return app.recorded[Check.DETAILS]
    return record_result(app.app_uuid, app.etag, _assess_license(app, members, deps), deps.applications)


def both_checks(
    app: Application, members: dict[str, str], face: FaceCheckDeps, details: DetailsCheckDeps
) -> tuple[list[CheckResult], CheckResult | None]:
    """Part 1: the face and details checks at once (independent services, as part 2's Parallel state runs them).

    Returns both results, and the one not recorded yet: the last to be known, which the status write records with
    it (`conclusion.conclude`). The first is recorded while the other check runs; one check failing never loses the
    other's paid result. Each check runs in a copy of the invocation's context, its log keys with it.
    """
    due = {
        check: run
        for check, run in (
            (Check.FACE, lambda: _compare_faces(members, face)),
            (Check.DETAILS, lambda: _assess_license(app, members, details)),
        )
        if check not in app.recorded
    }
    results, failures, last = dict(app.recorded), [], None
    if due:
        with ThreadPoolExecutor(max_workers=len(due), thread_name_prefix="check") as pool:
            futures = {pool.submit(copy_context().run, run): check for check, run in due.items()}
            running = len(futures)
            for done in as_completed(futures):
                running -= 1
                try:
                    result = done.result()
                    if running or failures:
                        record_result(app.app_uuid, app.etag, result, face.applications)
                    else:
                        last = result
                    results[futures[done]] = result
                except Exception as failure:  # noqa: BLE001 (raised below, once the other result is recorded)
                    failures.append(failure)
    if failures:
        raise failures[0]
    return [results[Check.FACE], results[Check.DETAILS]], last


def face_step(app_uuid: str, etag: str, members: dict[str, str], deps: FaceCheckDeps) -> CheckResult:
    """The face check as a task of its own: what it needs is read from the item."""
    return face_check(load_application(app_uuid, etag, deps.applications), members, deps)


def details_step(app_uuid: str, etag: str, members: dict[str, str], deps: DetailsCheckDeps) -> CheckResult:
    """The details check as a task of its own: the applicant's details are read from the item."""
    return details_check(load_application(app_uuid, etag, deps.applications), members, deps)


def service_error(check: Check, service: str, detail: str) -> CheckResult:
    """A check that could not be made because a dependency failed beyond its retries."""
    logger.error(
        "dependency failed beyond its retries", extra={"check": str(check), "service": service, "error": detail}
    )
    return CheckResult(check, Outcome.ERROR, (Reason.SERVICE_ERROR,), {"service": service})


def _compare_faces(members: dict[str, str], deps: FaceCheckDeps) -> CheckResult:
    try:
        comparison = deps.faces.compare(members["license"], members["selfie"], deps.settings.similarity_threshold)
    except Rejection as rejection:
        return CheckResult(Check.FACE, Outcome.FAIL, (rejection.reason,), {"service": "rekognition"})
    except ServiceFailure as failure:
        return service_error(Check.FACE, failure.service, failure.detail)
    return decide_face(comparison)


def _assess_license(app: Application, members: dict[str, str], deps: DetailsCheckDeps) -> CheckResult:
    pages = [members["license"]] + ([members["license_back"]] if "license_back" in members else [])
    try:
        document = deps.id_reader.analyze(pages)
    except Rejection as rejection:
        outcome = Outcome.UNDECIDED if rejection.reason is Reason.LICENSE_UNREADABLE else Outcome.FAIL
        return CheckResult(Check.DETAILS, outcome, (rejection.reason,), {"service": "textract"})
    except ServiceFailure as failure:
        return service_error(Check.DETAILS, failure.service, failure.detail)
    settings = deps.settings
    return assess_license(app.details, document, deps.clock().date(), settings.minimum_age, settings.confidence_floor)
