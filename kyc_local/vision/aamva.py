"""Licence front fields from labelled OCR words: names, address, dates, licence number, state, class and codes.

Fields a card prints without labels (the address on some cards, 'LAST, FIRST MIDDLE' names, dates) are inferred
from the layout at lower confidence; a licence number is checked against its state's format.
"""

from __future__ import annotations

import difflib
import re

from kyc.license_rules import LICENSE_FORMATS
from kyc.states import STATE_NAMES, state_code

from kyc_local.vision.blocks import line_text
from kyc_local.vision.fields import Reading, format_date, parse_date
from kyc_local.vision.labels import (
    AS_LETTERS,
    PUNCT,
    Field,
    Token,
    drop_implausible,
    find_fields,
    group_lines,
    has_digit,
    plausible,
    value_confidence,
    value_text,
    values_nearby,
)
from kyc_local.vision.ocr import Word

INFERRED = 0.85  # confidence factor for a field found by layout instead of by its label
_AS_DIGIT = str.maketrans("OIQDSBZGL", "010058261")
SUFFIXES = {"JR", "SR", "II", "III", "IV", "V"}

_STREET_WORDS = {
    "STREET", "ST", "AVENUE", "AVE", "ROAD", "RD", "DRIVE", "DR", "BOULEVARD", "BLVD", "LANE", "LN", "COURT", "CT",
    "PLACE", "PL", "WAY", "CIRCLE", "CIR", "TERRACE", "TER", "PARKWAY", "PKWY", "HIGHWAY", "HWY", "SQUARE", "TRAIL",
    "PLAZA", "APT", "APARTMENT", "UNIT", "SUITE", "STE", "NORTH", "SOUTH", "EAST", "WEST",
}  # USPS street words: where a street line has a space even when the recogniser missed it
_CITY_LINE = re.compile(  # letters of any script in the city ('LÓS ANGELES' as OCR may read it)
    r"^(?P<city>[^\W\d_](?:[^\W\d_]|[ .'\-])*?)[ ,.]+(?P<state>[A-Z]{2})[ ,.]*(?P<zip>\d{5}(?:-?\d{4})?)$")


def parse_front(words: list[Word], height: float) -> dict[str, Reading]:
    """The fields of a licence front `height` pixels high, by AnalyzeID field type (plus SEX, HEIGHT, EYES)."""
    lines = group_lines(words)
    fields, loose = find_fields(lines)
    drop_implausible(fields, loose)
    values_nearby(fields, loose)
    readings: dict[str, Reading] = {}
    found: dict[str, Field] = {}
    for entry in fields:
        if entry.values and plausible(entry.label, value_text(entry.values)):
            found.setdefault(entry.label, entry)
    _names(found, loose, readings)
    _address(found, loose, readings)
    _dates(found, lines, readings)
    simple = {"4d": "DOCUMENT_NUMBER", "9": "CLASS", "9a": "ENDORSEMENTS", "12": "RESTRICTIONS", "15": "SEX",
              "16": "HEIGHT", "18": "EYES"}
    for key, name in simple.items():
        if key in found:
            value = _clean(name, value_text(found[key].values))
            if value:
                readings[name] = Reading(value, value_confidence(found[key].values))
    _header(lines, height, readings)
    _repair_number(readings)
    if "DOCUMENT_NUMBER" not in readings:
        _infer_number(loose, readings)
    _flags(words, readings, height)
    return readings


def _clean(name: str, text: str) -> str:
    text = text.upper().strip(" " + PUNCT)
    if name == "DOCUMENT_NUMBER":  # '|' is how OCR reads a bare 'I' (or '1': the format check settles which)
        return re.sub(r"[^A-Z0-9\- ]", "", text.replace("|", "I")).strip()
    if name in {"CLASS", "ENDORSEMENTS", "RESTRICTIONS"}:
        return text.split()[0] if text else ""
    if name == "EYES":  # AAMVA colour codes have three letters
        return text.split()[0][:3] if text else ""
    if name == "SEX":
        return text[:1] if text[:1] in {"M", "F", "X"} else ""
    if name == "HEIGHT":
        match = re.match(r"(\d)\D{0,3}(\d{1,2})", text)
        return f"{match.group(1)}-{int(match.group(2)):02d}" if match else ""
    return text


def _name_text(text: str) -> str:
    """Upper-case letters of any script (accents kept: GARCÍA), apostrophes, hyphens and spaces."""
    return "".join(ch for ch in text.upper() if ch.isalpha() or ch in "' -").strip()


def _names(found: dict[str, Field], loose: list[list[Token]], readings: dict[str, Reading]) -> None:
    """1 → LAST_NAME (+ SUFFIX), 2 → FIRST_NAME and MIDDLE_NAME; 'LAST, FIRST MIDDLE' on one line when unlabelled."""
    if "1" in found:
        family = _name_text(value_text(found["1"].values)).split()
        confidence = value_confidence(found["1"].values)
        if len(family) > 1 and family[-1] in SUFFIXES:
            readings["SUFFIX"] = Reading(family.pop(), confidence)
        if family:
            readings["LAST_NAME"] = Reading(" ".join(family), confidence)
    if "2" in found:
        given = _name_text(value_text(found["2"].values)).split()
        confidence = value_confidence(found["2"].values)
        if given:
            readings["FIRST_NAME"] = Reading(given[0], confidence)
        if len(given) > 1:
            readings["MIDDLE_NAME"] = Reading(" ".join(given[1:]), confidence)
    if "2" in found and "1" not in found:  # the family name's small '1' unread: the name line right above the given
        over = [run for run in loose if _aligned(run, found["2"].values) and plausible("1", value_text(run))]
        if over:
            family = _name_text(value_text(over[-1])).split()
            readings["LAST_NAME"] = Reading(" ".join(family), value_confidence(over[-1], INFERRED))
    if "1" in found or "2" in found:
        return
    for run in loose:
        text = value_text(run)
        if text.count(",") in (1, 2) and not has_digit(text):
            last, _, given = (part.strip() for part in text.partition(","))
            names = _name_text(given.replace(",", " ")).split()
            if last and names:
                confidence = value_confidence(run, INFERRED)
                readings["LAST_NAME"] = Reading(_name_text(last), confidence)
                readings["FIRST_NAME"] = Reading(names[0], confidence)
                if len(names) > 1:
                    readings["MIDDLE_NAME"] = Reading(" ".join(names[1:]), confidence)
                return


def _address(found: dict[str, Field], loose: list[list[Token]], readings: dict[str, Reading]) -> None:
    """8 → the street line and any unit line under it ('APT 4B'), then the city line: CITY, ST 12345. The label's
    value may be the city line itself (labels printed under their values); unlabelled, the address is found from a
    city line and the lines above it."""
    city_run: list[Token] | None = None
    street: list[list[Token]] = []
    value = found["8"].values if "8" in found else None
    if value and _CITY_LINE.match(value_text(value).upper()):
        city_run, street = value, _lines_above(value, loose)
    elif value:
        street = [value]
        for run in _lines_below(value, loose):
            if _CITY_LINE.match(value_text(run).upper()):
                city_run = run
                break
            street.append(run)
        if city_run is None:
            street = street[:1]
    else:
        cities = [run for run in loose if _CITY_LINE.match(value_text(run).upper())]
        if not cities:
            return
        city_run, street = cities[0], _lines_above(cities[0], loose)
        if street:
            street[0] = _trim_label(street[0], city_run)
    factor = 1.0 if "8" in found else INFERRED
    if street:
        tokens = [token for line in street for token in line]
        text = " ".join(value_text(line, _street_space).upper() for line in street)
        readings["ADDRESS"] = Reading(text, value_confidence(tokens, factor))
    match = _CITY_LINE.match(value_text(city_run).upper()) if city_run else None
    if city_run and match:
        confidence = value_confidence(city_run, factor)
        readings["CITY_IN_ADDRESS"] = Reading(match.group("city").strip(" ,."), confidence)
        readings["STATE_IN_ADDRESS"] = Reading(match.group("state"), confidence)
        readings["ZIP_CODE_IN_ADDRESS"] = Reading(match.group("zip"), confidence)


def _aligned(upper: list[Token], lower: list[Token]) -> bool:
    """`lower` is the line right under `upper`, starting at about the same left edge."""
    top, bottom = upper[0].word, lower[0].word
    return 0 < bottom.top - top.top < 2.2 * top.height and abs(bottom.left - top.left) < 2 * top.height


def _lines_below(first: list[Token], loose: list[list[Token]], most: int = 3) -> list[list[Token]]:
    lines: list[list[Token]] = []
    current = first
    while len(lines) < most:
        nxt = min((run for run in loose if _aligned(current, run)), key=lambda run: run[0].word.top, default=None)
        if nxt is None:
            break
        lines.append(nxt)
        current = nxt
    return lines


def _lines_above(city: list[Token], loose: list[list[Token]], most: int = 3) -> list[list[Token]]:
    """The street lines over a city line: up to the nearest line that starts with a house number, top to bottom;
    none when no such line is there."""
    lines: list[list[Token]] = []
    current = city
    while len(lines) < most:
        over = max((run for run in loose if _aligned(run, current)), key=lambda run: run[0].word.top, default=None)
        if over is None:
            return []
        lines.insert(0, over)
        if over[0].text[:1].isdigit():
            return lines
        current = over
    return []


def _street_space(before: str, after: str) -> bool:
    """A space the recogniser missed in a street line: before a street word, between a number and a name."""
    if after in _STREET_WORDS:
        return True
    return before[-1:].isdigit() and after[:1].isalpha() and after not in {"ST", "ND", "RD", "TH"}


def _trim_label(street: list[Token], city: list[Token]) -> list[Token]:
    """Street and city lines are left-aligned: characters of the street's first word left of the city line are a
    misread '8' label ('31997 PARK ROAD' over 'SCHENECTADY, NY' → '1997 PARK ROAD')."""
    first = street[0]
    word = first.word
    char = (word.right - word.left) / max(len(word.text), 1)
    extra = round((city[0].word.left - word.left) / char) if first.text == word.text else 0
    if 0 < extra < len(first.text) and first.text[extra].isdigit():
        return [Token(word, first.text[extra:])] + street[1:]
    return street


def _dates(found: dict[str, Field], lines: list[list[Word]], readings: dict[str, Reading]) -> None:
    """3, 4a, 4b by label; dates no label claimed fill the gaps (earliest birth, latest expiry) as inferred."""
    names = {"3": "DATE_OF_BIRTH", "4a": "DATE_OF_ISSUE", "4b": "EXPIRATION_DATE"}
    for key, name in names.items():
        if key in found:
            day = parse_date(value_text(found[key].values))
            if day:
                readings[name] = Reading(format_date(day), value_confidence(found[key].values), day.isoformat())
    missing = [name for name in names.values() if name not in readings]
    if not missing:
        return
    claimed = {reading.normalized for reading in readings.values() if reading.normalized}
    loose_dates = []
    for line in lines:
        for word in line:
            day = parse_date(word.text)
            if day and day.isoformat() not in claimed:
                loose_dates.append((day, word))
    loose_dates.sort(key=lambda pair: pair[0])
    order = {"DATE_OF_BIRTH": 0, "DATE_OF_ISSUE": len(loose_dates) // 2, "EXPIRATION_DATE": -1}
    if len(loose_dates) >= len(missing):
        for name in missing:
            day, word = loose_dates[order[name]]
            readings[name] = Reading(format_date(day), round(word.confidence * INFERRED, 2), day.isoformat())


def _header(lines: list[list[Word]], height: float, readings: dict[str, Reading]) -> None:
    """STATE_NAME from the card's header (top third); ID_TYPE from 'DRIVER LICENSE' anywhere on the card."""
    names = [name.upper() for name in STATE_NAMES.values()]
    best: tuple[float, str, float] | None = None
    for line in lines:
        if min(w.top for w in line) > height / 3:
            continue
        squeezed = re.sub(r"[^A-Z ]", "", line_text(line).upper())
        match = next((name for name in names if re.search(rf"\b{name}\b", squeezed)), None)
        if match is None:
            close = difflib.get_close_matches(squeezed.replace(" STATE", "").strip(), names, n=1, cutoff=0.8)
            match = close[0] if close else None
        if match:
            size = max(w.height for w in line)
            if best is None or size > best[0]:
                best = (size, match, min(w.confidence for w in line))
    if best:
        readings["STATE_NAME"] = Reading(best[1], round(best[2], 2))
    elif "STATE_IN_ADDRESS" in readings and state_code(readings["STATE_IN_ADDRESS"].text):
        source = readings["STATE_IN_ADDRESS"]
        name = STATE_NAMES[state_code(source.text)].upper()
        readings["STATE_NAME"] = Reading(name, round(source.confidence * INFERRED, 2))
    for line in lines:
        if re.search(r"DRIVER'?S?\s*LICEN[CS]E", line_text(line).upper()):
            readings["ID_TYPE"] = Reading("DRIVER LICENSE FRONT", round(min(w.confidence for w in line), 2))
            return


def _repair_number(readings: dict[str, Reading]) -> None:
    """A licence number that does not fit its state's format but does once look-alike characters at its start
    are read as letters and the rest as digits ('11234568' on a California card → 'I1234568'), at lower confidence."""
    number, state = readings.get("DOCUMENT_NUMBER"), readings.get("STATE_NAME") or readings.get("STATE_IN_ADDRESS")
    code = state_code(state.text) if state else None
    if number is None or code not in LICENSE_FORMATS:
        return
    compact = re.sub(r"[^A-Z0-9]", "", number.text)
    if LICENSE_FORMATS[code].fullmatch(compact):
        return  # look-alikes its format cannot settle do not matter: the core compares numbers with them folded
    for letters in range(4):
        guess = compact[:letters].translate(AS_LETTERS) + compact[letters:].translate(_AS_DIGIT)
        if LICENSE_FORMATS[code].fullmatch(guess):
            readings["DOCUMENT_NUMBER"] = Reading(guess, round(number.confidence * INFERRED, 2))
            return


def _infer_number(loose: list[list[Token]], readings: dict[str, Reading]) -> None:
    """An unlabelled licence number: the one unclaimed word that fits the state's licence-number format."""
    state = readings.get("STATE_NAME") or readings.get("STATE_IN_ADDRESS")
    code = state_code(state.text) if state else None
    if code not in LICENSE_FORMATS:
        return
    fitting = [run for run in loose if len(run) == 1 and has_digit(run[0].text)
               and parse_date(run[0].text, compact=True) is None  # a date that lost its slashes: '08112033'
               and LICENSE_FORMATS[code].fullmatch(re.sub(r"[^A-Z0-9]", "", run[0].text.upper()))]
    if len(fitting) == 1:
        number = re.sub(r"[^A-Z0-9\-]", "", fitting[0][0].text.upper())
        readings["DOCUMENT_NUMBER"] = Reading(number, value_confidence(fitting[0], INFERRED))


def _flags(words: list[Word], readings: dict[str, Reading], height: float) -> None:
    """VETERAN printed anywhere; COUNTRY when the card's header (top third) says USA."""
    for word in words:
        text = word.text.upper().strip(PUNCT).replace(".", "")
        if text == "VETERAN":
            readings["VETERAN"] = Reading("VETERAN", round(word.confidence, 2))
        elif text == "USA" and word.top < height / 3:
            readings["COUNTRY"] = Reading("USA", round(word.confidence, 2))
