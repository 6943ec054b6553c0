"""The only place that wires real adapters: one builder per Lambda, built once per warm container.

Each builder imports what it wires, so a function loads only its own adapters (cold start).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from kyc.settings import Settings, get_settings

if TYPE_CHECKING:
    from kyc.services.applicant_record import DetailsRecordDeps
    from kyc.services.checks import DetailsCheckDeps, FaceCheckDeps
    from kyc.services.conclusion import ConclusionDeps
    from kyc.services.documents import DocumentDeps
    from kyc.services.failure import FailureDeps
    from kyc.services.intake import IntakeDeps
    from kyc.services.license_submission import SubmitDeps
    from kyc.services.workflow_start import StartDeps


@cache
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


@cache
def submit_license_dependencies() -> SubmitDeps:
    from kyc.adapters.dynamodb import DynamoApplications
    from kyc.adapters.sns import SnsNotifier
    from kyc.adapters.validator_http import HttpLicenseValidator
    from kyc.services.license_submission import SubmitDeps

    settings = get_settings()
    return SubmitDeps(
        applications=DynamoApplications(settings.table),
        validator=HttpLicenseValidator(settings.validator_url),
        notifier=SnsNotifier(settings.topic_arn),
        settings=settings,
    )


def validate_license_dependencies() -> Settings:
    """The validator calls no AWS service: its only dependency is its configuration."""
    return get_settings()


# ---------------------------------------------------------------- the Step Functions workflow (part 2)


@cache
def start_workflow_dependencies() -> StartDeps:
    from kyc.adapters.stepfunctions import StepFunctionsWorkflows
    from kyc.services.workflow_start import StartDeps

    return StartDeps(workflows=StepFunctionsWorkflows(get_settings().state_machine_arn))


@cache
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
    )


@cache
def write_to_dynamo_dependencies() -> DetailsRecordDeps:
    from kyc.adapters.dynamodb import DynamoApplications
    from kyc.adapters.s3 import S3DocumentStore
    from kyc.services.applicant_record import DetailsRecordDeps

    settings = get_settings()
    return DetailsRecordDeps(store=S3DocumentStore(settings.bucket), applications=DynamoApplications(settings.table))


@cache
def compare_faces_dependencies() -> FaceCheckDeps:
    from kyc.adapters.dynamodb import DynamoApplications
    from kyc.adapters.rekognition import RekognitionFaces
    from kyc.services.checks import FaceCheckDeps

    settings = get_settings()
    return FaceCheckDeps(
        applications=DynamoApplications(settings.table), faces=RekognitionFaces(settings.bucket), settings=settings
    )


@cache
def compare_details_dependencies() -> DetailsCheckDeps:
    from kyc.adapters.dynamodb import DynamoApplications
    from kyc.adapters.textract import TextractIdReader
    from kyc.services.checks import DetailsCheckDeps

    settings = get_settings()
    return DetailsCheckDeps(
        applications=DynamoApplications(settings.table), id_reader=TextractIdReader(settings.bucket), settings=settings
    )


@cache
def decide_dependencies() -> ConclusionDeps:
    from kyc.adapters.dynamodb import DynamoApplications
    from kyc.adapters.sns import SnsNotifier
    from kyc.services.conclusion import ConclusionDeps

    settings = get_settings()
    return ConclusionDeps(applications=DynamoApplications(settings.table), notifier=SnsNotifier(settings.topic_arn))


@cache
def record_error_dependencies() -> FailureDeps:
    from kyc.adapters.dynamodb import DynamoApplications
    from kyc.adapters.sns import SnsNotifier
    from kyc.services.failure import FailureDeps

    settings = get_settings()
    return FailureDeps(
        applications=DynamoApplications(settings.table), notifier=SnsNotifier(settings.topic_arn), settings=settings
    )
