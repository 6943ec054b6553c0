"""The only place that wires real adapters: one builder per Lambda, built once per warm container.

Each builder imports what it wires, so a function loads only its own adapters (cold start), and makes the clients its
normal path uses (an application that passes); a notifier makes its own on the first message, unless given one.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from functools import cache, wraps
from typing import TYPE_CHECKING, TypeVar

from kyc.settings import Settings, get_settings

if TYPE_CHECKING:
    from kyc.ports import Applications
    from kyc.services.applicant_record import DetailsRecordDeps
    from kyc.services.checks import DetailsCheckDeps, FaceCheckDeps
    from kyc.services.conclusion import ConclusionDeps
    from kyc.services.documents import DocumentDeps
    from kyc.services.failure import FailureDeps
    from kyc.services.intake import IntakeDeps
    from kyc.services.license_submission import SubmitDeps
    from kyc.services.rerun import RerunDeps
    from kyc.services.review import ReviewDeps
    from kyc.services.workflow_start import StartDeps

T = TypeVar("T")
_building = threading.RLock()


def _built_once(builder: Callable[[], T]) -> Callable[[], T]:
    """Cache a builder; run it (one at a time) with the cyclic garbage collector paused, then freeze the heap.

    The init phase allocates long-lived objects only (modules; botocore's models and endpoint data, ~100k dicts
    decoded from JSON): collecting while they load frees nothing and costs ~40 ms, and gc.freeze() spares every
    later collection from scanning them again (Python's documented end-of-initialisation pattern).
    """

    @wraps(builder)
    def build() -> T:
        with _building:
            collecting = gc.isenabled()
            gc.disable()
            try:
                built = builder()
                gc.freeze()
                return built
            finally:
                if collecting:
                    gc.enable()

    return cache(build)


@_built_once
def document_dependencies() -> DocumentDeps:
    from kyc.adapters.dynamodb import DynamoApplications
    from kyc.adapters.rekognition import RekognitionFaces
    from kyc.adapters.s3 import S3DocumentStore
    from kyc.adapters.sns import SnsNotifier
    from kyc.adapters.sqs import SqsLicenseQueue
    from kyc.adapters.textract import TextractIdReader
    from kyc.services.documents import DocumentDeps

    settings = get_settings()
    return DocumentDeps(
        store=S3DocumentStore(settings.bucket),
        applications=DynamoApplications(settings.table),
        faces=RekognitionFaces(settings.bucket),
        id_reader=TextractIdReader(settings.bucket),
        notifier=SnsNotifier(settings.topic_arn),
        queue=SqsLicenseQueue(settings.queue_url),
        settings=settings,
    )


@_built_once
def submit_license_dependencies() -> SubmitDeps:
    from kyc.adapters.dynamodb import DynamoApplications
    from kyc.adapters.sns import SnsNotifier
    from kyc.adapters.validator_http import HttpLicenseValidator
    from kyc.services.license_submission import SubmitDeps

    settings = get_settings()
    return SubmitDeps(
        applications=DynamoApplications(settings.table),
        validator=HttpLicenseValidator(settings.validator_url, settings.region),
        notifier=SnsNotifier(settings.topic_arn),
        settings=settings,
        console_url=settings.console_url or None,
    )


@_built_once
def console_dependencies() -> ReviewDeps:
    """The review console: the application record, the audit trail, presigned URLs of the evidence, staff e-mail."""
    from kyc.adapters.audit_dynamodb import DynamoAuditTrail
    from kyc.adapters.aws import bounded_client
    from kyc.adapters.dynamodb import DynamoApplications
    from kyc.adapters.queue_settings_dynamodb import DynamoQueueSettings
    from kyc.adapters.s3_presigner import S3Presigner
    from kyc.adapters.sns import SnsNotifier
    from kyc.services.review import ReviewDeps

    settings = get_settings()
    return ReviewDeps(
        applications=DynamoApplications(settings.table),
        trail=DynamoAuditTrail(settings.audit_table),
        presigner=S3Presigner(settings.bucket),
        face_band=(settings.face_fail_threshold, settings.face_pass_threshold),
        # a decision stands when its e-mail fails; the e-mail must not hold the request past the API's 29 s
        notifier=SnsNotifier(settings.topic_arn, bounded_client("sns", STAFF_EMAIL_SECONDS)),
        console_url=settings.console_url or None,
        queue_settings=DynamoQueueSettings(settings.audit_table),  # its versions: in the AuditTable, append-only
        rerun=lambda: _rerun_dependencies(),  # built on the first re-run: every other request stays as light
    )


RERUN_CALL_SECONDS = 22.0
STAFF_EMAIL_SECONDS = 5.0


@cache
def _rerun_dependencies() -> RerunDeps:
    """A staff re-run of a check that ended in ERROR (the console): the paid services and the licence queue."""
    from kyc.adapters.aws import bounded_client
    from kyc.adapters.rekognition import RekognitionFaces
    from kyc.adapters.s3 import S3DocumentStore
    from kyc.adapters.sqs import SqsLicenseQueue
    from kyc.adapters.textract import TextractIdReader
    from kyc.services.rerun import RerunDeps

    settings = get_settings()
    return RerunDeps(
        members=S3DocumentStore(settings.bucket),
        # the paid call within ~22 s (ConsoleFunction's Timeout: 29 s, the HTTP API's limit: 30 s)
        faces=RekognitionFaces(settings.bucket, bounded_client("rekognition", RERUN_CALL_SECONDS)),
        id_reader=TextractIdReader(settings.bucket, bounded_client("textract", RERUN_CALL_SECONDS)),
        queue=SqsLicenseQueue(settings.queue_url),
        settings=settings,
    )


@_built_once
def application_status_dependencies() -> Applications:
    """The status API reads the application record, nothing else."""
    from kyc.adapters.dynamodb import DynamoApplications

    return DynamoApplications(get_settings().table)


def validate_license_dependencies() -> Settings:
    """The validator calls no AWS service: its only dependency is its configuration."""
    return get_settings()


# ---------------------------------------------------------------- the Step Functions workflow (part 2)


@_built_once
def start_workflow_dependencies() -> StartDeps:
    from kyc.adapters.stepfunctions import StepFunctionsWorkflows
    from kyc.services.workflow_start import StartDeps

    return StartDeps(workflows=StepFunctionsWorkflows(get_settings().state_machine_arn))


@_built_once
def unzip_dependencies() -> IntakeDeps:
    from kyc.adapters.dynamodb import DynamoApplications
    from kyc.adapters.s3 import S3DocumentStore
    from kyc.adapters.sns import SnsNotifier
    from kyc.services.intake import IntakeDeps

    settings = get_settings()
    return IntakeDeps(
        store=S3DocumentStore(settings.bucket),
        applications=DynamoApplications(settings.table),
        notifier=SnsNotifier(settings.topic_arn),
        settings=settings,
        console_url=settings.console_url or None,
    )


@_built_once
def write_to_dynamo_dependencies() -> DetailsRecordDeps:
    from kyc.adapters.dynamodb import DynamoApplications
    from kyc.adapters.s3 import S3DocumentStore
    from kyc.services.applicant_record import DetailsRecordDeps

    settings = get_settings()
    return DetailsRecordDeps(store=S3DocumentStore(settings.bucket), applications=DynamoApplications(settings.table))


@_built_once
def compare_faces_dependencies() -> FaceCheckDeps:
    from kyc.adapters.dynamodb import DynamoApplications
    from kyc.adapters.rekognition import RekognitionFaces
    from kyc.services.checks import FaceCheckDeps

    settings = get_settings()
    return FaceCheckDeps(
        applications=DynamoApplications(settings.table), settings=settings, faces=RekognitionFaces(settings.bucket)
    )


@_built_once
def compare_details_dependencies() -> DetailsCheckDeps:
    from kyc.adapters.dynamodb import DynamoApplications
    from kyc.adapters.textract import TextractIdReader
    from kyc.services.checks import DetailsCheckDeps

    settings = get_settings()
    return DetailsCheckDeps(
        applications=DynamoApplications(settings.table), id_reader=TextractIdReader(settings.bucket), settings=settings
    )


@_built_once
def decide_dependencies() -> ConclusionDeps:
    from kyc.adapters.dynamodb import DynamoApplications
    from kyc.adapters.sns import SnsNotifier
    from kyc.services.conclusion import ConclusionDeps

    settings = get_settings()
    return ConclusionDeps(
        applications=DynamoApplications(settings.table),
        notifier=SnsNotifier(settings.topic_arn),
        console_url=settings.console_url or None,
    )


@_built_once
def record_error_dependencies() -> FailureDeps:
    from kyc.adapters.aws import client
    from kyc.adapters.dynamodb import DynamoApplications
    from kyc.adapters.sns import SnsNotifier
    from kyc.services.failure import FailureDeps

    settings = get_settings()
    notifier = SnsNotifier(settings.topic_arn, client("sns"))  # every call tells staff: its client belongs to init
    return FailureDeps(
        applications=DynamoApplications(settings.table), notifier=notifier, settings=settings,
        console_url=settings.console_url or None,
    )
