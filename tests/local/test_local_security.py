"""What `kyc up` exposes on 127.0.0.1 holds applicants' data: it answers only its own credentials and origin, checks
the validator's signature before reading a body, keeps its folder private, and refuses a write whole as AWS does."""

from __future__ import annotations

import json
import socket
import stat
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from tests.local.conftest import RunningStack, kyc_up

FOREIGN = "http://attacker.example"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> RunningStack:
    with kyc_up(tmp_path_factory.mktemp("security") / "kyc", "--no-vision") as running:
        yield running


def _signed(url: str, service: str, body: bytes, headers: dict[str, str], key: str = "testing") -> dict[str, str]:
    request = AWSRequest(method="POST", url=url, data=body, headers=headers)
    SigV4Auth(Credentials(key, "testing"), service, "us-east-1").add_auth(request)
    return dict(request.headers.items())


def _post(url: str, body: bytes, headers: dict[str, str], method: str = "POST") -> tuple[int, dict[str, str], bytes]:
    try:
        with urlopen(Request(url, data=body or None, headers=headers, method=method), timeout=10) as response:
            return response.status, dict(response.headers.items()), response.read()
    except HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def _list_tables(stack: RunningStack, extra: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    url = stack.info["aws_url"] + "/"
    body = b"{}"
    headers = {"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0"}
    return _post(url, body, _signed(url, "dynamodb", body, headers) | extra)


# ---------------------------------------------------------------- moto's endpoint


def test_a_signed_request_from_a_foreign_origin_gets_no_cors_allowance(stack: RunningStack) -> None:
    status, headers, _ = _list_tables(stack, {"Origin": FOREIGN})
    assert status == 403
    assert not {name.lower() for name in headers} & {"access-control-allow-origin", "access-control-allow-credentials"}
    own = f"http://{urlsplit(stack.info['aws_url']).netloc}"
    status, _, body = _list_tables(stack, {"Origin": own})
    assert status == 200 and "TableNames" in json.loads(body)


def test_a_preflight_from_a_foreign_origin_is_refused(stack: RunningStack) -> None:
    status, headers, _ = _post(stack.info["aws_url"] + "/", b"", {
        "Origin": FOREIGN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,x-amz-target,content-type"}, method="OPTIONS")
    assert status == 403
    assert "access-control-allow-origin" not in {name.lower() for name in headers}


def test_only_the_stacks_own_access_key_is_accepted(stack: RunningStack) -> None:
    def client(service: str, key: str):
        return boto3.session.Session().client(service, endpoint_url=stack.info["aws_url"], region_name="us-east-1",
                                              aws_access_key_id=key, aws_secret_access_key="testing")

    for service, call in (("dynamodb", "list_tables"), ("s3", "list_buckets"), ("sqs", "list_queues")):
        with pytest.raises(ClientError) as refused:
            getattr(client(service, "AKIAOTHERCALLER00000"), call)()
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        assert refused.value.response["Error"]["Code"] == "InvalidClientTokenId"
        getattr(client(service, "testing"), call)()  # the stack's own key


def test_an_unsigned_request_is_refused(stack: RunningStack) -> None:
    status, _, body = _post(f"{stack.info['aws_url']}/{stack.info['bucket']}", b"", {}, method="GET")
    assert status == 403 and b"MissingAuthenticationToken" in body


def test_the_validator_cannot_be_invoked_around_its_signature_check(stack: RunningStack) -> None:
    client = boto3.session.Session().client("lambda", endpoint_url=stack.info["aws_url"], region_name="us-east-1",
                                            aws_access_key_id="testing", aws_secret_access_key="testing")
    with pytest.raises(ClientError) as refused:
        client.invoke(FunctionName=stack.resource("ValidateLicenseLambdaFunction"),
                      Payload=json.dumps({"body": json.dumps({"driver_license_id": "D1234567"})}))
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"


def test_an_oversized_update_item_is_refused_whole(stack: RunningStack) -> None:
    dynamodb = stack.client("dynamodb")
    table, key = stack.info["table"], {"APP_UUID": {"S": "size-limit-probe"}}
    dynamodb.put_item(TableName=table, Item=key | {"APPLICATION_STATUS": {"S": "RECEIVED"}})
    with pytest.raises(ClientError) as refused:
        dynamodb.update_item(  # each value fits; both together exceed DynamoDB's 400 KB item limit
            TableName=table, Key=key, UpdateExpression="SET APPLICATION_STATUS = :s, DETAIL_A = :a, DETAIL_B = :b",
            ExpressionAttributeValues={":s": {"S": "REJECTED"}, ":a": {"S": "a" * 250_000}, ":b": {"S": "b" * 250_000}})
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    item = dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]
    assert item == key | {"APPLICATION_STATUS": {"S": "RECEIVED"}}


# ---------------------------------------------------------------- the validator's HTTP API


def _raw_post(url: str, head: dict[str, str], sent: bytes) -> bytes:
    """Send the request line, the headers and only `sent` of the body; return what the server answers."""
    parts = urlsplit(url)
    lines = [f"POST {parts.path} HTTP/1.1", *(f"{name}: {value}" for name, value in head.items()), "", ""]
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as connection:
        connection.sendall("\r\n".join(lines).encode() + sent)
        return connection.recv(4096)


def _validator_url(stack: RunningStack) -> str:
    return stack.info["api_urls"]["ValidatorApi"] + "/license"


def test_an_unsigned_large_body_is_refused_before_it_is_read(stack: RunningStack) -> None:
    url = _validator_url(stack)
    head = {"Host": urlsplit(url).netloc, "Content-Type": "application/json", "Content-Length": str(100 << 20)}
    answer = _raw_post(url, head, b'{"driver_license_id": "')  # the other 100 MB never come
    assert answer.startswith(b"HTTP/1.1 403 ")


def test_a_signed_body_over_the_budget_is_refused_before_it_is_read(stack: RunningStack) -> None:
    url = _validator_url(stack)
    head = _signed(url, "execute-api", b"", {"Content-Type": "application/json"})
    head |= {"Host": urlsplit(url).netloc, "Content-Length": str(11 << 20)}  # API Gateway's limit is 10 MB
    assert _raw_post(url, head, b"{").startswith(b"HTTP/1.1 413 ")


def test_a_foreign_key_is_refused_by_the_validator_api(stack: RunningStack) -> None:
    url, body = _validator_url(stack), b'{"driver_license_id": "D1234567"}'
    headers = {"Content-Type": "application/json"}
    status, _, _ = _post(url, body, _signed(url, "execute-api", body, headers, key="AKIAOTHERCALLER00000"))
    assert status == 403
    status, _, answer = _post(url, body, _signed(url, "execute-api", body, headers))
    assert status == 200 and "valid" in json.loads(answer)


# ---------------------------------------------------------------- the working folder


def test_the_working_folder_is_private(stack: RunningStack) -> None:
    assert stat.S_IMODE(stack.workdir.stat().st_mode) == 0o700
    written = [path for path in Path(stack.workdir).rglob("*") if path.name != "kyc-up.out"]  # the test's own file
    assert {"stack.json", "functions.log"} <= {path.name for path in written}
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
