"""The runtime's CloudWatch Logs of invocations: START/END/REPORT per invocation, delivered in batches a moment after
the invocations, as the Lambda service delivers them."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from kyc_local.invocation_log import InvocationLog
from kyc_local.lambdas import FunctionSpec


class RecordingLogs:
    """The logs port: moto's CloudWatch Logs, with each PutLogEvents call remembered."""

    def __init__(self, client: Any):
        self.client = client
        self.exceptions = client.exceptions
        self.create_log_group = client.create_log_group
        self.create_log_stream = client.create_log_stream
        self.puts: list[str] = []

    def put_log_events(self, **kwargs: Any) -> dict:
        self.puts.append(kwargs["logGroupName"])
        return self.client.put_log_events(**kwargs)


@pytest.fixture
def logs() -> RecordingLogs:
    with mock_aws():
        yield RecordingLogs(boto3.client("logs", region_name="us-east-1"))


def spec(name: str) -> FunctionSpec:
    return FunctionSpec(name, name, f"arn:aws:lambda:us-east-1:123456789012:function:{name}", Path("."), "app.handler")


def messages(logs: RecordingLogs, name: str) -> list[str]:
    events = logs.client.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
    return [event["message"].split("\t")[0] for event in events]


def test_invocations_are_written_together_once_none_has_ended_for_a_moment(logs: RecordingLogs) -> None:
    log = InvocationLog(logs, quiet=1.0, longest=30.0)
    log.start()
    error = {"errorType": "ValueError"}
    for request_id, failure in (("a", None), ("b", error)):
        log.record(spec("Document"), "stream-1", request_id, 0.5, None, failure)
    log.record(spec("Submit"), "stream-2", "c", 0.1, 0.2, None)

    assert not log.drained() and logs.puts == []  # within the quiet spell nothing is written yet
    deadline = time.monotonic() + 10
    while not log.drained() and time.monotonic() < deadline:
        time.sleep(0.05)
    log.stop()

    assert sorted(logs.puts) == ["/aws/lambda/Document", "/aws/lambda/Submit"]  # one write per stream
    assert messages(logs, "Document") == [
        "START RequestId: a Version: $LATEST", "END RequestId: a", "REPORT RequestId: a",
        "START RequestId: b Version: $LATEST", '{"errorType": "ValueError"}', "END RequestId: b", "REPORT RequestId: b",
    ]
    assert messages(logs, "Submit")[-1] == "REPORT RequestId: c"


def test_stopping_writes_what_is_waiting(logs: RecordingLogs) -> None:
    log = InvocationLog(logs, quiet=60.0, longest=60.0)
    log.start()
    log.record(spec("Document"), "stream-1", "a", 0.5, None, None)

    log.stop()

    assert log.drained() and logs.puts == ["/aws/lambda/Document"]
