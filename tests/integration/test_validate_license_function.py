"""ValidateLicenseLambdaFunction driven by the API Gateway events in events/."""

from __future__ import annotations

import json

import pytest
from kyc.settings import get_settings

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
