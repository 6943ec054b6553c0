"""The only place that wires real adapters: one builder per Lambda, built once per warm container."""

from __future__ import annotations

from functools import cache

from kyc.adapters.dynamodb import DynamoApplications
from kyc.adapters.rekognition import RekognitionFaces
from kyc.adapters.s3 import S3DocumentStore
from kyc.adapters.sns import SnsNotifier
from kyc.adapters.sqs import SqsLicenseQueue
from kyc.adapters.textract import TextractIdReader
from kyc.adapters.validator_http import HttpLicenseValidator
from kyc.services.documents import DocumentDeps
from kyc.services.license_submission import SubmitDeps
from kyc.settings import Settings, get_settings


@cache
def document_dependencies() -> DocumentDeps:
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
