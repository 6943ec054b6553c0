"""The details CSV schema."""

from __future__ import annotations

import time

import pytest
from kyc.applicant import MAX_COLUMNS, MAX_CSV_BYTES, MAX_CSV_RECORDS, parse_details
from kyc.model import DETAIL_FIELDS, Reason, Rejection

from tests.unit.builders import DETAILS, csv_bytes

HEADER = ",".join(DETAIL_FIELDS)
ROW = ",".join(DETAILS.values())


def csv_invalid(data: bytes) -> str:
    with pytest.raises(Rejection) as caught:
        parse_details(data)
    assert caught.value.reason is Reason.CSV_INVALID
    return caught.value.detail


def with_value(field: str, value: str) -> bytes:
    return csv_bytes(DETAILS | {field: value})


@pytest.mark.parametrize(
    "data",
    [
        csv_bytes(),
        f"{HEADER}\n{ROW}".encode(),  # no final newline, LF endings
        f"{HEADER}\r\n{ROW}\r\n\r\n\r\n".encode(),  # trailing blank lines
        b"\xef\xbb\xbf" + csv_bytes(),  # UTF-8 BOM
        (HEADER.lower().replace(",", " , ") + "\n" + ROW + "\n").encode(),  # header case and spacing
        csv_bytes({name: DETAILS[name] for name in reversed(DETAIL_FIELDS)}),  # any column order
    ],
    ids=["crlf-quoted", "lf-no-final-newline", "blank-lines", "bom", "header-case-spacing", "column-order"],
)
def test_valid_csv_gives_the_eight_fields(data):
    assert parse_details(data) == DETAILS


def test_values_are_stripped_and_quoted_commas_kept():
    details = parse_details(with_value("ADDRESS", "  123 Walnut Street, Apt 4  "))
    assert details["ADDRESS"] == "123 Walnut Street, Apt 4"


def test_accented_values_survive():
    assert parse_details(with_value("FIRST_NAME", "Zoë"))["FIRST_NAME"] == "Zoë"


def test_a_value_of_exactly_200_characters_is_accepted():
    assert parse_details(with_value("ADDRESS", "x" * 200))["ADDRESS"] == "x" * 200


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (csv_bytes(encoding="utf-16"), "not UTF-16"),
        (csv_bytes(encoding="utf-16-le"), "NUL bytes"),
        (csv_bytes(DETAILS | {"FIRST_NAME": "Zoë"}, encoding="latin-1"), "not valid UTF-8"),
        (b"", "empty"),
        (b"\r\n\r\n", "empty"),
        (f"{HEADER}\n".encode(), "found 0 data rows"),
        (f"{HEADER}\n{ROW}\n{ROW}\n".encode(), "found more than one data row"),
        (f"{HEADER},{DETAIL_FIELDS[0]}\n{ROW},x\n".encode(), "duplicate columns: FIRST_NAME"),
        (f"{HEADER.replace(',ADDRESS', '')}\n{ROW.rsplit(',', 1)[0]}\n".encode(), "missing columns: ADDRESS"),
        (f"{HEADER},EMAIL,PHONE\n{ROW},a,b\n".encode(), "header: 2 unknown column(s)"),
        (f"{HEADER}\n{ROW},extra\n".encode(), "data row has 9 values for 8 columns"),
        (f"{HEADER}\n{ROW.rsplit(',', 1)[0]}\n".encode(), "data row has 7 values for 8 columns"),
        (f'{HEADER}\n"unterminated,{ROW}\n'.encode(), "data row has"),
    ],
    ids=[
        "utf16-bom",
        "utf16-no-bom",
        "latin1",
        "empty",
        "blank",
        "header-only",
        "two-rows",
        "duplicate-column",
        "missing-column",
        "extra-columns",
        "too-many-values",
        "too-few-values",
        "unterminated-quote",
    ],
)
def test_csv_shape_rules(data, detail):
    assert detail in csv_invalid(data)


@pytest.mark.parametrize(
    ("field", "value", "detail"),
    [
        ("FIRST_NAME", '=HYPERLINK("http://x")', "FIRST_NAME starts like a spreadsheet formula"),
        ("LAST_NAME", "+1234", "LAST_NAME starts like a spreadsheet formula"),
        ("ADDRESS", "-2+3", "ADDRESS starts like a spreadsheet formula"),
        ("CITY_IN_ADDRESS", "@SUM(A1)", "CITY_IN_ADDRESS starts like a spreadsheet formula"),
        ("DOCUMENT_NUMBER", "\t=1+1", "DOCUMENT_NUMBER starts like a spreadsheet formula"),
        ("ZIP_CODE_IN_ADDRESS", "\r=17101", "ZIP_CODE_IN_ADDRESS starts like a spreadsheet formula"),
        ("FIRST_NAME", "   =cmd|' /C calc'!A0", "FIRST_NAME starts like a spreadsheet formula"),
        ("ADDRESS", "x" * 201, "ADDRESS exceeds 200 characters"),
        ("LAST_NAME", "   ", "LAST_NAME is empty"),
        ("CITY_IN_ADDRESS", "Harris\x07burg", "CITY_IN_ADDRESS contains control characters"),
        ("ADDRESS", "123 Walnut\nStreet", "ADDRESS contains control characters"),
    ],
)
def test_value_rules_name_the_column_never_the_value(field, value, detail):
    message = csv_invalid(with_value(field, value))
    assert message.endswith(detail)
    assert not value.strip() or value.strip() not in message


# -- budgets: checked before the work they bound ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (csv_bytes() + b"\n" * MAX_CSV_BYTES, "CSV exceeds 32 KB"),
        (csv_bytes() + b"a\n" * 7_860_000, "CSV exceeds 32 KB"),
        ((",".join(f"URGENT{n}" for n in range(200_000)) + "\n" + ROW).encode(), "CSV exceeds 32 KB"),
        (b",\n" * MAX_CSV_RECORDS + csv_bytes(), "CSV has more than 64 records"),
        (f"{HEADER},{','.join(['URGENT'] * 25)}\n{ROW}\n".encode(), "header has more than 32 columns"),
    ],
    ids=["bytes", "7.86-million-rows", "200k-columns", "blank-records", "columns"],
)
def test_budgets_refuse_before_parsing(data, detail):
    started = time.process_time()
    assert csv_invalid(data) == detail
    assert time.process_time() - started < 0.1


def test_records_and_columns_within_the_budgets_are_read():
    data = b",\n" * (MAX_CSV_RECORDS - 2) + csv_bytes()
    assert parse_details(data) == DETAILS
    assert len(data) <= MAX_CSV_BYTES
    assert csv_invalid(f"{HEADER},{','.join(['X'] * (MAX_COLUMNS - 8))}\n{ROW}\n".encode()).startswith("header: 24")


def test_header_names_and_duplicates_are_counted_never_echoed():
    unknown = ["URGENT call 1-800-555-0100", "see https://evil.example", "URGENT call 1-800-555-0100"]
    header = [*DETAIL_FIELDS, "last_name", *unknown]
    detail = csv_invalid((",".join(header) + "\n" + ROW + ",a,b,c,d\n").encode())
    assert detail == "duplicate columns: LAST_NAME"
    detail = csv_invalid((",".join([*DETAIL_FIELDS, *unknown]) + "\n" + ROW + ",a,b,c\n").encode())
    assert detail == "header: 3 unknown column(s)"


def test_the_duplicate_check_is_linear():
    header = [*DETAIL_FIELDS, *(["FIRST_NAME"] * (MAX_COLUMNS - 8))]
    assert csv_invalid((",".join(header) + "\n" + ROW + "\n").encode()) == "duplicate columns: FIRST_NAME"


# -- what is stored is what was checked ------------------------------------------------------------------------------


@pytest.mark.parametrize("space", ["\u00a0", "\v", "\f", "\u3000", "\u2007", "\u205f", "\x85", "\u1680", " \u00a0\t"])
@pytest.mark.parametrize("formula", ["=Morris", "-2032 Magnolia Drive", "+1", "@SUM(A1)"])
def test_formulas_behind_any_unicode_whitespace_are_refused(space, formula):
    message = csv_invalid(with_value("LAST_NAME", space + formula))
    assert message == "column LAST_NAME starts like a spreadsheet formula"


def test_a_full_width_equals_sign_is_a_formula():
    assert csv_invalid(with_value("CITY_IN_ADDRESS", "\uff1dSUM(A1)")).endswith("starts like a spreadsheet formula")


def test_values_are_stored_as_checked():
    """Every Unicode whitespace is stripped from both ends: the value the formula guard sees is the one stored."""
    details = parse_details(with_value("FIRST_NAME", "\u00a0\u3000Zoë\u2007\v"))
    assert details["FIRST_NAME"] == "Zoë"


@pytest.mark.parametrize(
    "char",
    [
        "\u200b",
        "\u200c",
        "\u200d",
        "\u200e",
        "\u202e",
        "\u2066",
        "\u2069",
        "\ufeff",
        "\u00ad",
        "\u2060",
        "\U000e0041",
        "\u3164",
        "\u115f",
        "\u2028",
        "\u2029",
        "\ue000",
        "\ufe0f",
        "\u034f",
    ],
)
@pytest.mark.parametrize("field", DETAIL_FIELDS)
def test_invisible_and_bidirectional_characters_are_refused_in_every_field(char, field):
    value = DETAILS[field][:1] + char + DETAILS[field][1:]
    message = csv_invalid(with_value(field, value))
    assert message == f"column {field} contains invisible or bidirectional characters"


def test_visible_unicode_letters_and_spaces_inside_values_are_kept():
    details = parse_details(with_value("LAST_NAME", "Núñez\u00a0García-O'Brien"))
    assert details["LAST_NAME"] == "Núñez\u00a0García-O'Brien"


# -- date of birth as typed ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "01 MAY 1982",
        "1 May 1982",
        "May 1, 1982",
        "MAY 01 1982",
        "01MAY1982",
        "1-May-1982",
        "1st May 1982",
        "Sept. 3, 1982",
        "05/01/1982",
        "5/1/1982",
        "1982-05-01",
    ],
)
def test_a_date_of_birth_as_printed_is_kept_as_typed(typed):
    assert parse_details(with_value("DATE_OF_BIRTH", typed))["DATE_OF_BIRTH"] == typed


@pytest.mark.parametrize(
    "typed", ["01 MAY 75", "31 Feb 1975", "1 Mayo 1975", "13/01/1975", "1975", "May 1975", "tomorrow"]
)
def test_a_date_of_birth_that_is_not_a_date_is_refused_naming_the_field(typed):
    message = csv_invalid(with_value("DATE_OF_BIRTH", typed))
    assert message.startswith("column DATE_OF_BIRTH is not a date")
    assert typed not in message
