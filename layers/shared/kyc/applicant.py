"""The applicant's details CSV: one header row, one data row, the eight DETAIL_FIELDS columns."""

from __future__ import annotations

import csv
import io
import unicodedata

from kyc.model import DETAIL_FIELDS, Details, Reason, Rejection

MAX_VALUE_CHARS = 200
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _invalid(detail: str) -> Rejection:
    return Rejection(Reason.CSV_INVALID, detail)


def _columns(names: list[str]) -> str:
    return ", ".join(repr(name[:40]) for name in names)


def parse_details(data: bytes) -> Details:
    """The eight fields, stripped, by DETAIL_FIELDS name; Rejection(CSV_INVALID) naming the rule (never a value)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _invalid("CSV must be UTF-8, not UTF-16")
    if b"\x00" in data:
        raise _invalid("CSV contains NUL bytes (UTF-16 or binary data)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _invalid("CSV is not valid UTF-8") from None
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline="")) if any(cell.strip() for cell in row)]
    except csv.Error:
        raise _invalid("CSV is malformed") from None
    if not rows:
        raise _invalid("CSV is empty")
    if len(rows) != 2:
        raise _invalid(f"CSV must have a header row and exactly one data row, found {len(rows) - 1} data rows")
    header = [name.strip().upper() for name in rows[0]]
    missing = [name for name in DETAIL_FIELDS if name not in header]
    if missing:  # first: a CSV without a header row must not have its values echoed as column names
        raise _invalid(f"missing columns: {', '.join(missing)}")
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise _invalid(f"duplicate columns: {_columns(duplicates)}")
    extra = [name for name in header if name not in DETAIL_FIELDS]
    if extra:
        raise _invalid(f"unexpected columns: {_columns(extra)}")
    values = rows[1]
    if len(values) != len(header):
        raise _invalid(f"data row has {len(values)} values for {len(header)} columns")
    row = dict(zip(header, values, strict=True))
    return {name: _value(name, row[name]) for name in DETAIL_FIELDS}


def _value(name: str, raw: str) -> str:
    value = raw.strip()
    if not value:
        raise _invalid(f"column {name} is empty")
    if len(value) > MAX_VALUE_CHARS:
        raise _invalid(f"column {name} exceeds {MAX_VALUE_CHARS} characters")
    if raw.lstrip(" ").startswith(FORMULA_PREFIXES):
        raise _invalid(f"column {name} starts like a spreadsheet formula")
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise _invalid(f"column {name} contains control characters")
    return value
