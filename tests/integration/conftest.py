"""moto stands in for AWS: the stack's stores and queues, named as in template.yaml."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from kyc import bootstrap
from kyc.adapters import aws
from kyc.adapters.dynamodb import DynamoApplications
from kyc.adapters.dynamodb_schema import plain_item
from kyc.adapters.s3 import S3DocumentStore
from kyc.adapters.sns import SnsNotifier
from kyc.adapters.sqs import SqsLicenseQueue
from kyc.ports import ApplicationRecord
from kyc.services.documents import DocumentDeps
from kyc.services.license_submission import SubmitDeps
from kyc.settings import get_settings
from moto import mock_aws

from tests.support.bundles import license_fields
from tests.support.fakes import FakeFaces, FakeIdReader, FakeValidator

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "documentbucket-123456789012"


def load_event(name: str) -> dict:
    return json.loads((ROOT / "events" / name).read_text())


@dataclass
class Stack:
    s3: object
    dynamodb: object
    sqs: object
    queue_url: str
    dead_letter_url: str
    tap_url: str  # an SQS queue subscribed to the notification topic, to read what staff receive

    def item(self, app_uuid: str) -> dict | None:
        """The item as stored, in plain values (the lab's view of the table)."""
        response = self.dynamodb.get_item(TableName=get_settings().table, Key={"APP_UUID": {"S": app_uuid}})
        return plain_item(response["Item"]) if "Item" in response else None

    def record(self, app_uuid: str) -> ApplicationRecord | None:
        return DynamoApplications(get_settings().table).read(app_uuid)

    def notifications(self) -> list[dict]:
        messages = self.sqs.receive_message(QueueUrl=self.tap_url, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(m["Body"]) for m in messages]

    def queued(self) -> list[dict]:
        messages = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(m["Body"]) for m in messages]

    def upload(self, app_uuid: str, body: bytes) -> str:
        return self.s3.put_object(Bucket=BUCKET, Key=f"zipped/{app_uuid}.zip", Body=body)["ETag"]


def _forget_cached_settings_and_clients() -> None:
    """Settings and clients are cached per process (as in a warm Lambda); each test has its own stack."""
    for cached in (
        get_settings, aws.client, bootstrap.document_dependencies, bootstrap.submit_license_dependencies,
        bootstrap.application_status_dependencies,
    ):
        cached.cache_clear()


@pytest.fixture
def stack(monkeypatch) -> Stack:
    with mock_aws():
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        dynamodb = boto3.client("dynamodb")
        dynamodb.create_table(
            TableName="CustomerMetadataTable",
            KeySchema=[{"AttributeName": "APP_UUID", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "APP_UUID", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        sqs = boto3.client("sqs")
        dead_letter_url = sqs.create_queue(QueueName="LicenseDeadLetterQueue")["QueueUrl"]
        dead_letter_arn = sqs.get_queue_attributes(QueueUrl=dead_letter_url, AttributeNames=["QueueArn"])
        redrive = {"deadLetterTargetArn": dead_letter_arn["Attributes"]["QueueArn"], "maxReceiveCount": "5"}
        queue_url = sqs.create_queue(
            QueueName="LicenseQueue",
            Attributes={"VisibilityTimeout": "300", "RedrivePolicy": json.dumps(redrive)},
        )["QueueUrl"]
        sns = boto3.client("sns")
        topic_arn = sns.create_topic(Name="ApplicationNotifications")["TopicArn"]
        tap_url = sqs.create_queue(QueueName="NotificationTap")["QueueUrl"]
        tap_arn = sqs.get_queue_attributes(QueueUrl=tap_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=tap_arn)
        for name, value in {
            "DOCUMENT_BUCKET": BUCKET,
            "CUSTOMER_TABLE": "CustomerMetadataTable",
            "NOTIFICATION_TOPIC_ARN": topic_arn,
            "LICENSE_QUEUE_URL": queue_url,
            "VALIDATOR_URL": "https://validator.invalid/license",
            "TEST_MODE": "false",
        }.items():
            monkeypatch.setenv(name, value)
        _forget_cached_settings_and_clients()
        yield Stack(s3, dynamodb, sqs, queue_url, dead_letter_url, tap_url)
        _forget_cached_settings_and_clients()


@pytest.fixture
def faces() -> FakeFaces:
    return FakeFaces()


@pytest.fixture
def id_reader() -> FakeIdReader:
    return FakeIdReader(license_fields())


@pytest.fixture
def document_deps(stack, faces, id_reader) -> DocumentDeps:
    """The document function's real adapters on moto, with the paid vision ports faked."""
    settings = get_settings()
    return DocumentDeps(
        store=S3DocumentStore(settings.bucket),
        applications=DynamoApplications(settings.table),
        faces=faces,
        id_reader=id_reader,
        notifier=SnsNotifier(settings.topic_arn),
        queue=SqsLicenseQueue(settings.queue_url),
        settings=settings,
    )


@pytest.fixture
def validator() -> FakeValidator:
    return FakeValidator()


@pytest.fixture
def submit_deps(stack, validator) -> SubmitDeps:
    settings = get_settings()
    return SubmitDeps(
        applications=DynamoApplications(settings.table),
        validator=validator,
        notifier=SnsNotifier(settings.topic_arn),
        settings=settings,
    )
