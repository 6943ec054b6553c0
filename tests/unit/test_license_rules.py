"""The mock validator's rule: per-state licence-number formats and the revoked list.

The formats are checked against their public source (tests/unit/data/license_formats.json: adambullmer/USDLRegex's
rules and its own valid and invalid examples, commit and files noted there).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from kyc.license_rules import LICENSE_FORMATS, example_license_number, normalize_license_number, validate_license
from kyc.model import ValidationResult
from kyc.states import STATE_NAMES

NONE_REVOKED: frozenset[str] = frozenset()
SOURCE = json.loads((Path(__file__).parent / "data" / "license_formats.json").read_text())["jurisdictions"]


def test_every_state_and_dc_has_a_format_and_source_examples():
    assert set(LICENSE_FORMATS) == set(STATE_NAMES) == set(SOURCE)
    assert len(LICENSE_FORMATS) == 51
    assert all(entry["valid"] and entry["invalid"] for entry in SOURCE.values())


@pytest.mark.parametrize("state", sorted(SOURCE))
def test_the_source_examples_decide_as_the_source_says(state):
    for number in SOURCE[state]["valid"]:
        assert validate_license(number, state, NONE_REVOKED) == ValidationResult(True, f"format matches {state}")
    for number in SOURCE[state]["invalid"]:
        assert validate_license(number, state, NONE_REVOKED) == ValidationResult(
            False, f"format does not match {state}"
        )


def _shaped_numbers(rng: random.Random) -> list[str]:
    """Runs of letters, digits and '*' of every length to 20: the shapes licence formats are made of."""
    numbers = []
    for length in range(1, 21):
        for _ in range(150):
            number = ""
            while len(number) < length:
                alphabet = rng.choice(("ABIORXZ", "0123456789", "*"))
                number += "".join(rng.choices(alphabet, k=rng.randint(1, length - len(number))))
            numbers.append(number)
    return numbers


# issue 21 said the source accepts these; its rules decide them (MD, MT and OR: no; WA: yes)
ISSUE_21 = {"MD": "MD12345678901", "MT": "ABC1234567890", "OR": "C123456", "WA": "SMITH**JD123"}


@pytest.mark.parametrize("state", sorted(SOURCE))
def test_the_format_agrees_with_the_source_rule_beyond_its_examples(state):
    rule = re.compile(SOURCE[state]["rule"])
    numbers = _shaped_numbers(random.Random(state)) + [number for entry in SOURCE.values() for number in entry["valid"]]
    numbers += list(ISSUE_21.values())
    disagreements = [n for n in numbers if bool(rule.search(n)) != validate_license(n, state, NONE_REVOKED).valid]
    assert disagreements == []


@pytest.mark.parametrize(("state", "number"), sorted(ISSUE_21.items()))
def test_issue_21_numbers_as_the_source_decides_them(state, number):
    assert validate_license(number, state, NONE_REVOKED).valid is (state == "WA")


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
        ("a123-4567", "California", True),
        ("AB123456", "CA", False),
        ("ABCDEFGH", "NY", True),
        ("A 123 456 789 012", "FL", True),
        ("WDLABCD456DG", "WA", True),
        ("WDL-ABC-D456-DG", "WA", True),
        ("WDLABCD456D", "WA", False),
        ("lee**jd-123ab", "WA", True),
        ("LEEJD123AB", "WA", False),
        ("LEE**JD123AB", "OR", False),
        ("12ABC34567", "NH", True),
        ("K01AB1234", "KS", False),
        ("K1A2B", "KS", True),
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
