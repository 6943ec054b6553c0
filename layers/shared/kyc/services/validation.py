"""ValidateLicenseLambdaFunction's use case: the mock third-party licence validator."""

from __future__ import annotations

import json
from typing import Any

from kyc.license_rules import validate_license
from kyc.model import ValidationResult
from kyc.settings import Settings
from kyc.states import state_code

MAX_BODY_CHARS = 4096  # a valid request takes about 120
MAX_NESTING = 4  # a valid request is one flat object
FIELDS = ("driver_license_id", "state", "validation_override")


class BadRequest(ValueError):
    """Malformed input: answered with HTTP 400 and this message (bounded, never the caller's own text)."""


def parse_body(body: str | None) -> dict[str, Any]:
    """The request's JSON object, parsed only once its size and nesting are within their budgets."""
    if not body:
        raise BadRequest("body must be a JSON object")
    if len(body) > MAX_BODY_CHARS:
        raise BadRequest(f"body exceeds {MAX_BODY_CHARS} characters")
    if _nests_deeper(body, MAX_NESTING):
        raise BadRequest(f"body nests deeper than {MAX_NESTING} levels")
    try:
        parsed = json.loads(body)
    except ValueError:
        raise BadRequest("body must be valid JSON") from None
    if not isinstance(parsed, dict):
        raise BadRequest("body must be a JSON object")
    return parsed


def _nests_deeper(text: str, limit: int) -> bool:
    """Whether JSON text opens more than `limit` arrays or objects inside one another (strings skipped)."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def validate_request(body: dict[str, Any], settings: Settings) -> ValidationResult:
    number = body.get("driver_license_id")
    if not isinstance(number, str) or not number.strip():
        raise BadRequest("driver_license_id is required and must be a non-empty string")
    if len(number) > 64:
        raise BadRequest("driver_license_id must be at most 64 characters")
    unknown = sum(1 for name in body if name not in FIELDS)
    if unknown:
        raise BadRequest(f"{unknown} unknown field(s); allowed: {', '.join(FIELDS)}")
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
