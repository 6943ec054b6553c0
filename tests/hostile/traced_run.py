"""Run handlers as Lambda would with X-Ray on (a subprocess of tests/hostile/test_traces.py): the tracer sends its
segments to AWS_XRAY_DAEMON_ADDRESS, where the test listens. moto stands in for AWS."""

from __future__ import annotations

import json
import os
import sys

import boto3
from moto import mock_aws

from tests.hostile.corpus import make_zip, members
from tests.integration.conftest import BUCKET, load_event
from tests.support.handlers import LambdaContext, handler_module

APP = "8d247914"


def main(applicant_csv: bytes) -> None:
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket=BUCKET)
        boto3.client("dynamodb").create_table(
            TableName="CustomerMetadataTable",
            KeySchema=[{"AttributeName": "APP_UUID", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "APP_UUID", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        topic = boto3.client("sns").create_topic(Name="ApplicationNotifications")["TopicArn"]
        os.environ.update(NOTIFICATION_TOPIC_ARN=topic)
        boto3.client("s3").put_object(Bucket=BUCKET, Key=f"zipped/{APP}.zip",
                                      Body=make_zip(members(APP, details_csv=applicant_csv)))
        unzip = handler_module("unzip").lambda_handler(load_event("sfn_unzip_8d247914.json"), LambdaContext())
        handler_module("write_to_dynamo").lambda_handler(unzip, LambdaContext())
        decide = {**unzip, "checks": [{"check": "LICENSE_SELFIE_MATCH", "outcome": "ERROR", "error": "X"}]}
        handler_module("decide").lambda_handler(decide, LambdaContext())
        status = load_event("api_application_status_8d247914.json")
        print(json.dumps(handler_module("application_status").lambda_handler(status, LambdaContext())))


if __name__ == "__main__":
    main(sys.stdin.buffer.read())
