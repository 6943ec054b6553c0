"""Details matching, field by field: what must match, what must not, and what is unreadable."""

from __future__ import annotations

from datetime import date

import pytest
from kyc.matching import compare_details, parse_date, zip5
from kyc.model import DETAIL_FIELDS, FieldReading, IdDocument

from tests.unit.builders import APPLICANT as DETAILS
from tests.unit.builders import FLOOR, LICENSE

RULES = {
    "FIRST_NAME": "name",
    "LAST_NAME": "name",
    "CITY_IN_ADDRESS": "city",
    "ZIP_CODE_IN_ADDRESS": "zip5",
    "STATE_IN_ADDRESS": "state_code",
    "DOCUMENT_NUMBER": "alphanumeric",
    "DATE_OF_BIRTH": "date",
    "ADDRESS": "usps_street",
}


def case(field, csv, text, expected, *, normalized=None, confidence=99.0, details=None, readings=None, id):
    reading = None if text is None else FieldReading(text, confidence, normalized)
    return pytest.param(field, csv, reading, expected, details or {}, readings or {}, id=id)


CASES = [
    # names: case, accents, punctuation and spacing
    case("FIRST_NAME", "John", "JOHN", True, id="name-case"),
    case("FIRST_NAME", "josé", "JOSE", True, id="name-accent-csv"),
    case("FIRST_NAME", "Zoe", "ZOË", True, id="name-accent-licence"),
    case("FIRST_NAME", "Mary-Ann", "MARY ANN", True, id="name-hyphen-vs-space"),
    case("FIRST_NAME", "Mary Ann", "MARYANN", True, id="name-space-collapsed"),
    case("FIRST_NAME", " John ", "JOHN", True, id="name-surrounding-spaces"),
    case("FIRST_NAME", "John", "JOHN MICHAEL", True, id="name-first-given-name"),
    case(
        "FIRST_NAME",
        "John Michael",
        "JOHN",
        True,
        readings={"MIDDLE_NAME": FieldReading("MICHAEL", 90)},
        id="name-first-plus-middle",
    ),
    case("FIRST_NAME", "Jon", "JOHN", False, id="name-mismatch"),
    case("FIRST_NAME", "Michael", "JOHN MICHAEL", False, id="name-middle-only-mismatch"),
    case("LAST_NAME", "O'Brien", "OBRIEN", True, id="name-apostrophe"),
    case("LAST_NAME", "Müller", "MULLER", True, id="name-umlaut"),
    case("LAST_NAME", "Straße", "STRASSE", True, id="name-casefold-sharp-s"),
    case("LAST_NAME", "van der Berg", "VANDERBERG", True, id="name-particles"),
    case("LAST_NAME", "Smith Jr.", "SMITH", True, readings={"SUFFIX": FieldReading("JR", 90)}, id="name-suffix"),
    case("LAST_NAME", "Smith", "SMYTH", False, id="name-one-letter-differs"),
    case("LAST_NAME", "Smith Sr", "SMITH", False, readings={"SUFFIX": FieldReading("JR", 90)}, id="name-other-suffix"),
    # city
    case("CITY_IN_ADDRESS", "harrisburg", "HARRISBURG", True, id="city-case"),
    case("CITY_IN_ADDRESS", "Saint Louis", "ST. LOUIS", True, id="city-saint"),
    case("CITY_IN_ADDRESS", "Fort Worth", "FT WORTH", True, id="city-fort"),
    case("CITY_IN_ADDRESS", "San José", "SAN JOSE", True, id="city-accent"),
    case("CITY_IN_ADDRESS", "Springfield", "SPRINGVILLE", False, id="city-mismatch"),
    # ZIP
    case("ZIP_CODE_IN_ADDRESS", "17101", "17101-1234", True, id="zip-plus-four-licence"),
    case("ZIP_CODE_IN_ADDRESS", "02139", "021390000", True, id="zip-nine-digits-leading-zero"),
    case("ZIP_CODE_IN_ADDRESS", "02139-4307", "02139", True, id="zip-plus-four-csv"),
    case("ZIP_CODE_IN_ADDRESS", "021394307", "02139 4307", True, id="zip-nine-digits-both"),
    case("ZIP_CODE_IN_ADDRESS", "2139", "02139", False, id="zip-leading-zero-lost"),
    case("ZIP_CODE_IN_ADDRESS", "17101", "17102", False, id="zip-mismatch"),
    case("ZIP_CODE_IN_ADDRESS", "17101", "17I0l", None, id="zip-licence-unparseable"),
    # state
    case("STATE_IN_ADDRESS", "Pennsylvania", "PA", True, id="state-name-vs-code"),
    case("STATE_IN_ADDRESS", "pa", "PENNSYLVANIA", True, id="state-code-vs-name"),
    case("STATE_IN_ADDRESS", "north carolina", "N.C.", True, id="state-two-words"),
    case("STATE_IN_ADDRESS", "District of Columbia", "DC", True, id="state-dc"),
    case("STATE_IN_ADDRESS", "NJ", "NY", False, id="state-mismatch"),
    case("STATE_IN_ADDRESS", "Atlantis", "PA", False, id="state-csv-unknown"),
    case("STATE_IN_ADDRESS", "PA", "XX", None, id="state-licence-unparseable"),
    # document number
    case("DOCUMENT_NUMBER", "D123-4567-8901", "D12345678901", True, id="docnum-dashes"),
    case("DOCUMENT_NUMBER", "d 123 456", "D123456", True, id="docnum-spaces-case"),
    case("DOCUMENT_NUMBER", "99999999", "99999998", False, id="docnum-mismatch"),
    case("DOCUMENT_NUMBER", "WDLMHT0WMBB9", "WDLMHTOWMBB9", True, id="docnum-zero-read-as-letter-o"),
    case("DOCUMENT_NUMBER", "I1250SB8", "1I25OS88", True, id="docnum-look-alikes-folded"),
    case("DOCUMENT_NUMBER", "WDLMHT0WMBB9", "WDLMHT0WMBB8", False, id="docnum-look-alikes-still-differ-elsewhere"),
    case("DOCUMENT_NUMBER", "99999999", "---", None, id="docnum-licence-no-characters"),
    # date of birth
    case("DATE_OF_BIRTH", "01/07/1973", "01/07/1973", True, normalized="1973-01-07T00:00:00", id="dob-mmddyyyy"),
    case("DATE_OF_BIRTH", "1/7/1973", "01/07/1973", True, normalized="1973-01-07T00:00:00", id="dob-mdyyyy"),
    case("DATE_OF_BIRTH", "1973-01-07", "01/07/1973", True, id="dob-iso-csv-text-licence"),
    case("DATE_OF_BIRTH", "01/07/1973", "1973-01-07", True, id="dob-iso-licence-text"),
    case(
        "DATE_OF_BIRTH",
        "01/07/1973",
        "DOB 1/7/73",
        True,
        normalized="1973-01-07T00:00:00",
        id="dob-normalized-wins-over-text",
    ),
    case(
        "DATE_OF_BIRTH", "07/01/1973", "01/07/1973", False, normalized="1973-01-07T00:00:00", id="dob-day-month-swapped"
    ),
    case("DATE_OF_BIRTH", "01/07/1974", "01/07/1973", False, id="dob-year-differs"),
    case("DATE_OF_BIRTH", "07 JAN 1973", "01/07/1973", True, normalized="1973-01-07T00:00:00", id="dob-csv-as-printed"),
    case("DATE_OF_BIRTH", "Jan 7, 1973", "01/07/1973", True, id="dob-csv-month-first-written"),
    case("DATE_OF_BIRTH", "7 January 1973", "1973-01-07", True, id="dob-csv-month-name"),
    case("DATE_OF_BIRTH", "07 JUL 1973", "01/07/1973", False, id="dob-csv-written-differs"),
    case("DATE_OF_BIRTH", "1/7/1973", "07 JAN 1973", True, id="dob-licence-as-printed"),
    case("DATE_OF_BIRTH", "31/31/1973", "01/07/1973", False, id="dob-csv-not-a-date"),
    case("DATE_OF_BIRTH", "1/7/1973", "JAN 7", None, id="dob-licence-unparseable"),
    # address
    case("ADDRESS", "123 Main Street", "123 MAIN ST", True, id="addr-street-st"),
    case("ADDRESS", "123 Main St.", "123 MAIN STREET", True, id="addr-st-dot"),
    case("ADDRESS", "45 Oak Avenue", "45 OAK AVE", True, id="addr-avenue"),
    case("ADDRESS", "8 Elm Road", "8 ELM RD", True, id="addr-road"),
    case("ADDRESS", "9 Birch Drive", "9 BIRCH DR", True, id="addr-drive"),
    case("ADDRESS", "7 Sunset Boulevard", "7 SUNSET BLVD", True, id="addr-boulevard"),
    case("ADDRESS", "12 Pine Lane", "12 PINE LN", True, id="addr-lane"),
    case("ADDRESS", "3 Maple Court", "3 MAPLE CT", True, id="addr-court"),
    case("ADDRESS", "5 Cedar Place", "5 CEDAR PL", True, id="addr-place"),
    case("ADDRESS", "77 Ocean Parkway", "77 OCEAN PKWY", True, id="addr-parkway"),
    case("ADDRESS", "9 North Elm Road", "9 N ELM RD", True, id="addr-directional"),
    case("ADDRESS", "400 Southwest Ash Terrace", "400 S.W. ASH TER", True, id="addr-directional-dotted"),
    case("ADDRESS", "45 Oak Avenue Apt 4B", "45 OAK AVE #4B", True, id="addr-apt-vs-hash"),
    case("ADDRESS", "45 Oak Ave Apartment 4B", "45 OAK AVE UNIT 4-B", True, id="addr-apartment-vs-unit"),
    case("ADDRESS", "7 Sunset Boulevard Suite 200", "7 SUNSET BLVD STE. 200", True, id="addr-suite"),
    case("ADDRESS", "45 Oak Ave Apt #4B", "45 OAK AVE #4B", True, id="addr-double-marker"),
    case("ADDRESS", "1 First Avenue", "1 1ST AVE", True, id="addr-ordinal"),
    case("ADDRESS", "100 Saint Paul Drive", "100 ST PAUL DR", True, id="addr-saint"),
    case("ADDRESS", "12 Orchard Hollow", "12 ORCHARD HOLW", True, id="addr-pub28-suffix"),
    case("ADDRESS", "8 Deer Creek Xing", "8 DEER CRK CROSSING", True, id="addr-pub28-words-in-name"),
    case("ADDRESS", "3 Pine Meadows Wy", "3 PINE MEADOWS WAY", True, id="addr-pub28-suffix-variant"),
    case("ADDRESS", "40 Elm Street Floor 3", "40 ELM ST FL 3", True, id="addr-pub28-unit-floor"),
    case("ADDRESS", "40 Elm Street Building 2", "40 ELM ST BLDG 2", True, id="addr-pub28-unit-building"),
    case("ADDRESS", "12 Orchard Hollow", "12 ORCHARD HL", False, id="addr-pub28-other-suffix"),
    case("ADDRESS", "40 Elm Street Floor 3", "40 ELM ST APT 3", False, id="addr-floor-is-not-apartment"),
    case("ADDRESS", "123 Main Street", "123 MAIN ST HARRISBURG, PA 17101", True, id="addr-licence-whole-address"),
    case(
        "ADDRESS",
        "123 Main Street",
        "123 MAIN ST\nHARRISBURG PENNSYLVANIA 17101-0000",
        True,
        id="addr-licence-two-lines-zip-plus-four",
    ),
    case("ADDRESS", "123 Main Street, Harrisburg, PA 17101", "123 MAIN ST", True, id="addr-csv-whole-address"),
    case(
        "ADDRESS",
        "12 Springfield Road",
        "12 SPRINGFIELD RD SPRINGFIELD IL 62701",
        True,
        details={"CITY_IN_ADDRESS": "Springfield", "STATE_IN_ADDRESS": "IL", "ZIP_CODE_IN_ADDRESS": "62701"},
        id="addr-street-named-like-city",
    ),
    case("ADDRESS", "123 Main Street", "124 MAIN ST", False, id="addr-number-differs"),
    case("ADDRESS", "123 Main Street", "123 MAIN AVE", False, id="addr-suffix-differs"),
    case("ADDRESS", "123 Main Street", "123 MAIN ST APT 4", False, id="addr-unit-missing-in-csv"),
    case("ADDRESS", "123 Main Street Apt 4", "123 MAIN ST APT 5", False, id="addr-unit-differs"),
    case("ADDRESS", "123 Main Street", "123 MAIN ST SPRINGFIELD IL 62701", False, id="addr-licence-other-city"),
    case("ADDRESS", "PO Box 12345", "PO BOX 54321", False, id="addr-po-box-differs"),
    case("ADDRESS", "123 Main Street", ", .", None, id="addr-licence-no-words"),
    # unreadable is not a mismatch
    case("FIRST_NAME", "John", None, None, id="unreadable-not-returned"),
    case("FIRST_NAME", "John", "   ", None, id="unreadable-blank-text"),
    case("LAST_NAME", "Sample", "SAMPLE", None, confidence=49.9, id="unreadable-low-confidence"),
    case("LAST_NAME", "Sample", "SIMPLE", None, confidence=10.0, id="unreadable-low-confidence-even-if-different"),
    case("LAST_NAME", "Sample", "SAMPLE", True, confidence=50.0, id="confidence-at-floor-is-read"),
    case("DOCUMENT_NUMBER", "99999999", "99999990", None, confidence=12.0, id="unreadable-docnum-low-confidence"),
]


@pytest.mark.parametrize(("field", "csv", "reading", "expected", "details", "readings"), CASES)
def test_field_matching(field, csv, reading, expected, details, readings):
    fields = {name: value for name, value in LICENSE.items() if name != field} | readings
    if reading is not None:
        fields[field] = reading
    report = compare_details(DETAILS | details | {field: csv}, IdDocument(fields), FLOOR)
    assert report[field]["match"] is expected
    if expected is not None:
        assert report[field]["rule"] == RULES[field]
    others = {name: entry["match"] for name, entry in report.items() if name != field and name not in details}
    assert all(others.values()), others


FORMS = {  # DETAILS against LICENSE: the normalised forms each rule compared
    "FIRST_NAME": ("john", "john"),
    "LAST_NAME": ("sample", "sample"),
    "CITY_IN_ADDRESS": ("harrisburg", "harrisburg"),
    "ZIP_CODE_IN_ADDRESS": ("17101", "17101"),
    "STATE_IN_ADDRESS": ("PA", "PA"),
    "DOCUMENT_NUMBER": ("99999999", "99999999"),
    "DATE_OF_BIRTH": ("1973-01-07", "1973-01-07"),
    "ADDRESS": ("123mainst", "123mainst"),
}


def test_the_report_covers_the_eight_fields_with_rule_confidence_value_as_read_and_forms_compared():
    report = compare_details(DETAILS, IdDocument(LICENSE), FLOOR)
    assert list(report) == list(DETAIL_FIELDS)
    for field, entry in report.items():
        applicant_form, licence_form = FORMS[field]
        assert entry == {"match": True, "rule": RULES[field], "confidence": LICENSE[field].confidence,
                         "licence_value": LICENSE[field].text, "applicant_form": applicant_form,
                         "licence_form": licence_form}


@pytest.mark.parametrize(
    ("field", "csv", "reading", "forms"),
    [
        ("FIRST_NAME", "Jon", FieldReading("JOHN MICHAEL", 90), ("jon", "johnmichael | john")),
        ("LAST_NAME", "Smyth", FieldReading("SMITH", 90), ("smyth", "smith")),
        ("ZIP_CODE_IN_ADDRESS", "17102", FieldReading("17101-1234", 90), ("17102", "17101")),
        ("ZIP_CODE_IN_ADDRESS", "17101", FieldReading("ABC", 90), ("17101", "")),  # unparseable: nothing to compare
        ("DATE_OF_BIRTH", "1/8/1973", FieldReading("01/07/1973", 90, "1973-01-07"), ("1973-01-08", "1973-01-07")),
        ("DOCUMENT_NUMBER", "99-999-998", FieldReading("99 999 999", 90), ("99999998", "99999999")),
        ("ADDRESS", "12 Oak Avenue Apt 4", FieldReading("123 MAIN ST HARRISBURG PA 17101", 90),
         ("12oakave#4", "123mainst")),  # each side's street line alone
    ],
)
def test_a_mismatch_shows_the_forms_the_rule_compared(field, csv, reading, forms):
    entry = compare_details(DETAILS | {field: csv}, IdDocument(LICENSE | {field: reading}), FLOOR)[field]
    assert (entry["applicant_form"], entry["licence_form"]) == forms
    assert entry["licence_value"] == reading.text and entry["match"] is not True


@pytest.mark.parametrize(
    ("reading", "rule", "confidence"),
    [
        (None, "not_returned", None),
        (FieldReading("SAMPLE", 20.0), "below_confidence_floor", 20.0),
        (FieldReading("!!", 90.0), "unparseable", 90.0),
    ],
)
def test_unreadable_fields_say_why(reading, rule, confidence):
    fields = {name: value for name, value in LICENSE.items() if name != "LAST_NAME"}
    if reading:
        fields["LAST_NAME"] = reading
    entry = compare_details(DETAILS, IdDocument(fields), FLOOR)["LAST_NAME"]
    assert {key: entry[key] for key in ("match", "rule", "confidence")} == {
        "match": None, "rule": rule, "confidence": confidence}
    assert entry.get("licence_value") == (reading.text if reading else None)  # as read, for staff to judge


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01/31/1980", date(1980, 1, 31)),
        ("1/3/1980", date(1980, 1, 3)),
        ("1980-01-31", date(1980, 1, 31)),
        ("1980-01-31T00:00:00", date(1980, 1, 31)),
        ("01-31-1980", date(1980, 1, 31)),
        (" 02/29/2000 ", date(2000, 2, 29)),
        ("02/29/2001", None),
        ("13/01/1980", None),
        ("01/31/80", None),
        ("", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("17101", "17101"), ("02139-4307", "02139"), ("021394307", "02139"), ("2139", None), ("1710", None), ("", None)],
)
def test_zip5(text, expected):
    assert zip5(text) == expected
