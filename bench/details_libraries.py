"""Details matching against maintained libraries: the core's ADDRESS and name rules (kyc.matching) and the same
decisions made with usaddress (address parsing), usaddress-scourgify (USPS Publication 28 normalisation) and
nameparser (name parsing), on variant pairs written the ways applicants and licences write them. Prints accuracy per
field family and each library's import time (docs/accuracy.md). The libraries are not project dependencies:

    .venv/bin/pip install --target /tmp/libs usaddress==0.5.16 usaddress-scourgify==0.7.1 nameparser==2.6.0
    PYTHONPATH=/tmp/libs .venv/bin/python -m bench.details_libraries
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from collections.abc import Callable

from kyc.matching import compare_details, name_key
from kyc.model import FieldReading, IdDocument

Case = tuple[str, str, str, bool, dict[str, str]]  # field, CSV value, licence value, same?, other licence fields
HBG = {"CITY_IN_ADDRESS": "HARRISBURG", "STATE_IN_ADDRESS": "PA", "ZIP_CODE_IN_ADDRESS": "17101"}
SPR = {"CITY_IN_ADDRESS": "SPRINGFIELD", "STATE_IN_ADDRESS": "IL", "ZIP_CODE_IN_ADDRESS": "62701"}


def _addr(csv: str, licence: str, same: bool, context: dict[str, str] | None = None) -> Case:
    return ("ADDRESS", csv, licence, same, context or HBG)


ADDRESSES: list[Case] = [
    _addr("123 Main Street", "123 MAIN ST", True),
    _addr("123 Main St.", "123 MAIN STREET", True),
    _addr("123 main str", "123 MAIN ST", True),
    _addr("45 Oak Avenue", "45 OAK AVE", True),
    _addr("45 Oak Av", "45 OAK AVENUE", True),
    _addr("8 Elm Road", "8 ELM RD", True),
    _addr("9 Birch Drive", "9 BIRCH DR", True),
    _addr("7 Sunset Boulevard", "7 SUNSET BLVD", True),
    _addr("12 Pine Lane", "12 PINE LN", True),
    _addr("3 Maple Court", "3 MAPLE CT", True),
    _addr("5 Cedar Place", "5 CEDAR PL", True),
    _addr("77 Ocean Parkway", "77 OCEAN PKWY", True),
    _addr("15 Mill Creek Highway", "15 MILL CREEK HWY", True),
    _addr("2 Lake Circle", "2 LAKE CIR", True),
    _addr("6 Hill Terrace", "6 HILL TER", True),
    _addr("9 North Elm Road", "9 N ELM RD", True),
    _addr("9 N. Elm Rd.", "9 NORTH ELM ROAD", True),
    _addr("400 Southwest Ash Terrace", "400 S.W. ASH TER", True),
    _addr("400 SW Ash Ter", "400 SOUTHWEST ASH TERRACE", True),
    _addr("10 Park Avenue East", "10 PARK AVE E", True),
    _addr("45 Oak Avenue Apt 4B", "45 OAK AVE #4B", True),
    _addr("45 Oak Ave Apartment 4B", "45 OAK AVE UNIT 4-B", True),
    _addr("45 Oak Ave #4B", "45 OAK AVE APT 4B", True),
    _addr("45 Oak Ave Apt #4B", "45 OAK AVE #4B", True),
    _addr("7 Sunset Boulevard Suite 200", "7 SUNSET BLVD STE. 200", True),
    _addr("7 Sunset Blvd, Ste 200", "7 SUNSET BLVD SUITE 200", True),
    _addr("1 First Avenue", "1 1ST AVE", True),
    _addr("33 Third Street", "33 3RD ST", True),
    _addr("100 Saint Paul Drive", "100 ST PAUL DR", True),
    _addr("123 Main Street", "123 MAIN ST HARRISBURG, PA 17101", True),
    _addr("123 Main Street", "123 MAIN ST\nHARRISBURG PENNSYLVANIA 17101-0000", True),
    _addr("123 Main Street", "123 MAIN ST HARRISBURG PA 171010000", True),
    _addr("123 Main Street, Harrisburg, PA 17101", "123 MAIN ST", True),
    _addr("123 Main Street, Harrisburg, PA 17101-4321", "123 MAIN ST HARRISBURG PA 17101", True),
    _addr("123 Main Street Apt 4, Harrisburg PA", "123 MAIN ST #4 HARRISBURG PA 17101", True),
    _addr("12 Springfield Road", "12 SPRINGFIELD RD SPRINGFIELD IL 62701", True, SPR),
    _addr("PO Box 12345", "P.O. BOX 12345", True),
    _addr("12 Calle Peña", "12 CALLE PENA", True),
    _addr("500 Rue Saint-Honoré", "500 RUE ST HONORE", True),
    _addr("12 Orchard Hollow", "12 ORCHARD HOLW", True),
    _addr("8 Deer Creek Crossing", "8 DEER CRK XING", True),
    _addr("3 Pine Meadows Way", "3 PINE MDWS WAY", True),
    _addr("14 Union Station Plaza", "14 UNION STA PLZ", True),
    _addr("77 Harbor View Lane", "77 HBR VW LN", True),
    _addr("5 Valley Forge Road", "5 VLY FRG RD", True),
    _addr("20 Mountain Spring Drive", "20 MTN SPG DR", True),
    _addr("9 Ridge Extension", "9 RDG EXT", True),
    _addr("40 Elm Street Floor 3", "40 ELM ST FL 3", True),
    _addr("40 Elm Street Building 2", "40 ELM ST BLDG 2", True),
    _addr("40 Elm Street Room 12", "40 ELM ST RM 12", True),
    _addr("40 Elm Street Trailer 7", "40 ELM ST TRLR 7", True),
    _addr("123 Main Street", "123 MAIN ST HARRISBURG PA 17101 USA", True),
    _addr("123 Main Street", "124 MAIN ST", False),
    _addr("12 Orchard Hollow", "12 ORCHARD HL", False),
    _addr("40 Elm Street Floor 3", "40 ELM ST FL 4", False),
    _addr("123 Main Street", "123 MAIN AVE", False),
    _addr("123 Main Street", "123 MAPLE ST", False),
    _addr("9 North Elm Road", "9 S ELM RD", False),
    _addr("10 Park Avenue East", "10 PARK AVE W", False),
    _addr("123 Main Street", "123 MAIN ST APT 4", False),
    _addr("123 Main Street Apt 4", "123 MAIN ST APT 5", False),
    _addr("45 Oak Ave Apt 4B", "45 OAK AVE #4C", False),
    _addr("123 Main Street", "123 MAIN ST SPRINGFIELD IL 62701", False),
    _addr("PO Box 12345", "PO BOX 54321", False),
    _addr("1 First Avenue", "1 2ND AVE", False),
]


def _name(field: str, csv: str, licence: str, same: bool, **others: str) -> Case:
    return (field, csv, licence, same, others)


NAMES: list[Case] = [
    _name("FIRST_NAME", "John", "JOHN", True),
    _name("FIRST_NAME", "josé", "JOSE", True),
    _name("FIRST_NAME", "Zoë", "ZOE", True),
    _name("FIRST_NAME", "François", "FRANCOIS", True),
    _name("FIRST_NAME", "Mary-Ann", "MARY ANN", True),
    _name("FIRST_NAME", "Mary Ann", "MARYANN", True),
    _name("FIRST_NAME", "John", "JOHN MICHAEL", True),
    _name("FIRST_NAME", "John Michael", "JOHN", True, MIDDLE_NAME="MICHAEL"),
    _name("FIRST_NAME", "John M", "JOHN", True, MIDDLE_NAME="M"),
    _name("FIRST_NAME", "María José", "MARIA JOSE", True),
    _name("FIRST_NAME", "Jon", "JOHN", False),
    _name("FIRST_NAME", "Michael", "JOHN MICHAEL", False),
    _name("FIRST_NAME", "Joan", "JOHN", False),
    _name("LAST_NAME", "Smith", "SMITH", True),
    _name("LAST_NAME", "O'Brien", "OBRIEN", True),
    _name("LAST_NAME", "O’Brien", "O'BRIEN", True),
    _name("LAST_NAME", "Müller", "MULLER", True),
    _name("LAST_NAME", "Núñez", "NUNEZ", True),
    _name("LAST_NAME", "García-López", "GARCIA LOPEZ", True),
    _name("LAST_NAME", "García López", "GARCIA-LOPEZ", True),
    _name("LAST_NAME", "Straße", "STRASSE", True),
    _name("LAST_NAME", "van der Berg", "VANDERBERG", True),
    _name("LAST_NAME", "St. John", "ST JOHN", True),
    _name("LAST_NAME", "Smith Jr.", "SMITH", True, SUFFIX="JR"),
    _name("LAST_NAME", "Smith Jr", "SMITH JR", True),
    _name("LAST_NAME", "Smith III", "SMITH", True, SUFFIX="III"),
    _name("LAST_NAME", "Smith", "SMITH", True, SUFFIX="JR"),
    _name("LAST_NAME", "Smith", "SMYTH", False),
    _name("LAST_NAME", "Smith Sr", "SMITH", False, SUFFIX="JR"),
    _name("LAST_NAME", "Smith II", "SMITH", False, SUFFIX="III"),
    _name("LAST_NAME", "Garcia", "GARCIA LOPEZ", False),
    _name("LAST_NAME", "Berg", "VANDERBERG", False),
]

Decider = Callable[[Case], bool | None]


def current(case: Case) -> bool | None:
    field, csv, licence, _, others = case
    document = IdDocument({name: FieldReading(text, 99.0) for name, text in {**others, field: licence}.items()})
    match: bool | None = compare_details({field: csv}, document, 50.0)[field]["match"]
    return match


def scourgify(case: Case) -> bool | None:
    """USPS Pub 28 lines from usaddress-scourgify, compared letters and digits only; unparseable → undecided."""
    from scourgify import normalize_address_record  # type: ignore[import-untyped]
    from scourgify.exceptions import AddressNormalizationError  # type: ignore[import-untyped]

    def lines(text: str) -> tuple[str, str]:
        record = normalize_address_record(" ".join(text.split()))
        return name_key(record["address_line_1"] or ""), name_key(record["address_line_2"] or "")

    try:
        return lines(case[1]) == lines(case[2])
    except (AddressNormalizationError, TypeError, ValueError):
        return None


STREET_LABELS = {"PlaceName", "StateName", "ZipCode", "CountryName"}


def usaddress_components(case: Case) -> bool | None:
    """usaddress splits off city, state and ZIP; the street parts left are compared by the core's rule."""
    import usaddress  # type: ignore[import-untyped]

    def street(text: str) -> str:
        return " ".join(value for value, label in usaddress.parse(text) if label not in STREET_LABELS)

    field, csv, licence, same, others = case
    try:
        return current((field, street(csv), street(licence), same, others))
    except usaddress.RepeatedLabelError:
        return None


def nameparser(case: Case) -> bool | None:
    """nameparser splits first / middle / last / suffix; the parts are folded by the core's name key."""
    from nameparser import HumanName  # type: ignore[import-not-found]

    field, csv, licence, _, others = case
    if field == "FIRST_NAME":
        parsed = HumanName(csv)
        with_middle = name_key(f"{parsed.first} {parsed.middle}")
        licence_first = HumanName(licence).first
        return name_key(parsed.first) == name_key(licence_first) and (
            not parsed.middle
            or with_middle in {name_key(licence), name_key(f"{licence} {others.get('MIDDLE_NAME', '')}")}
        )
    parsed = HumanName(f"X {csv}")  # a given name in front, so that the field parses as a surname
    licence_parsed = HumanName(f"X {licence}")
    suffix = name_key(licence_parsed.suffix or others.get("SUFFIX", ""))
    last_same = name_key(f"{parsed.middle} {parsed.last}") == name_key(f"{licence_parsed.middle} {licence_parsed.last}")
    return last_same and name_key(parsed.suffix) in {"", suffix}


def accuracy(decide: Decider, cases: list[Case]) -> tuple[int, list[Case]]:
    wrong = [case for case in cases if decide(case) is not case[3]]
    return len(cases) - len(wrong), wrong


def import_seconds(module: str, runs: int = 5) -> float:
    """Median wall time of `import module` in a fresh interpreter (this interpreter's sys.path)."""
    code = f"import sys,time; sys.path[:0]={sys.path!r}; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
    return statistics.median(float(subprocess.check_output([sys.executable, "-c", code])) for _ in range(runs))


def main() -> None:
    families: dict[str, tuple[list[Case], dict[str, Decider]]] = {
        "address": (
            ADDRESSES,
            {"kyc.matching": current, "usaddress-scourgify": scourgify, "usaddress": usaddress_components},
        ),
        "names": (NAMES, {"kyc.matching": current, "nameparser": nameparser}),
    }
    for family, (cases, deciders) in families.items():
        for label, decide in deciders.items():
            right, wrong = accuracy(decide, cases)
            print(f"{family:8} {label:20} {right}/{len(cases)} ({100 * right / len(cases):.1f} %)")
            for case in wrong:
                print(f"{'':30} wrong: {case[1]!r} vs {case[2]!r} (same={case[3]}, said {decide(case)})")
    for module in ("kyc.matching", "usaddress", "scourgify", "nameparser"):
        print(f"import {module:14} {1000 * import_seconds(module):.0f} ms")


if __name__ == "__main__":
    main()
