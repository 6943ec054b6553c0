"""The handlers' calls to moto answered in-process: the same moto as the server's clients see, the same answers and
errors as over HTTP, faults still injected first, other endpoints left alone."""

from __future__ import annotations

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

from kyc_local.faults import FaultInjector
from kyc_local.moto_transport import MotoTransport

ONE_ATTEMPT = Config(retries={"mode": "standard", "max_attempts": 1})
NOBODY = "http://127.0.0.1:9"  # the discard port: nothing answers HTTP there


def in_process(endpoint: str, faults: FaultInjector | None = None,
               session: botocore.session.Session | None = None) -> boto3.session.Session:
    """A session whose calls to `endpoint` moto answers in-process (nothing has to listen there)."""
    session = session or botocore.session.get_session()
    MotoTransport(endpoint, first=faults.answer if faults else None).install(session)
    return boto3.session.Session(botocore_session=session, region_name="us-east-1",
                                 aws_access_key_id="testing", aws_secret_access_key="testing")


def over_http(moto_url: str, service: str):
    return boto3.client(service, endpoint_url=moto_url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def test_objects_written_in_process_are_moto_s_own(moto_url):
    session = in_process(NOBODY)
    s3 = session.client("s3", endpoint_url=NOBODY)
    body = bytes(range(256)) * 4000
    s3.create_bucket(Bucket="transport-bucket")
    for key in ("unzipped/a b+c.png", "zipped/ünï code.zip"):
        s3.put_object(Bucket="transport-bucket", Key=key, Body=body, ContentType="image/png")

        assert s3.get_object(Bucket="transport-bucket", Key=key)["Body"].read() == body
        seen = over_http(moto_url, "s3").head_object(Bucket="transport-bucket", Key=key)
        assert (seen["ContentLength"], seen["ContentType"]) == (len(body), "image/png")


def test_errors_come_back_as_botocore_raises_them(moto_url):
    session = in_process(NOBODY)
    dynamodb = session.client("dynamodb", endpoint_url=NOBODY)
    over_http(moto_url, "dynamodb").create_table(
        TableName="transport-table", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "ID", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "ID", "AttributeType": "S"}],
    )
    item = {"ID": {"S": "one"}}
    dynamodb.put_item(TableName="transport-table", Item=item, ConditionExpression="attribute_not_exists(ID)")

    with pytest.raises(ClientError) as raised:
        dynamodb.put_item(TableName="transport-table", Item=item, ConditionExpression="attribute_not_exists(ID)")
    assert raised.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    with pytest.raises(ClientError) as raised:
        session.client("s3", endpoint_url=NOBODY).get_object(Bucket="transport-bucket", Key="missing")
    assert raised.value.response["Error"]["Code"] == "NoSuchKey"


def test_form_encoded_and_json_protocols_are_answered(moto_url):
    session = in_process(NOBODY)
    topic = session.client("sns", endpoint_url=NOBODY).create_topic(Name="transport-topic")["TopicArn"]
    queue = session.client("sqs", endpoint_url=NOBODY).create_queue(QueueName="transport-queue")["QueueUrl"]
    arn = over_http(moto_url, "sqs").get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
    over_http(moto_url, "sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn["Attributes"]["QueueArn"])

    session.client("sns", endpoint_url=NOBODY).publish(TopicArn=topic, Message="hello & goodbye")

    (message,) = over_http(moto_url, "sqs").receive_message(QueueUrl=queue, WaitTimeSeconds=1)["Messages"]
    assert '"Message": "hello & goodbye"' in message["Body"]


def test_an_injected_fault_never_reaches_moto(moto_url):
    injector = FaultInjector(0.999, seed=1)
    session = in_process(NOBODY, injector)
    over_http(moto_url, "s3").create_bucket(Bucket="faulty-bucket")

    with pytest.raises(ClientError):
        session.client("s3", endpoint_url=NOBODY, config=ONE_ATTEMPT).put_object(
            Bucket="faulty-bucket", Key="k", Body=b"x")

    assert injector.injected["s3.PutObject"] >= 1
    assert "Contents" not in over_http(moto_url, "s3").list_objects_v2(Bucket="faulty-bucket")


def test_other_endpoints_and_an_uninstalled_transport_go_over_the_network():
    hooked = botocore.session.get_session()
    session = in_process(NOBODY, session=hooked)
    with pytest.raises(EndpointConnectionError):
        session.client("sqs", endpoint_url="http://127.0.0.1:10", config=ONE_ATTEMPT).list_queues()

    MotoTransport(NOBODY).uninstall(hooked)
    with pytest.raises(EndpointConnectionError):
        session.client("sqs", endpoint_url=NOBODY, config=ONE_ATTEMPT).list_queues()
