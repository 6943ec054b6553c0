"""The details check: matching, expiry and age, with every applicable reason."""

from __future__ import annotations

import json
from datetime import date

import pytest
from kyc.document_checks import age_on, assess_license
from kyc.model import Check, FieldReading, IdDocument, Outcome, Reason

from tests.unit.builders import APPLICANT as DETAILS
from tests.unit.builders import FLOOR, LICENSE

TODAY = date(2025, 6, 15)


def assess(details=None, readings=None, drop=(), minimum_age=18):
    fields = {name: value for name, value in LICENSE.items() if name not in drop} | (readings or {})
    return assess_license(DETAILS | (details or {}), IdDocument(fields), TODAY, minimum_age, FLOOR)


def expiring(text: str, normalized: str | None = None, confidence: float = 90.0) -> dict:
    return {"EXPIRATION_DATE": FieldReading(text, confidence, normalized)}


@pytest.mark.parametrize(
    ("kwargs", "outcome", "reasons", "mismatched", "unreadable"),
    [
        ({}, Outcome.PASS, (), [], []),
        ({"details": {"LAST_NAME": "Simple"}}, Outcome.FAIL, (Reason.DETAILS_MISMATCH,), ["LAST_NAME"], []),
        (
            {"details": {"FIRST_NAME": "Jon", "ZIP_CODE_IN_ADDRESS": "17102"}},
            Outcome.FAIL,
            (Reason.DETAILS_MISMATCH,),
            ["FIRST_NAME", "ZIP_CODE_IN_ADDRESS"],
            [],
        ),
        ({"readings": expiring("06/14/2025")}, Outcome.FAIL, (Reason.LICENSE_EXPIRED,), [], []),
        ({"readings": expiring("06/15/2025")}, Outcome.PASS, (), [], []),
        ({"readings": expiring("xx", "2025-06-14T00:00:00")}, Outcome.FAIL, (Reason.LICENSE_EXPIRED,), [], []),
        (
            {"details": {"DATE_OF_BIRTH": "06/16/2007"}, "readings": {"DATE_OF_BIRTH": FieldReading("06/16/2007", 90)}},
            Outcome.FAIL,
            (Reason.UNDERAGE,),
            [],
            [],
        ),
        (
            {"details": {"DATE_OF_BIRTH": "06/15/2007"}, "readings": {"DATE_OF_BIRTH": FieldReading("06/15/2007", 90)}},
            Outcome.PASS,
            (),
            [],
            [],
        ),
        ({"drop": ["ADDRESS"]}, Outcome.UNDECIDED, (Reason.LICENSE_UNREADABLE,), [], ["ADDRESS"]),
        (
            {"readings": {"CITY_IN_ADDRESS": FieldReading("HARRISBURG", 10)}},
            Outcome.UNDECIDED,
            (Reason.LICENSE_UNREADABLE,),
            [],
            ["CITY_IN_ADDRESS"],
        ),
        ({"drop": ["EXPIRATION_DATE"]}, Outcome.UNDECIDED, (Reason.LICENSE_UNREADABLE,), [], ["EXPIRATION_DATE"]),
        (
            {"readings": expiring("01/07/2031", confidence=20)},
            Outcome.UNDECIDED,
            (Reason.LICENSE_UNREADABLE,),
            [],
            ["EXPIRATION_DATE"],
        ),
        ({"readings": expiring("NONE")}, Outcome.UNDECIDED, (Reason.LICENSE_UNREADABLE,), [], ["EXPIRATION_DATE"]),
        (
            {
                "details": {"LAST_NAME": "Simple", "DATE_OF_BIRTH": "01/01/2010"},
                "readings": expiring("01/01/2020") | {"DATE_OF_BIRTH": FieldReading("01/01/2010", 90)},
                "drop": ["ADDRESS"],
            },
            Outcome.FAIL,
            (Reason.DETAILS_MISMATCH, Reason.LICENSE_UNREADABLE, Reason.LICENSE_EXPIRED, Reason.UNDERAGE),
            ["LAST_NAME"],
            ["ADDRESS"],
        ),
    ],
    ids=[
        "all-good",
        "one-mismatch",
        "two-mismatches",
        "expired-yesterday",
        "expires-today",
        "expired-by-normalized-value",
        "one-day-short-of-18",
        "18-today",
        "address-not-returned",
        "city-low-confidence",
        "expiry-not-returned",
        "expiry-low-confidence",
        "expiry-unparseable",
        "everything-at-once",
    ],
)
def test_assess_license(kwargs, outcome, reasons, mismatched, unreadable):
    result = assess(**kwargs)
    assert result.check is Check.DETAILS
    assert (result.outcome, result.reasons) == (outcome, reasons)
    assert result.detail["mismatched"] == mismatched
    assert result.detail["unreadable"] == unreadable
    assert set(result.detail["fields"]) == set(DETAILS)


def test_minimum_age_is_configurable():
    assert assess(minimum_age=60).reasons == (Reason.UNDERAGE,)
    assert assess(minimum_age=21).outcome is Outcome.PASS


def test_the_detail_names_fields_but_holds_no_personal_values():
    details = {"FIRST_NAME": "Zebulon", "LAST_NAME": "Quartermaine", "DOCUMENT_NUMBER": "X77Q31"}
    result = assess(details=details)
    text = json.dumps(result.detail) + repr(result)
    for value in list(details.values()) + [reading.text for reading in LICENSE.values()]:
        assert value not in text


def test_the_evidence_keeps_for_staff_what_the_licence_says_and_the_forms_compared():
    evidence = assess(details={"FIRST_NAME": "Zebulon"}).evidence
    assert evidence["FIRST_NAME"] == {"licence_value": "JOHN", "applicant_form": "zebulon", "licence_form": "john"}
    assert set(evidence) == set(DETAILS)


@pytest.mark.parametrize(
    ("birth", "today", "age"),
    [
        (date(2000, 6, 15), date(2018, 6, 15), 18),
        (date(2000, 6, 16), date(2018, 6, 15), 17),
        (date(2000, 2, 29), date(2018, 2, 28), 17),
        (date(2000, 2, 29), date(2018, 3, 1), 18),
        (date(2030, 1, 1), date(2025, 1, 1), -5),
    ],
)
def test_age_on(birth, today, age):
    assert age_on(birth, today) == age
