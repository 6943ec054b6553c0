"""The details CSV schema."""

from __future__ import annotations

import pytest
from kyc.applicant import parse_details
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
        (f"{HEADER}\n{ROW}\n{ROW}\n".encode(), "found 2 data rows"),
        (f"{HEADER},{DETAIL_FIELDS[0]}\n{ROW},x\n".encode(), "duplicate columns: 'FIRST_NAME'"),
        (f"{HEADER.replace(',ADDRESS', '')}\n{ROW.rsplit(',', 1)[0]}\n".encode(), "missing columns: ADDRESS"),
        (f"{HEADER},EMAIL,PHONE\n{ROW},a,b\n".encode(), "unexpected columns: 'EMAIL', 'PHONE'"),
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
        ("ZIP_CODE_IN_ADDRESS", "\r17101", "ZIP_CODE_IN_ADDRESS starts like a spreadsheet formula"),
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
