"""The PDF417 barcode on the back of a US licence: decoded with zxing-cpp and parsed as AAMVA data elements."""

from __future__ import annotations

import re

import cv2
import numpy as np
import zxingcpp
from kyc.states import STATE_NAMES

from kyc_local.vision.fields import Reading, format_date, parse_date

CONFIDENCE = 99.0  # the symbol's Reed-Solomon check passed: its bytes are what was encoded
INFERRED = 0.85
UNSEPARATED = 40.0  # elements split by their identifiers alone (no separators): below the core's confidence floor
_HEADER = re.compile(r"ANSI ?\d{6}\d{2}(?:\d{2})?\d{2}((?:[A-Z]{2}\d{8})+)")  # IIN, versions, entries, designators
_HEADER_V1 = re.compile(r"ANSI ?\d{6}01\d{2}((?:[A-Z]{2}\d{8})+)")  # version 01 has no jurisdiction version
_DESIGNATOR = re.compile(r"([A-Z]{2})(\d{4})(\d{4})")
_SUBFILE = re.compile(r"(?:DL|ID)(?=D[A-Z]{2})")
_ELEMENT = re.compile(r"D[A-Z]{2}")  # used with match(): anchored where matching starts
_SEPARATORS = re.compile(r"[\n\r\x1e]+")
_ANY_ID = re.compile(
    "DA[A-Z]|DB[A-S]|DC[A-U]|DD[A-L]"  # AAMVA DL/ID element identifiers, 2000–2020 editions
)
_ABSENT = {"", "NONE", "UNAVL", "UNAVAIL", "UNAVAILABLE", "N/A"}
_CODES = {"DCA", "DCB", "DCD"}  # class, restrictions, endorsements: 'NONE' is their printed value
_SEX = {"1": "M", "2": "F", "9": "X"}


def read_pdf417(image: np.ndarray) -> str | None:
    """The text of the PDF417 symbol in an RGB image (bytes as Latin-1, like AAMVA), or None."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    results = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.PDF417, text_mode=zxingcpp.TextMode.Plain)
    if not results:
        return None
    return results[0].bytes.decode("latin-1")


def elements(text: str) -> tuple[dict[str, str], bool]:
    """AAMVA data elements of the DL (or ID) subfile by three-letter ID, the first occurrence of each, and whether
    they were split by the standard's separators (True) or, those being lost, by their identifiers alone."""
    body = _subfile(text)
    lines = [line.strip() for line in _SEPARATORS.split(body)]
    found: dict[str, str] = {}
    for line in lines:
        if _ELEMENT.match(line) and line[:3] not in found:
            found[line[:3]] = line[3:].strip()
    if len(found) >= 3 and len(found) * 2 >= len([line for line in lines if line]):
        return found, True
    return _by_identifier(body), False


def _subfile(text: str) -> str:
    """The text of the DL (or ID) subfile: at the offset its header designator gives, with or without the repeated
    subfile type (version 01 payloads often start the first element right there); else after the first 'DL'/'ID'."""
    header = _HEADER_V1.search(text) or _HEADER.search(text)
    start = header.end() if header else 0
    for kind, offset, _ in _DESIGNATOR.findall(header.group(1)) if header else []:
        if kind not in {"DL", "ID"}:
            continue
        for at in sorted(range(int(offset) - 2, int(offset) + 3), key=lambda at: abs(at - int(offset))):
            if at >= start and text.startswith(kind, at) and _ELEMENT.match(text, at + 2):
                return text[at + 2:]
        if int(offset) >= start and _ELEMENT.match(text, int(offset)):
            return text[int(offset):]
        if _ELEMENT.match(text, start):
            return text[start:]
    subfile = _SUBFILE.search(text, start)
    return text[subfile.end() if subfile else start:]


def _by_identifier(body: str) -> dict[str, str]:
    """Elements of a payload without separators, cut at each known identifier's first occurrence, in order."""
    cuts: list[tuple[int, str]] = []
    for match in _ANY_ID.finditer(body):
        if match.group() not in {code for _, code in cuts} and (not cuts or match.start() >= cuts[-1][0] + 3):
            cuts.append((match.start(), match.group()))
    ends = [at for at, _ in cuts[1:]] + [len(body)]
    return {code: body[at + 3:end].strip() for (at, code), end in zip(cuts, ends) if body[at + 3:end].strip()}


def parse_aamva(text: str) -> dict[str, Reading]:
    """The licence fields the barcode carries, by AnalyzeID field type (plus SEX, HEIGHT, EYES)."""
    found, separated = elements(text)
    data = {code: value for code, value in found.items() if code in _CODES or value.upper() not in _ABSENT}
    confidence = CONFIDENCE if separated else UNSEPARATED
    names = _names(data)
    readings: dict[str, Reading] = {}

    def put(field: str, value: str | None, normalized: str | None = None) -> None:
        if value:
            readings[field] = Reading(value, confidence, normalized)

    put("FIRST_NAME", names[0])
    put("MIDDLE_NAME", names[1])
    put("LAST_NAME", names[2])
    put("SUFFIX", data.get("DCU"))
    put("ADDRESS", " ".join(part for part in (data.get("DAG"), data.get("DAH")) if part))
    put("CITY_IN_ADDRESS", data.get("DAI"))
    put("STATE_IN_ADDRESS", data.get("DAJ"))
    put("ZIP_CODE_IN_ADDRESS", _zip(data.get("DAK", "")))
    if data.get("DAJ") in STATE_NAMES:  # the address's state stands in for the issuer's (almost always the same)
        readings["STATE_NAME"] = Reading(STATE_NAMES[data["DAJ"]].upper(), confidence * INFERRED)
    put("COUNTRY", data.get("DCG"))
    put("DOCUMENT_NUMBER", data.get("DAQ"))
    for field, code in (("DATE_OF_BIRTH", "DBB"), ("EXPIRATION_DATE", "DBA"), ("DATE_OF_ISSUE", "DBD")):
        day = parse_date(data.get(code, ""), compact=True)
        if day:
            put(field, format_date(day), day.isoformat())
    put("CLASS", data.get("DCA"))
    put("RESTRICTIONS", data.get("DCB"))
    put("ENDORSEMENTS", data.get("DCD"))
    put("VETERAN", "VETERAN" if data.get("DDL") == "1" else "")
    put("SEX", _SEX.get(data.get("DBC", ""), data.get("DBC")))
    put("HEIGHT", _height(data.get("DAU", "")))
    put("EYES", data.get("DAY"))
    return readings


def _names(data: dict[str, str]) -> tuple[str, str, str]:
    """(first, middle, last) from DAC/DAD/DCS, or the older DCT (given names) and DAA (LAST,FIRST,MIDDLE)."""
    first, middle, last = data.get("DAC", ""), data.get("DAD", ""), data.get("DCS", "") or data.get("DAB", "")
    if not first and data.get("DCT"):
        first, _, middle = data["DCT"].replace(",", " ").partition(" ")
    if not (first and last) and data.get("DAA"):
        parts = [part.strip() for part in data["DAA"].split(",")]
        last, first, middle = (parts + ["", "", ""])[:3] if len(parts) > 1 else (last, first, middle)
    return first.strip(), middle.replace(",", " ").strip(), last.strip()


def _zip(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 9 and digits[5:9] != "0000":
        return f"{digits[:5]}-{digits[5:9]}"
    return digits[:5]


def _height(value: str) -> str:
    """DAU "069 IN" → "5-09"; centimetres are kept as printed."""
    match = re.match(r"(\d+)\s*IN", value.upper())
    if not match:
        return value
    inches = int(match.group(1))
    return f"{inches // 12}-{inches % 12:02d}"
