"""kyc_local.moto_patch projects an item from one plain copy of it: the same projection as moto's own, nested paths
and missing attributes included."""

from __future__ import annotations

from moto.dynamodb.models.dynamo_type import Item

from kyc_local import moto_patch

ATTRS = {
    "APP_UUID": {"S": "a1"}, "QUEUE": {"S": "review"}, "REASONS": {"L": [{"S": "FACE_UNCERTAIN"}]},
    "ATTEMPT": {"N": "2"}, "DETAILS_REPORT": {"M": {"ZIP": {"M": {"match": {"BOOL": False}, "rule": {"S": "zip5"}}}}},
}
EXPRESSIONS = [["APP_UUID"], ["QUEUE"], ["REASONS"], ["ATTEMPT"], ["ASSIGNEE"], ["DETAILS_REPORT", "ZIP", "rule"]]


def test_an_item_projects_as_moto_projects_it():
    item = Item(hash_key={"S": "a1"}, range_key=None, attrs=ATTRS)
    ours = moto_patch._project_once(item, EXPRESSIONS)
    theirs = moto_patch._ORIGINALS["project"](item, EXPRESSIONS)
    assert ours.to_json() == theirs.to_json()
    assert set(ours.attrs) == {"APP_UUID", "QUEUE", "REASONS", "ATTEMPT", "DETAILS_REPORT"}
    assert ours.to_regular_json()["DETAILS_REPORT"] == {"ZIP": {"rule": "zip5"}}
