"""The item schema is the DynamoDB adapter's alone: no other module of the core or the handlers names an attribute."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "layers" / "shared" / "kyc"
SCHEMA_OWNERS = (CORE / "adapters" / "dynamodb.py", CORE / "adapters" / "dynamodb_schema.py")
ITEM_ONLY = (
    "APP_UUID", "BUNDLE_ETAG", "APPLICATION_STATUS", "REASONS", "CREATED_AT", "UPDATED_AT", "EXPIRES_AT",
    "LEASE_UNTIL", "VALIDATION_LEASE_UNTIL", "MARKERS", "STATUS_DETAIL", "FACE_SIMILARITY", "DETAILS_REPORT",
)  # fmt: skip
NAMED = re.compile("[\"'](?:" + "|".join(ITEM_ONLY) + "|[A-Z_]+_RESULT)[\"']")


def sources() -> list[Path]:
    return sorted([*CORE.rglob("*.py"), *(ROOT / "functions").rglob("*.py")])


def test_no_module_but_the_adapter_names_an_item_attribute():
    named = {
        f"{path.relative_to(ROOT)}:{number}": line.strip()
        for path in sources()
        if path not in SCHEMA_OWNERS
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if NAMED.search(line)
    }
    assert named == {}


def test_the_adapter_is_where_the_names_are():
    """The check above reads the right files: the schema owner does name them."""
    text = "".join(path.read_text() for path in SCHEMA_OWNERS)
    assert all(f'"{name}"' in text or f"{name}" in text for name in ITEM_ONLY)
    assert len(sources()) > 30
