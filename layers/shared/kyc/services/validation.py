"""ValidateLicenseLambdaFunction's use case: the mock third-party licence validator."""

from __future__ import annotations

from typing import Any

from kyc.license_rules import validate_license
from kyc.model import ValidationResult
from kyc.settings import Settings
from kyc.states import state_code


class BadRequest(ValueError):
    """Malformed input: answered with HTTP 400 and this message."""


def validate_request(body: Any, settings: Settings) -> ValidationResult:
    if not isinstance(body, dict):
        raise BadRequest("body must be a JSON object")
    number = body.get("driver_license_id")
    if not isinstance(number, str) or not number.strip():
        raise BadRequest("driver_license_id is required and must be a non-empty string")
    if len(number) > 64:
        raise BadRequest("driver_license_id must be at most 64 characters")
    unknown = set(body) - {"driver_license_id", "state", "validation_override"}
    if unknown:
        raise BadRequest(f"unknown fields: {', '.join(sorted(unknown))}")
    state = body.get("state")
    if state is not None and (not isinstance(state, str) or state_code(state) is None):
        raise BadRequest("state must be a US state code or name")
    override = body.get("validation_override")
    if override is not None:
        if not isinstance(override, bool):
            raise BadRequest("validation_override must be a boolean")
        if not settings.test_mode:
            raise BadRequest("validation_override is only accepted when the stack runs in test mode")
        return ValidationResult(valid=override, reason="validation_override")
    return validate_license(number, state_code(state) if state else None, settings.revoked_licenses)
