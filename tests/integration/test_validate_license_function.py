"""ValidateLicenseLambdaFunction driven by the API Gateway events in events/."""

from __future__ import annotations

import base64
import json

import pytest
from kyc.settings import get_settings

from tests.hostile.support import log_lines
from tests.integration.conftest import load_event
from tests.support.handlers import LambdaContext, handler_module

validate = handler_module("validate_license")


@pytest.fixture(autouse=True)
def settings(monkeypatch):
    monkeypatch.setenv("TEST_MODE", "false")
    monkeypatch.setenv("REVOKED_LICENSES", "D7654321, Y000-0000")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def call(event: dict) -> tuple[int, dict]:
    response = validate.lambda_handler(event, LambdaContext())
    return response["statusCode"], json.loads(response["body"])


def with_body(body) -> dict:
    event = load_event("api_license_valid.json")
    event["body"] = json.dumps(body)
    return event


def test_number_in_the_state_format_is_valid():
    status, body = call(load_event("api_license_valid.json"))
    assert status == 200 and body["valid"] is True and body["reason"]


def test_number_outside_the_state_format_is_invalid():
    status, body = call(load_event("api_license_invalid_format.json"))
    assert status == 200 and body["valid"] is False


def test_revoked_number_is_invalid():
    status, body = call(with_body({"driver_license_id": "D765-4321", "state": "CA"}))
    assert status == 200 and body == {"valid": False, "reason": body["reason"]} and "revoked" in body["reason"]


@pytest.mark.parametrize("event_name", ["api_license_malformed.json", "api_license_missing_id.json"])
def test_malformed_requests_get_400_with_a_message(event_name):
    status, body = call(load_event(event_name))
    assert status == 400 and body["message"]


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"driver_license_id": 5},
        {"driver_license_id": "D1", "state": "XX"},
        {"driver_license_id": "D1", "extra": 1},
        {"driver_license_id": "D" * 65},
    ],
)
def test_bad_fields_get_400(body):
    assert call(with_body(body))[0] == 400


def test_override_is_refused_outside_test_mode():
    status, body = call(with_body({"driver_license_id": "D1234567", "validation_override": False}))
    assert status == 400 and "test mode" in body["message"]


def test_override_is_honoured_in_test_mode(monkeypatch):
    monkeypatch.setenv("TEST_MODE", "true")
    get_settings.cache_clear()
    status, body = call(with_body({"driver_license_id": "D1234567", "state": "CA", "validation_override": False}))
    assert status == 200 and body["valid"] is False


def raw_body(text: str) -> dict:
    event = load_event("api_license_valid.json")
    event["body"] = text
    return event


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "body exceeds 4096 characters"),
        ("[" * 2000 + "]" * 2000, "body nests deeper than 4 levels"),
        ('{"driver_license_id": ' + "[" * 5 + "]" * 5 + "}", "body nests deeper than 4 levels"),
        ('{"a": "' + "[" * 3000 + '", "driver_license_id": "D1234567"}', "1 unknown field(s)"),  # brackets in a string
        ('{"x": ' * 500 + "1" + "}" * 500, "body nests deeper than 4 levels"),
        ("", "body must be a JSON object"),
        ("not json", "body must be valid JSON"),
    ],
    ids=["huge", "deep-arrays", "deep-field", "brackets-in-a-string", "deep-objects", "empty", "not-json"],
)
def test_oversized_or_deeply_nested_bodies_get_a_bounded_400(text, message):
    with log_lines() as logs:
        status, body = call(raw_body(text))
    assert status == 400 and body["message"].startswith(message)
    assert len(logs.getvalue()) < 4096


def test_unknown_field_names_are_counted_never_echoed():
    fields = {f"URGENT-call-1-800-555-{n:04d}": 1 for n in range(60)}
    with log_lines() as logs:
        status, body = call(with_body({"driver_license_id": "D1234567", **fields}))
    assert status == 400
    assert body["message"] == "60 unknown field(s); allowed: driver_license_id, state, validation_override"
    assert "URGENT" not in logs.getvalue()


def test_two_hundred_thousand_unknown_fields_are_refused_by_size():
    event = with_body({f"k{n}": 1 for n in range(200_000)})
    with log_lines() as logs:
        status, body = call(event)
    assert status == 400 and body == {"message": "body exceeds 4096 characters"}
    assert len(logs.getvalue()) < 4096


def test_a_base64_body_is_decoded_first():
    event = load_event("api_license_valid.json")
    event["body"], event["isBase64Encoded"] = base64.b64encode(event["body"].encode()).decode(), True
    assert call(event)[0] == 200
    event["body"] = "%%% not base64"
    assert call(event) == (400, {"message": "body must be valid JSON"})
