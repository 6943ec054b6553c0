"""Details matching: each CSV field against what AnalyzeID read from the licence, by a rule per field.

The report says, per field, whether it matched (True/False), or None when the licence value is unreadable: not
returned, below the confidence floor, or not parseable. An unreadable field is never a mismatch. For the review
console it also keeps the licence's value as read and the normalised forms the rule compared: personal values, kept
in the application record only (never in a log, message, event or Step Functions output).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from scourgify.address_constants import (  # type: ignore[import-untyped]
    DIRECTIONAL_REPLACEMENTS,
    OCCUPANCY_TYPE_ABBREVIATIONS,
    STREET_TYPE_ABBREVIATIONS,
)

from kyc.license_rules import normalize_license_number
from kyc.model import DETAIL_FIELDS, Details, FieldReading, IdDocument
from kyc.states import STATE_NAMES, state_code

NOT_RETURNED = "not_returned"
BELOW_CONFIDENCE_FLOOR = "below_confidence_floor"
UNPARSEABLE = "unparseable"

_UNIT = "#"


def _single_words(table: dict[str, str]) -> dict[str, str]:
    return {key.casefold(): value.casefold() for key, value in table.items() if key.isalpha()}


_ADDRESS_WORDS = {
    # USPS Publication 28 as usaddress-scourgify tabulates it: street suffixes (Appendix C1, every listed spelling),
    # secondary unit designators (C2) and directionals; one-word entries, as addresses are compared word by word
    **_single_words(STREET_TYPE_ABBREVIATIONS),
    **_single_words(OCCUPANCY_TYPE_ABBREVIATIONS),
    **_single_words(DIRECTIONAL_REPLACEMENTS),
    "saint": "st",
    # unit markers: all one marker, so `Apt 4`, `Unit 4`, `Suite 4` and `#4` compare equal
    **dict.fromkeys(("apartment", "apt", "unit", "suite", "ste"), _UNIT),
    # ordinal street names
    "first": "1st",
    "second": "2nd",
    "third": "3rd",
    "fourth": "4th",
    "fifth": "5th",
    "sixth": "6th",
    "seventh": "7th",
    "eighth": "8th",
    "ninth": "9th",
    "tenth": "10th",
}
_CITY_WORDS = {"saint": "st", "fort": "ft", "mount": "mt"}
_ISO_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:T.*)?")
_US_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
_DAY = r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?"
_MONTH = r"(?P<month>[a-z]{3,9})\.?"
_YEAR = r"(?P<year>[0-9]{4})"
_WRITTEN_DATES = (  # as printed: 01 MAY 1982, 1-May-1982, 01MAY1982, 1st May, 1982; May 1, 1982, MAY-01-1982
    re.compile(rf"{_DAY}[\s./-]*{_MONTH},?[\s./-]*{_YEAR}", re.IGNORECASE | re.ASCII),
    re.compile(rf"{_MONTH}[\s./-]*{_DAY}(?:,\s*|[\s./-]+){_YEAR}", re.IGNORECASE | re.ASCII),
)


def words(text: str) -> list[str]:
    """Casefolded words with accents stripped; punctuation splits words, `#` is a word of its own."""
    decomposed = unicodedata.normalize("NFKD", text.replace("#", " # "))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return re.findall(r"#|[^\W_]+", plain)


def name_key(text: str) -> str:
    return "".join(words(text))


def parse_date(text: str) -> date | None:
    """A date from MM/DD/YYYY, M/D/YYYY (also with '-' or '.'), YYYY-MM-DD, ISO date-time, or written with the
    month's name or abbreviation and a four-digit year (`01 MAY 1982`, `May 1, 1982`); None otherwise."""
    text = text.strip()
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
    elif match := _US_DATE.fullmatch(text):
        month, day, year = match.groups()
    elif written := next((found for pattern in _WRITTEN_DATES if (found := pattern.fullmatch(text))), None):
        year, day = written["year"], written["day"]
        month = str(_MONTHS.get(written["month"].lower(), 0))
    else:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def reading_date(reading: FieldReading) -> date | None:
    """A licence date: AnalyzeID's NormalizedValue when present and parseable, else the printed text."""
    return (reading.normalized and parse_date(reading.normalized)) or parse_date(reading.text)


def zip5(text: str) -> str | None:
    """The five-digit ZIP of a ZIP, ZIP+4 or 9-digit ZIP (leading zeros kept); None when not a ZIP."""
    digits = re.sub(r"\D", "", text)
    return digits[:5] if len(digits) in (5, 9) else None


MAX_SHOWN = 200  # characters of a value or form kept for the console (a CSV value is at most 200)


@dataclass(frozen=True)
class Compared:
    """A rule's verdict and the normalised forms it compared (the licence's alternatives joined by " | ")."""

    match: bool | None
    applicant: str
    licence: str


def _shown(value: object) -> str:
    return "" if value is None else str(value)[:MAX_SHOWN]


def _equal(csv_value: object, licence_value: object) -> Compared:
    match = None if not licence_value else csv_value == licence_value
    return Compared(match, _shown(csv_value), _shown(licence_value))


def _among(applicant: str, candidates: list[str]) -> Compared:
    """The applicant's form against the licence's accepted forms (empty: unreadable)."""
    accepted = list(dict.fromkeys(candidate for candidate in candidates if candidate))
    if not accepted:
        return Compared(None, _shown(applicant), "")
    match = applicant in accepted
    return Compared(match, _shown(applicant), _shown(applicant if match else " | ".join(accepted)))


def _first_name(value: str, reading: FieldReading, document: IdDocument, details: Details) -> Compared:
    licence = words(reading.text)
    if not licence:
        return _among(name_key(value), [])
    middle = document.get("MIDDLE_NAME")
    candidates = ["".join(licence), licence[0], "".join(licence + (words(middle.text) if middle else []))]
    return _among(name_key(value), candidates)


def _last_name(value: str, reading: FieldReading, document: IdDocument, details: Details) -> Compared:
    licence = name_key(reading.text)
    suffix = document.get("SUFFIX")
    candidates = [licence, licence + (name_key(suffix.text) if suffix else "")] if licence else []
    return _among(name_key(value), candidates)


def _city_key(text: str) -> str:
    return "".join(_CITY_WORDS.get(word, word) for word in words(text))


def _city(value: str, reading: FieldReading, document: IdDocument, details: Details) -> Compared:
    return _equal(_city_key(value), _city_key(reading.text))


def _zip(value: str, reading: FieldReading, document: IdDocument, details: Details) -> Compared:
    return _equal(zip5(value), zip5(reading.text))


def _state(value: str, reading: FieldReading, document: IdDocument, details: Details) -> Compared:
    return _equal(state_code(value), state_code(reading.text))


_LOOK_ALIKE = str.maketrans("OQDILZSB", "00011258")
"""Characters a card's font and OCR confuse (O/Q/D and 0, I/L and 1, Z and 2, S and 5, B and 8): a licence number
read from a photo is compared with them folded, so a 0 read as O is not a mismatch (the validator checks the number
itself)."""


def document_number_key(number: str) -> str:
    """A licence number as it is compared: letters and digits, upper case, look-alikes folded."""
    return normalize_license_number(number).translate(_LOOK_ALIKE)


def _document_number(value: str, reading: FieldReading, document: IdDocument, details: Details) -> Compared:
    return _equal(document_number_key(value), document_number_key(reading.text))


def _date_of_birth(value: str, reading: FieldReading, document: IdDocument, details: Details) -> Compared:
    return _equal(parse_date(value), reading_date(reading))


def _address(value: str, reading: FieldReading, document: IdDocument, details: Details) -> Compared:
    """The street line: either side may carry city, state and ZIP after it, which are set aside when known.
    The forms shown: the longest key both sides share, else each side's street line alone (its shortest key)."""
    context = _AddressContext(details, document)
    licence, applicant = context.street_keys(reading.text), context.street_keys(value)
    shortest = min(applicant, key=lambda key: (len(key), key), default="")
    if not licence:
        return Compared(None, _shown(shortest), "")
    if common := licence & applicant:
        shared = max(common, key=lambda key: (len(key), key))
        return Compared(True, _shown(shared), _shown(shared))
    return Compared(False, _shown(shortest), _shown(min(licence, key=lambda key: (len(key), key))))


class _AddressContext:
    """The known city, state and ZIP values (CSV and licence) that may trail an address."""

    def __init__(self, details: Details, document: IdDocument):
        def texts(field: str) -> list[str]:
            reading = document.get(field)
            return [details.get(field, "")] + ([reading.text] if reading else [])

        self.zips = {code for text in texts("ZIP_CODE_IN_ADDRESS") if (code := zip5(text))}
        codes = {code for text in texts("STATE_IN_ADDRESS") if (code := state_code(text))}
        self.states = [[code.lower()] for code in codes] + [words(STATE_NAMES[code]) for code in codes]
        self.cities = [city for text in texts("CITY_IN_ADDRESS") if (city := words(text))]

    def street_keys(self, text: str) -> set[str]:
        """The address key, and the keys left after each known trailing part (ZIP, state, city) is removed."""
        tokens = words(text)
        keys = {_address_key(tokens)}
        if tokens and tokens[-1] == "usa":
            tokens = tokens[:-1]
        if len(tokens) > 1 and len(tokens[-1]) == 4 and tokens[-1].isdigit() and tokens[-2] in self.zips:
            tokens = tokens[:-2]  # ZIP+4 written 12345-6789
        elif tokens and len(tokens[-1]) in (5, 9) and tokens[-1][:5] in self.zips and tokens[-1].isdigit():
            tokens = tokens[:-1]
        for parts in (self.states, self.cities):
            keys.add(_address_key(tokens))
            tail = next((part for part in parts if len(part) < len(tokens) and tokens[-len(part) :] == part), None)
            if tail:
                tokens = tokens[: -len(tail)]
        keys.add(_address_key(tokens))
        return keys - {""}


def _address_key(tokens: list[str]) -> str:
    mapped = [_ADDRESS_WORDS.get(token, token) for token in tokens]
    return "".join(token for i, token in enumerate(mapped) if not (token == _UNIT and mapped[i - 1 : i] == [_UNIT]))


Comparator = Callable[[str, FieldReading, IdDocument, Details], Compared]
RULES: dict[str, tuple[str, Comparator]] = {
    "FIRST_NAME": ("name", _first_name),
    "LAST_NAME": ("name", _last_name),
    "CITY_IN_ADDRESS": ("city", _city),
    "ZIP_CODE_IN_ADDRESS": ("zip5", _zip),
    "STATE_IN_ADDRESS": ("state_code", _state),
    "DOCUMENT_NUMBER": ("alphanumeric", _document_number),
    "DATE_OF_BIRTH": ("date", _date_of_birth),
    "ADDRESS": ("usps_street", _address),
}


def readable(document: IdDocument, field: str, confidence_floor: float) -> FieldReading | None:
    """The licence reading of a field when it was returned at or above the confidence floor."""
    reading = document.get(field)
    return reading if reading and reading.confidence >= confidence_floor else None


def compare_details(details: Details, document: IdDocument, confidence_floor: float) -> dict[str, dict[str, Any]]:
    """{FIELD: {"match": bool | None, "rule": str, "confidence": float | None, ...}} for the eight fields.

    `rule` names the comparison applied, or why the field is unreadable (not_returned, below_confidence_floor,
    unparseable) when `match` is None. With a reading, `licence_value` is its text as read; when the rule ran,
    `applicant_form` and `licence_form` are the normalised forms it compared. Personal values: the record only.
    """
    report: dict[str, dict[str, Any]] = {}
    for field in DETAIL_FIELDS:
        reading = document.get(field)
        entry: dict[str, Any] = {"confidence": float(reading.confidence) if reading else None}
        if reading is None:
            entry |= {"match": None, "rule": NOT_RETURNED}
        elif reading.confidence < confidence_floor:
            entry |= {"match": None, "rule": BELOW_CONFIDENCE_FLOOR, "licence_value": _shown(reading.text)}
        else:
            rule, compare = RULES[field]
            compared = compare(details.get(field, ""), reading, document, details)
            entry |= {
                "match": compared.match, "rule": rule if compared.match is not None else UNPARSEABLE,
                "licence_value": _shown(reading.text),
                "applicant_form": compared.applicant, "licence_form": compared.licence,
            }
        report[field] = entry
    return report
