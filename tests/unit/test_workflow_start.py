"""Execution names for part 2: one per upload (key and ETag), always a valid Step Functions name."""

from __future__ import annotations

import re

import pytest
from kyc.services.workflow_start import execution_name

ETAG = "b1946ac92492d2347c6235b4d2611184"
VALID = re.compile(r"[A-Za-z0-9_-]{1,80}")


def test_an_application_upload_is_named_by_its_app_id_and_etag():
    assert execution_name("zipped/8d247914.zip", ETAG) == f"8d247914-{ETAG}"
    assert execution_name("zipped/a-b_C9.zip", f"{ETAG}-3") == f"a-b_C9-{ETAG}-3"  # a multipart upload's ETag


@pytest.mark.parametrize(
    "key",
    [
        "zipped/" + "x" * 64 + ".zip",  # the longest app id: 64 + 1 + 32 characters
        "zipped/odd name+1.zip",
        "zipped/sub/dir/a.zip",
        "zipped/ünïcödé.zip",
        "zipped/../escape.zip",
        "zipped/.zip",
    ],
)
def test_any_other_key_gets_a_valid_name_that_tells_uploads_apart(key):
    name = execution_name(key, ETAG)
    assert VALID.fullmatch(name)
    assert name != execution_name(key, ETAG.replace("b", "c"))
    assert name == execution_name(key, ETAG)


def test_keys_that_differ_only_in_unsafe_characters_get_different_names():
    names = {execution_name(key, ETAG) for key in ("zipped/a b.zip", "zipped/a_b.zip", "zipped/a+b.zip", "zipped/a.b")}
    assert len(names) == 4
