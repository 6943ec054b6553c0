"""Results that explain themselves: each check's deciding figures from the record as DynamoDB returns it."""

from __future__ import annotations

import json

from kyc.adapters.dynamodb_schema import result_attributes, to_dynamo
from kyc.model import Check, CheckResult, Outcome, Reason

from kyc_local.results import _result, render_json, render_table

FACE = CheckResult(Check.FACE, Outcome.FAIL, (Reason.SELFIE_MISMATCH,),
                   {"similarity": 12.5, "pass_threshold": 97.5, "fail_threshold": 70.0, "faces_in_selfie": 1})
DETAILS = CheckResult(Check.DETAILS, Outcome.UNDECIDED, (Reason.LICENSE_UNREADABLE,), {
    "fields": {"FIRST_NAME": {"match": True, "rule": "name", "confidence": 99.0},
               "ADDRESS": {"match": None, "rule": "below_confidence_floor", "confidence": 41.0}},
    "mismatched": [], "unreadable": ["ADDRESS"],
})


def typed_item(status: str, *results: CheckResult, **extra: object) -> dict:
    """The item as GetItem returns it (typed values, numbers as strings)."""
    item: dict = {"APP_UUID": "8d247914", "APPLICATION_STATUS": status, "REASONS": ["SELFIE_MISMATCH"],
                  "FIRST_NAME": "Qxmarker", **extra}
    for result in results:
        item |= result_attributes(result)
    return {name: to_dynamo(value) for name, value in item.items()}


def test_json_carries_each_checks_figures_and_per_field_verdicts_never_values():
    result = _result("8d247914", typed_item("REVIEW", FACE, DETAILS))
    (shown,) = json.loads(render_json([result]))
    assert shown["explained"]["LICENSE_SELFIE_MATCH"] == {
        "outcome": "FAIL", "reasons": ["SELFIE_MISMATCH"], "similarity": 12.5, "pass_threshold": 97.5,
        "fail_threshold": 70, "faces_in_selfie": 1}
    assert shown["explained"]["LICENSE_DETAILS_MATCH"]["fields"] == {
        "FIRST_NAME": {"match": True, "rule": "name"}, "ADDRESS": {"match": None, "rule": "below_confidence_floor"}}
    assert "Qxmarker" not in json.dumps(shown)


def test_the_table_explains_why_in_words():
    table = render_table([_result("8d247914", typed_item("REVIEW", FACE, DETAILS))])
    assert "8d247914: face: FAIL (SELFIE_MISMATCH), similarity 12.5 (pass at >= 97.5, fail below 70)" in table
    assert "details: UNDECIDED (LICENSE_UNREADABLE), ADDRESS unreadable (below_confidence_floor)" in table


def test_a_rejected_bundle_shows_its_detail():
    item = typed_item("REJECTED", STATUS_DETAIL="missing columns: ADDRESS", ATTEMPT=2)
    result = _result("8d247914", item)
    assert (result.status_detail, result.attempt) == ("missing columns: ADDRESS", 2)
    assert "8d247914: status detail: missing columns: ADDRESS" in render_table([result])
