"""The hostile suites run on the integration suite's moto stack and faked vision ports.

The corpus has over a hundred cases, so it shares one stack per module (`shared_stack`), emptied before each case,
instead of building one per test.
"""

from __future__ import annotations

import boto3
import pytest
from kyc import bootstrap
from kyc.adapters import aws
from kyc.adapters.dynamodb import DynamoApplications
from kyc.adapters.s3 import S3DocumentStore
from kyc.adapters.sns import SnsNotifier
from kyc.adapters.sqs import SqsLicenseQueue
from kyc.services.documents import DocumentDeps
from kyc.settings import get_settings
from moto import mock_aws

from tests.hostile.support import drain
from tests.integration.conftest import (  # noqa: F401 (fixtures)
    BUCKET,
    Stack,
    document_deps,
    faces,
    id_reader,
    stack,
    submit_deps,
    validator,
)
from tests.support.bundles import license_fields
from tests.support.fakes import FakeFaces, FakeIdReader

TABLE = "CustomerMetadataTable"
CACHED = (
    get_settings, aws.client, bootstrap.document_dependencies, bootstrap.submit_license_dependencies,
    bootstrap.application_status_dependencies,
)


def _clear_caches() -> None:
    for cached in CACHED:
        cached.cache_clear()


def _provision() -> tuple[Stack, dict[str, str]]:
    """The bucket, table, queues and topic of the integration stack, and the environment naming them."""
    s3, dynamodb, sqs, sns = (boto3.client(name) for name in ("s3", "dynamodb", "sqs", "sns"))
    s3.create_bucket(Bucket=BUCKET)
    dynamodb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "APP_UUID", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "APP_UUID", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dead_letter_url = sqs.create_queue(QueueName="LicenseDeadLetterQueue")["QueueUrl"]
    queue_url = sqs.create_queue(QueueName="LicenseQueue", Attributes={"VisibilityTimeout": "300"})["QueueUrl"]
    topic_arn = sns.create_topic(Name="ApplicationNotifications")["TopicArn"]
    tap_url = sqs.create_queue(QueueName="NotificationTap")["QueueUrl"]
    tap_arn = sqs.get_queue_attributes(QueueUrl=tap_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=tap_arn)
    env = {
        "DOCUMENT_BUCKET": BUCKET,
        "CUSTOMER_TABLE": TABLE,
        "NOTIFICATION_TOPIC_ARN": topic_arn,
        "LICENSE_QUEUE_URL": queue_url,
        "VALIDATOR_URL": "https://validator.invalid/license",
        "TEST_MODE": "false",
    }
    return Stack(s3, dynamodb, sqs, queue_url, dead_letter_url, tap_url), env


def _empty(shared: Stack) -> None:
    """Nothing left of the previous case: no objects, items or messages."""
    for page in shared.s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for entry in page.get("Contents", []):
            shared.s3.delete_object(Bucket=BUCKET, Key=entry["Key"])
    table = boto3.resource("dynamodb").Table(TABLE)
    for item in table.scan(ProjectionExpression="APP_UUID")["Items"]:
        table.delete_item(Key={"APP_UUID": item["APP_UUID"]})
    for url in (shared.queue_url, shared.dead_letter_url, shared.tap_url):
        drain(shared.sqs, url)


@pytest.fixture(scope="module")
def _shared_stack():
    with mock_aws(), pytest.MonkeyPatch.context() as patch:
        shared, env = _provision()
        for name, value in env.items():
            patch.setenv(name, value)
        _clear_caches()
        yield shared
        _clear_caches()


@pytest.fixture
def shared_stack(_shared_stack) -> Stack:
    """The module's stack, emptied."""
    _empty(_shared_stack)
    return _shared_stack


@pytest.fixture
def shared_deps(shared_stack) -> DocumentDeps:
    """The document function's real adapters on the shared stack, with fresh fakes for the paid vision ports."""
    settings = get_settings()
    return DocumentDeps(
        store=S3DocumentStore(settings.bucket),
        applications=DynamoApplications(settings.table),
        faces=FakeFaces(),
        id_reader=FakeIdReader(license_fields()),
        notifier=SnsNotifier(settings.topic_arn),
        queue=SqsLicenseQueue(settings.queue_url),
        settings=settings,
    )
