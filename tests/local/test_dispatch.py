"""The runtime's wiring on a small fixture stack: provisioning from a SAM template, S3 → Lambda asynchronously with
retries and an on-failure destination, S3 → EventBridge rule → Lambda, the SQS event source mapping with partial
batch responses and redrive, the HTTP API with IAM auth, the Invoke API, the outbox, and a clean stop on Ctrl-C."""

from __future__ import annotations

import json
import re
import signal
from email import message_from_bytes, policy

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.local.conftest import FIXTURE_APP, RunningStack, kyc_up, wait_for


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> RunningStack:
    with kyc_up(tmp_path_factory.mktemp("fixture"), "--template", str(FIXTURE_APP), "--no-vision") as running:
        yield running


def attempts(stack: RunningStack, item_id: str) -> int:
    item = stack.client("dynamodb").get_item(TableName=stack.resource("AttemptsTable"), Key={"ID": {"S": item_id}})
    return int(item.get("Item", {}).get("ATTEMPTS", {}).get("N", 0))


def receive_all(stack: RunningStack, logical_id: str) -> list[dict]:
    response = stack.client("sqs").receive_message(QueueUrl=stack.resource(logical_id), MaxNumberOfMessages=10,
                                                   WaitTimeSeconds=1, MessageSystemAttributeNames=["All"])
    return response.get("Messages", [])


def test_resources_are_created_from_the_template(stack: RunningStack) -> None:
    bucket = stack.resource("UploadBucket")
    assert bucket == "fixture-uploads-123456789012"
    notification = stack.client("s3").get_bucket_notification_configuration(Bucket=bucket)
    (lambda_config,) = notification["LambdaFunctionConfigurations"]
    assert lambda_config["LambdaFunctionArn"].endswith(":function:kyc-onboarding-UploadFunction")
    (rule,) = lambda_config["Filter"]["Key"]["FilterRules"]
    assert (rule["Name"].lower(), rule["Value"]) == ("prefix", "in/")
    attributes = stack.client("sqs").get_queue_attributes(QueueUrl=stack.resource("WorkQueue"),
                                                          AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "300"
    assert json.loads(attributes["RedrivePolicy"])["maxReceiveCount"] == 3
    configuration = stack.client("lambda").get_function_configuration(FunctionName="kyc-onboarding-UploadFunction")
    variables = configuration["Environment"]["Variables"]
    assert variables["GREETING"] == "hello from us-east-1"  # Globals merged, Fn::If and Fn::Sub resolved
    assert variables["ATTEMPTS_TABLE"] == stack.resource("AttemptsTable")


def test_an_upload_invokes_the_function_with_the_s3_event(stack: RunningStack) -> None:
    stack.client("s3").put_object(Bucket=stack.resource("UploadBucket"), Key="in/a b.txt", Body=b"x")
    # S3 URL-encodes keys in events, as on AWS
    wait_for(lambda: attempts(stack, "in/a+b.txt") == 1, 20, "the upload function")
    stack.client("s3").put_object(Bucket=stack.resource("UploadBucket"), Key="elsewhere/b.txt", Body=b"x")
    stack.client("s3").put_object(Bucket=stack.resource("UploadBucket"), Key="in/c.txt", Body=b"x")
    wait_for(lambda: attempts(stack, "in/c.txt") == 1, 20, "the second upload")
    assert attempts(stack, "elsewhere/b.txt") == 0  # outside the notification's prefix filter


def event_received(stack: RunningStack, key: str) -> dict | None:
    item = stack.client("dynamodb").get_item(TableName=stack.resource("AttemptsTable"), Key={"ID": {"S": f"event:{key}"}})
    return json.loads(item["Item"]["EVENT"]["S"]) if "Item" in item else None


def test_an_upload_reaches_the_rules_lambda_target_as_eventbridge_sends_it(stack: RunningStack) -> None:
    s3 = stack.client("s3")
    s3.put_object(Bucket=stack.resource("UploadBucket"), Key="elsewhere/e.txt", Body=b"x")
    etag = s3.put_object(Bucket=stack.resource("UploadBucket"), Key="events/e.txt", Body=b"x")["ETag"].strip('"')
    event = wait_for(lambda: event_received(stack, "events/e.txt"), 20, "the rule's target")
    assert (event["source"], event["detail-type"]) == ("aws.s3", "Object Created")
    assert event["detail"]["object"]["etag"] == etag  # AWS's name; moto writes eTag
    assert "eTag" not in event["detail"]["object"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["time"])
    assert event_received(stack, "elsewhere/e.txt") is None  # outside the rule's pattern
    assert event_received(stack, "disabled-rule") is None  # DisabledRule's constant input: never sent


def test_a_failing_event_is_retried_twice_then_sent_to_the_on_failure_destination(stack: RunningStack) -> None:
    stack.client("s3").put_object(Bucket=stack.resource("UploadBucket"), Key="in/fail-1", Body=b"x")
    (message,) = wait_for(lambda: receive_all(stack, "UploadFailures"), 30, "the on-failure destination")
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestPayload"]["Records"][0]["s3"]["object"]["key"] == "in/fail-1"
    assert record["responsePayload"] == {"errorMessage": "failing on purpose", "errorType": "RuntimeError"}
    assert attempts(stack, "in/fail-1") == 3


def test_partial_batch_failures_keep_only_the_failed_message_until_it_is_dead_lettered(stack: RunningStack) -> None:
    sqs = stack.client("sqs")
    for body in ("good-1", "poison-1", "good-2"):
        sqs.send_message(QueueUrl=stack.resource("WorkQueue"), MessageBody=body)
    (dead,) = wait_for(lambda: receive_all(stack, "WorkDeadLetterQueue"), 30, "the dead-letter queue")
    assert dead["Body"] == "poison-1"
    assert attempts(stack, "poison-1") == 3  # the redrive policy's maxReceiveCount
    assert attempts(stack, "good-1") == attempts(stack, "good-2") == 1  # deleted after the first batch
    assert receive_all(stack, "WorkQueue") == []


def test_the_invoke_api_runs_the_handler(stack: RunningStack) -> None:
    client = stack.client("lambda")
    event = {"Records": [{"s3": {"object": {"key": "in/direct"}}}]}
    ok = client.invoke(FunctionName="kyc-onboarding-UploadFunction", Payload=json.dumps(event))
    payload = json.loads(ok["Payload"].read())
    assert payload["key"] == "in/direct"
    assert 0 < payload["remaining_ms"] <= 10_000  # the template's Timeout
    event["Records"][0]["s3"]["object"]["key"] = "in/fail-direct"
    failed = client.invoke(FunctionName="kyc-onboarding-UploadFunction", Payload=json.dumps(event))
    assert failed["FunctionError"] == "Unhandled"
    assert json.loads(failed["Payload"].read())["errorType"] == "RuntimeError"


def _signed(url: str, body: str, secret: str = "testing") -> dict[str, str]:
    request = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials("testing", secret), "execute-api", "us-east-1").add_auth(request)
    return dict(request.headers)


def test_the_http_api_requires_a_sigv4_signature(stack: RunningStack) -> None:
    url = stack.info["api_urls"]["EchoApi"] + "/echo/alice"
    body = json.dumps({"hello": "world"})
    assert requests.post(url, data=body, timeout=10).status_code == 403
    assert requests.post(url, data=body, headers=_signed(url, body, secret="wrong"), timeout=10).status_code == 403
    assert requests.post(url, data=body + " ", headers=_signed(url, body), timeout=10).status_code == 403
    response = requests.post(url, data=body, headers=_signed(url, body), timeout=10)
    assert response.status_code == 201
    assert response.json() == {"routeKey": "POST /echo/{name}", "name": "alice", "body": body, "caller": "testing"}
    other = stack.info["api_urls"]["EchoApi"] + "/nowhere"
    assert requests.post(other, data=body, headers=_signed(other, body), timeout=10).status_code == 404


def test_published_messages_become_eml_files(stack: RunningStack) -> None:
    stack.client("s3").put_object(Bucket=stack.resource("UploadBucket"), Key="in/mail-1", Body=b"x")

    def mail() -> list:
        return [path for path in stack.outbox() if "mail-1" in path.name]

    (path,) = wait_for(mail, 20, "the e-mail")
    email = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert email["Subject"] == "Received – in/mail-1"
    assert email["To"] == "staff@bank.example"  # the topic's e-mail subscription
    assert email["X-SNS-Attribute-app_uuid"] == "mail-1"
    assert email.get_content() == "in/mail-1\nhello from us-east-1\n"


def test_ctrl_c_stops_the_stack_cleanly(tmp_path) -> None:
    with kyc_up(tmp_path, "--template", str(FIXTURE_APP), "--no-vision") as running:
        running.process.send_signal(signal.SIGINT)
        assert running.process.wait(timeout=30) == 130
        assert not (tmp_path / "stack.json").exists()
        with pytest.raises(requests.ConnectionError):
            requests.get(running.info["aws_url"], timeout=2)
