"""A field value read from a licence, a page read (its fields and text), and the US date forms licences print."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kyc_local.vision.blocks import Text

_DIGITLIKE = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "S": "5", "B": "8",
                            "Z": "2"})
_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{4}|\d{2})(?!\d)")
_FULL_DATE = re.compile(r"(\d{2})\s*[/\-.]\s*(\d{2})\s*[/\-.]\s*(\d{4})(?!\d)")  # after a misread label: 'D0803/27/1964'
_COMPACT = re.compile(r"(?<!\d)(\d{8})(?!\d)")
TWO_DIGIT_PIVOT = 45  # a two-digit year up to this is 20YY, above it 19YY


@dataclass(frozen=True)
class Reading:
    """One field: its text as printed, confidence 0–100, and a normalised value (ISO date) when it has one."""

    text: str
    confidence: float
    normalized: str | None = None


@dataclass(frozen=True)
class Document:
    """One page read: its fields, and the text OCR read on it placed on the page (none on a page only the barcode
    reader looked at)."""

    fields: dict[str, Reading]
    lines: list[Text]


def parse_date(text: str, compact: bool = False) -> date | None:
    """A US date (MM/DD/YYYY, M/D/YY, MM-DD-YYYY) in `text`; with `compact`, also MMDDCCYY or CCYYMMDD."""
    fixed = text if _DATE.search(text) else _digits_in_dates(text)
    match = _DATE.search(fixed) or _FULL_DATE.search(fixed)
    if match:
        month, day, year = (int(part) for part in match.groups())
        if len(match.group(3)) == 2:
            year += 2000 if year <= TWO_DIGIT_PIVOT else 1900
        return _date(year, month, day)
    match = _COMPACT.search(fixed) if compact else None
    if match:
        digits = match.group(1)
        if int(digits[:4]) > 1231:  # CCYYMMDD (Canada, some older cards)
            return _date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        return _date(int(digits[4:]), int(digits[:2]), int(digits[2:4]))
    return None


def format_date(day: date) -> str:
    return day.strftime("%m/%d/%Y")


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _digits_in_dates(text: str) -> str:
    """OCR confusions (O for 0, I for 1, ...) fixed inside runs that look like dates."""
    like = "[0-9OoDQIl|SBZ]"
    pattern = rf"{like}{{1,2}}\s*[/\-.]\s*{like}{{1,2}}\s*[/\-.]\s*{like}{{2,4}}"
    return re.sub(pattern, lambda match: match.group(0).translate(_DIGITLIKE), text)
