"""The AAMVA DL/ID (2020, version 10) text that the PDF417 barcode on the back of a licence carries."""

from __future__ import annotations

from datetime import date

from kyc_local.samples.identity import Identity
from kyc_local.samples.places import IIN

AAMVA_VERSION = "10"
EYE_CODES = {"BRN": "BRO", "BLU": "BLU", "HAZ": "HAZ", "GRN": "GRN", "GRY": "GRY", "BLK": "BLK"}


def elements(identity: Identity) -> dict[str, str]:
    """The DL subfile's data elements, by AAMVA element ID, in the standard's order."""
    feet, inches = identity.height.split("-")
    return {
        "DAQ": identity.document_number,
        "DCA": identity.license_class,
        "DCB": identity.restrictions,
        "DCD": identity.endorsements,
        "DBA": _date(identity.expiration_date),
        "DCS": identity.last_name,
        "DAC": identity.first_name,
        "DAD": identity.middle_name,
        "DBD": _date(identity.issue_date),
        "DBB": _date(identity.date_of_birth),
        "DBC": "1" if identity.sex == "M" else "2",
        "DAY": EYE_CODES[identity.eyes],
        "DAU": f"{int(feet) * 12 + int(inches):03d} IN",
        "DAG": identity.street,
        "DAI": identity.city,
        "DAJ": identity.state,
        "DAK": f"{identity.zip_code[:5]}0000  ",
        "DCF": f"{identity.document_number}{identity.issue_date:%Y%m%d}",
        "DCG": "USA",
        "DDE": "N",
        "DDF": "N",
        "DDG": "N",
    }


def payload(identity: Identity) -> str:
    """Compliance indicator, separators, file type, header with one subfile designator, then the DL subfile."""
    subfile = "DL" + "\n".join(key + value for key, value in elements(identity).items()) + "\r"
    header_length = 21 + 10  # fixed header, then one 10-character subfile designator
    header = f"@\n\x1e\rANSI {IIN[identity.state]}{AAMVA_VERSION}0001DL{header_length:04d}{len(subfile):04d}"
    return header + subfile


def _date(day: date) -> str:
    """US jurisdictions write dates MMDDCCYY."""
    return day.strftime("%m%d%Y")
