"""The applicant's details CSV: one header row, one data row, the eight DETAIL_FIELDS columns.

Budgets (bytes, records, columns) are checked before the work they bound; details name the rule and the column
(one of the eight fixed names), never a value or a header name the uploader wrote.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections import Counter

from kyc.matching import parse_date
from kyc.model import DETAIL_FIELDS, Details, Reason, Rejection

MAX_CSV_BYTES = 32 * 1024  # eight values of 200 characters take at most 13 KB
MAX_CSV_RECORDS = 64  # blank records included
MAX_COLUMNS = 32
MAX_VALUE_CHARS = 200
FORMULA_PREFIXES = ("=", "+", "-", "@")
_HIDDEN_CATEGORIES = frozenset({"Cf", "Co", "Cn", "Zl", "Zp"})  # format (bidi, zero-width), private, unassigned
_INVISIBLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u2800\u3164\uffa0"  # fillers and blanks outside Cf
    + "".join(map(chr, range(0xFE00, 0xFE10)))  # variation selectors
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)


def _invalid(detail: str) -> Rejection:
    return Rejection(Reason.CSV_INVALID, detail)


def parse_details(data: bytes) -> Details:
    """The eight fields, stripped, by DETAIL_FIELDS name; Rejection(CSV_INVALID) naming the rule (never a value)."""
    if len(data) > MAX_CSV_BYTES:
        raise _invalid(f"CSV exceeds {MAX_CSV_BYTES // 1024} KB")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _invalid("CSV must be UTF-8, not UTF-16")
    if b"\x00" in data:
        raise _invalid("CSV contains NUL bytes (UTF-16 or binary data)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _invalid("CSV is not valid UTF-8") from None
    header_row, values = _two_rows(text)
    header = [name.strip().upper() for name in header_row]
    if len(header) > MAX_COLUMNS:
        raise _invalid(f"header has more than {MAX_COLUMNS} columns")
    missing = [name for name in DETAIL_FIELDS if name not in header]
    if missing:  # first: a CSV without a header row must not have its values echoed as column names
        raise _invalid(f"missing columns: {', '.join(missing)}")
    counts = Counter(header)
    duplicates = [name for name in DETAIL_FIELDS if counts[name] > 1]
    if duplicates:
        raise _invalid(f"duplicate columns: {', '.join(duplicates)}")
    if len(header) > len(DETAIL_FIELDS):
        raise _invalid(f"header: {len(header) - len(DETAIL_FIELDS)} unknown column(s)")
    if len(values) != len(header):
        raise _invalid(f"data row has {len(values)} values for {len(header)} columns")
    row = dict(zip(header, values, strict=True))
    return {name: _value(name, row[name]) for name in DETAIL_FIELDS}


def _two_rows(text: str) -> tuple[list[str], list[str]]:
    """The header and the data row; blank records are skipped, reading stops at the first record too many."""
    rows: list[list[str]] = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), 1):
            if number > MAX_CSV_RECORDS:
                raise _invalid(f"CSV has more than {MAX_CSV_RECORDS} records")
            if any(cell.strip() for cell in row):
                rows.append(row)
            if len(rows) > 2:
                raise _invalid("CSV must have a header row and exactly one data row, found more than one data row")
    except csv.Error:
        raise _invalid("CSV is malformed") from None
    if not rows:
        raise _invalid("CSV is empty")
    if len(rows) == 1:
        raise _invalid("CSV must have a header row and exactly one data row, found 0 data rows")
    return rows[0], rows[1]


def _value(name: str, raw: str) -> str:
    """The value as stored: stripped of every Unicode whitespace, and checked as stored."""
    value = raw.strip()
    if not value:
        raise _invalid(f"column {name} is empty")
    if len(value) > MAX_VALUE_CHARS:
        raise _invalid(f"column {name} exceeds {MAX_VALUE_CHARS} characters")
    if any(char in _INVISIBLE or unicodedata.category(char) in _HIDDEN_CATEGORIES for char in value):
        raise _invalid(f"column {name} contains invisible or bidirectional characters")
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise _invalid(f"column {name} contains control characters")
    if unicodedata.normalize("NFKC", value[0]).startswith(FORMULA_PREFIXES):  # full-width '＝' too
        raise _invalid(f"column {name} starts like a spreadsheet formula")
    if name == "DATE_OF_BIRTH" and parse_date(value) is None:
        raise _invalid(f"column {name} is not a date (e.g. 05/01/1982, 1982-05-01, 1 May 1982 or May 1, 1982)")
    return value
