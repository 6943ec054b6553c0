"""Malformed task inputs and payloads are refused with the shape expected, before any dependency is built: the lab's
per-function test payloads (an S3 put event for Unzip, a bare id for the tasks, a bare body for the validator)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kyc.events import MalformedEvent, failed, object_created, s3_keys, task

from tests.support.handlers import LambdaContext, handler_module

EVENTS = Path(__file__).parents[2] / "events"

LAB_S3_PUT = {"Records": [{"eventSource": "aws:s3", "s3": {"bucket": {"name": "b"}, "object": {"key": "zipped/x.zip"}}}]}
LAB_TASK = {"app_uuid": "8d247914"}
LAB_LICENSE = {"driver_license_id": "D1234567", "validation_override": True}


@pytest.mark.parametrize(
    ("function", "event", "missing"),
    [
        ("unzip", LAB_S3_PUT, "missing or empty: key; expected {\"key\": \"zipped/<app_uuid>.zip\""),
        ("write_to_dynamo", LAB_TASK, "missing or empty: etag, members.details; expected {\"app_uuid\""),
        ("compare_faces", LAB_TASK, "missing or empty: etag, members.selfie, members.license"),
        ("compare_details", LAB_TASK, "missing or empty: etag, members.license"),
        ("decide", LAB_TASK, "missing or empty: etag; expected"),
        ("record_error", {"key": "zipped/x.zip", "etag": "e"}, "failed must name one state"),
        ("document", LAB_TASK, "missing or empty: Records; expected {\"Records\""),
        ("start_workflow", LAB_S3_PUT, "missing or empty: detail.object.key, detail.object.etag"),
    ],
)
def test_a_labs_payload_gets_the_shape_expected_not_a_key_error(function, event, missing):
    with pytest.raises(MalformedEvent) as caught:
        handler_module(function).handle(event)
    assert missing in str(caught.value)


def test_the_validator_refuses_a_bare_body_naming_the_http_api_event():
    with pytest.raises(MalformedEvent, match="ValidateLicenseLambdaFunction: missing or empty: version, "
                                             "requestContext.http.method, rawPath; expected an API Gateway HTTP API"):
        handler_module("validate_license").lambda_handler(LAB_LICENSE, LambdaContext())


@pytest.mark.parametrize("event", [None, [], "zipped/x.zip", 42])
def test_an_input_that_is_not_an_object_is_named(event):
    with pytest.raises(MalformedEvent, match="input is a JSON .*, not an object"):
        task(event, "CompareFacesLambdaFunction", ("selfie",))


def load_event(name: str) -> dict:
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))


def test_the_projects_own_sample_events_parse():
    assert s3_keys(load_event("s3_put_8d247914.json"), "f") == ["zipped/8d247914.zip"]
    assert object_created(load_event("eventbridge_object_created_8d247914.json"), "f")[0] == "zipped/8d247914.zip"
    app_uuid, _, members = task(load_event("sfn_task_8d247914.json"), "f", ("selfie", "license", "details"))
    assert (app_uuid, members["selfie"]) == ("8d247914", "unzipped/8d247914_selfie.png")
    key, _, step, error = failed(load_event("sfn_record_error_8d247914.json"), "f")
    assert key == "zipped/8d247914.zip" and step and error


def test_an_empty_value_counts_as_missing():
    with pytest.raises(MalformedEvent, match="missing or empty: app_uuid"):
        task({"app_uuid": "", "etag": "e", "members": {"selfie": "k"}}, "f", ("selfie",))
