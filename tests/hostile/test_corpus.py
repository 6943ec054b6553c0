"""Every hostile upload through the real document handler on moto: REJECTED with its reason before any paid call."""

from __future__ import annotations

import json
import time

import boto3
import pytest
from kyc.settings import get_settings

from tests.hostile.corpus import DETAILS, MB, Case, cases
from tests.hostile.support import drain, log_lines, measured, s3_event
from tests.integration.conftest import BUCKET
from tests.support.handlers import handler_module

document = handler_module("document")
CASES = cases()
MEMORY_BOUND = 128 * MB  # per case: a legal bundle may hold a 20 MB zip and 40 MB of members at once
CPU_BOUND = 5.0  # seconds per case (under tracemalloc, which slows Python allocations down)
DETAIL_BOUND = 2048  # bytes: a detail goes into the DynamoDB item, the log and the staff e-mail
PERSONAL = [value for value in DETAILS.values() if len(value) >= 5]


def test_the_corpus_has_at_least_fifty_cases_of_every_reason():
    reasons = {case.reason for case in CASES}
    assert len(CASES) >= 50
    assert {str(reason) for reason in reasons} == {"BUNDLE_INVALID", "CSV_INVALID", "IMAGE_INVALID"}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_upload_is_rejected_once_before_any_paid_call(case: Case, shared_stack, shared_deps):
    stack, faces, id_reader = shared_stack, shared_deps.faces, shared_deps.id_reader
    stack.s3.put_object(Bucket=BUCKET, Key=case.object_key, Body=case.build())
    event = s3_event(case.key)

    with log_lines() as logs, measured() as memory:
        started = time.process_time()
        first = document.handle(event, shared_deps)
        cpu = time.process_time() - started
    second = document.handle(event, shared_deps)  # a redelivery settles nothing new

    assert first == second == {"statuses": ["REJECTED"]}
    (item,) = boto3.resource("dynamodb").Table(get_settings().table).scan()["Items"]
    assert item["APPLICATION_STATUS"] == "REJECTED"
    assert item["REASONS"] == [str(case.reason)]
    assert case.detail in item["STATUS_DETAIL"]
    assert len(item["STATUS_DETAIL"].encode()) <= DETAIL_BOUND
    assert cpu <= CPU_BOUND, f"took {cpu:.2f} s of CPU"
    assert faces.calls == [] and id_reader.calls == []
    (note,) = drain(stack.sqs, stack.tap_url)
    attributes = {name: value["Value"] for name, value in note["MessageAttributes"].items()}
    assert attributes == {"app_uuid": item["APP_UUID"], "check": "BUNDLE", "outcome": "FAIL"}
    assert f"Reason code: {case.reason}" in note["Message"]
    assert case.detail in note["Message"]
    assert drain(stack.sqs, stack.queue_url) == []
    assert stack.s3.list_objects_v2(Bucket=BUCKET, Prefix="unzipped/")["KeyCount"] == 0
    seen = (json.dumps([note["Subject"], note["Message"], attributes], ensure_ascii=False) + logs.getvalue()).casefold()
    assert '"bundle rejected"' in seen
    for value in PERSONAL + list(case.planted):
        assert value.casefold() not in seen, f"{value!r} was echoed"
    assert memory.python_peak < MEMORY_BOUND, f"Python heap peaked at {memory.python_peak / MB:.0f} MB"
    if memory.rss_growth is not None:
        assert memory.rss_growth < MEMORY_BOUND, f"RSS grew by {memory.rss_growth / MB:.0f} MB"
