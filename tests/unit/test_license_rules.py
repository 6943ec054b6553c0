"""The mock validator's rule: per-state licence-number formats and the revoked list."""

from __future__ import annotations

import random

import pytest
from kyc.license_rules import LICENSE_FORMATS, example_license_number, normalize_license_number, validate_license
from kyc.model import ValidationResult
from kyc.states import STATE_NAMES

NONE_REVOKED: frozenset[str] = frozenset()


def test_every_state_and_dc_has_a_format():
    assert set(LICENSE_FORMATS) == set(STATE_NAMES)
    assert len(LICENSE_FORMATS) == 51


@pytest.mark.parametrize("state", sorted(STATE_NAMES))
def test_examples_validate_for_their_state_and_for_no_state(state):
    rng = random.Random(state)
    for _ in range(40):
        number = example_license_number(state, rng)
        assert number == normalize_license_number(number)
        assert validate_license(number, state, NONE_REVOKED) == ValidationResult(True, f"format matches {state}")
        assert validate_license(number, None, NONE_REVOKED).valid


@pytest.mark.parametrize("state", sorted(STATE_NAMES))
def test_numbers_no_state_issues_are_invalid_for_every_state(state):
    for number in ("1" * 20, "A" * 20, "", "A1B2C3D4E5F6G7H8"):
        assert validate_license(number, state, NONE_REVOKED) == ValidationResult(
            False, f"format does not match {state}"
        )


@pytest.mark.parametrize(
    ("number", "state", "valid"),
    [
        ("A1234567", "CA", True),
        ("a123-4567", "California", True),
        ("12345678", "CA", False),
        ("A12345678", "CA", False),
        ("AB123456", "CA", False),
        ("123456789", "NY", True),
        ("A1234567", "NY", True),
        ("ABCDEFGH", "NY", True),
        ("1234567", "NY", False),
        ("A123456789012", "FL", True),
        ("A 123 456 789 012", "FL", True),
        ("A12345678901", "FL", False),
        ("12345678", "TX", True),
        ("1234567", "TX", True),
        ("123456789", "TX", False),
        ("WDLABCD456DG", "WA", True),
        ("WDL-ABC-D456-DG", "WA", True),
        ("WDLABCD456D", "WA", False),
        ("12345678", "PA", True),
        ("A12345678901234", "NJ", True),
        ("A123456789012", "WI", False),
        ("A1234567890123", "WI", True),
        ("12ABC34567", "NH", True),
        ("X12345678", "NV", True),
        ("1234567A", "VT", True),
        ("1234567B", "VT", False),
        ("K01AB1234", "KS", False),
        ("K1A2B", "KS", True),
        ("123456789", "DC", True),
        ("12345678", "DC", False),
    ],
)
def test_known_formats(number, state, valid):
    assert validate_license(number, state, NONE_REVOKED).valid is valid


@pytest.mark.parametrize(
    ("number", "state", "expected"),
    [
        ("A1234567", "CA", ValidationResult(True, "format matches CA")),
        ("12345678", "ca", ValidationResult(False, "format does not match CA")),
        ("A1234567", "Atlantis", ValidationResult(False, "unknown state")),
        ("A123456789012", None, ValidationResult(True, "format matches FL, IL, MD and 2 more")),
        ("A1234567890123", None, ValidationResult(True, "format matches WI")),
        ("123456789", None, ValidationResult(True, "format matches AR, AZ, CO and 27 more")),
        ("Q" * 30, None, ValidationResult(False, "no state format matches")),
        ("", None, ValidationResult(False, "no state format matches")),
    ],
)
def test_reasons_are_short_stable_strings(number, state, expected):
    assert validate_license(number, state, NONE_REVOKED) == expected


@pytest.mark.parametrize(("number", "state"), [("A1234567", "CA"), ("a123 4567", None), ("A-123-4567", "NY")])
def test_revoked_numbers_are_invalid_whatever_their_spelling(number, state):
    revoked = frozenset({"A1234567", "B7654321"})
    assert validate_license(number, state, revoked) == ValidationResult(False, "revoked")


def test_revoked_list_entries_are_normalised_too():
    assert validate_license("A1234567", "CA", frozenset({"a-123-4567"})) == ValidationResult(False, "revoked")


@pytest.mark.parametrize(
    ("raw", "normalized"), [("d123-456 789", "D123456789"), (" WDL*ABC*D456DG ", "WDLABCD456DG"), ("—", "")]
)
def test_normalize_license_number(raw, normalized):
    assert normalize_license_number(raw) == normalized


def test_example_for_an_unknown_state_is_refused():
    with pytest.raises(ValueError, match="unknown state"):
        example_license_number("Atlantis", random.Random(0))


def test_examples_accept_full_state_names():
    number = example_license_number("New Hampshire", random.Random(1))
    assert validate_license(number, "NH", NONE_REVOKED).valid
