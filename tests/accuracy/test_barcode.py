"""The licence back: PDF417 found and parsed as AAMVA, and cross-checked with the front."""

from __future__ import annotations

import random

import pytest

from kyc_local.samples.aamva import payload
from kyc_local.samples.cards import STATE_LAYOUTS, degrade, photograph, render_back, render_front
from kyc_local.samples.identity import make_identity
from kyc_local.samples.photos import load_photo
from kyc_local.vision.barcode import parse_aamva, read_pdf417
from kyc_local.vision.fields import Reading
from kyc_local.vision.idcard import DISAGREE_CONFIDENCE, cross_check
from tests.accuracy.helpers import FLOOR, TODAY, expected_fields, rgb, score

AAMVA_V1 = (
    "@\n\x1e\rANSI 6360000102DL00390187ZV02260032DLDAQ0123456789ABC\nDAAPUBLIC,JOHN,Q\nDAG789 E OAK ST\n"
    "DAIANYTOWN\nDAJVA\nDAK123459999  \nDARDM\nDASNONE\nDATNONE\nDBA20110915\nDBB19680101\nDBCM\nDBD20060915\r"
)


def _back_fields(person) -> dict[str, str]:
    fields = expected_fields(person)
    del fields["ID_TYPE"]  # printed on the front only
    return fields


@pytest.mark.parametrize("state", STATE_LAYOUTS)
def test_parse_gives_every_field_of_the_identity(state):
    person = make_identity(random.Random(state), state, TODAY)
    readings = parse_aamva(payload(person))
    _, misses = score(_back_fields(person), readings)
    assert not misses
    assert readings["SEX"].text == person.sex and readings["HEIGHT"].text == person.height


def test_parse_reads_the_2000_standard_with_one_name_element_and_ccyymmdd_dates():
    readings = parse_aamva(AAMVA_V1)
    assert (readings["LAST_NAME"].text, readings["FIRST_NAME"].text, readings["MIDDLE_NAME"].text) == (
        "PUBLIC", "JOHN", "Q")
    assert readings["DATE_OF_BIRTH"].normalized == "1968-01-01"
    assert readings["EXPIRATION_DATE"].normalized == "2011-09-15"
    assert readings["ZIP_CODE_IN_ADDRESS"].text == "12345-9999"
    assert readings["DOCUMENT_NUMBER"].text == "0123456789ABC"


def test_version_01_without_a_repeated_subfile_type_keeps_every_element():
    """The first element right at the designator's offset (no 'DL' again), and a city holding 'IDDLE' ('ID' + an
    element-like 'DLE'), which a search for the subfile type took for the subfile's start."""
    text = AAMVA_V1.replace("0032DLDAQ", "0032DAQ").replace("ANYTOWN", "MIDDLETON")
    readings = parse_aamva(text)
    assert (readings["LAST_NAME"].text, readings["FIRST_NAME"].text) == ("PUBLIC", "JOHN")
    assert readings["DOCUMENT_NUMBER"].text == "0123456789ABC" and readings["CITY_IN_ADDRESS"].text == "MIDDLETON"
    assert min(reading.confidence for reading in readings.values()) >= FLOOR


def test_a_payload_without_separators_is_split_by_identifier_and_never_confident():
    person = make_identity(random.Random(11), "TX", TODAY)
    text = payload(person).replace("\n", "").replace("\r", "")
    readings = parse_aamva(text)
    assert readings["LAST_NAME"].text == person.last_name  # split at the identifiers, not one run of text
    assert readings["DATE_OF_BIRTH"].normalized == person.date_of_birth.isoformat()
    assert max(reading.confidence for reading in readings.values()) < FLOOR
    assert parse_aamva("@\n\x1e\rANSI 636015 no elements here") == {}


@pytest.mark.parametrize("kind", ["flat", "photograph", "jpeg", "blur", "glare"])
def test_barcode_found_on_flat_photographed_and_degraded_backs(kind):
    rng = random.Random(kind)
    person = make_identity(rng, "TX", TODAY)
    back = render_back(person)
    image = {
        "flat": back, "photograph": photograph(back, rng), "jpeg": degrade(back, rng, jpeg_quality=35),
        "blur": degrade(back, rng, blur=1.2), "glare": degrade(back, rng, glare=True),
    }[kind]
    assert read_pdf417(rgb(image)) == payload(person)


def test_no_barcode_on_a_front():
    rng = random.Random(3)
    assert read_pdf417(rgb(render_front(make_identity(rng, "CA", TODAY), load_photo("obama"), rng))) is None


def test_agreement_raises_confidence_and_disagreement_takes_the_barcode_below_the_floor():
    front = {
        "LAST_NAME": Reading("SAMPLE", 90.0), "ADDRESS": Reading("123 MAIN STREET", 80.0),
        "DOCUMENT_NUMBER": Reading("D1234567", 95.0), "FIRST_NAME": Reading("AMANDAISABEL", 97.0),
    }
    back = {
        "LAST_NAME": Reading("SAMPLE", 99.0), "ADDRESS": Reading("123 MAIN ST", 99.0),
        "DOCUMENT_NUMBER": Reading("D1234667", 99.0), "FIRST_NAME": Reading("AMANDA", 99.0),
        "MIDDLE_NAME": Reading("ISABEL", 99.0), "CITY_IN_ADDRESS": Reading("AUSTIN", 99.0),
    }
    combined = cross_check(front, back)
    assert combined["LAST_NAME"].text == "SAMPLE" and combined["LAST_NAME"].confidence > 99.0
    assert combined["ADDRESS"].text == "123 MAIN STREET" and combined["ADDRESS"].confidence > 99.0
    assert combined["DOCUMENT_NUMBER"] == Reading("D1234667", DISAGREE_CONFIDENCE)
    assert DISAGREE_CONFIDENCE < FLOOR
    assert (combined["FIRST_NAME"].text, combined["MIDDLE_NAME"].text) == ("AMANDA", "ISABEL")  # a missed space
    assert combined["FIRST_NAME"].confidence > 99.0
    assert combined["CITY_IN_ADDRESS"] == back["CITY_IN_ADDRESS"]


@pytest.mark.parametrize("state", STATE_LAYOUTS)
def test_front_and_back_together_read_every_field(engines, state):
    rng = random.Random(f"pair-{state}")
    person = make_identity(rng, state, TODAY)
    front = photograph(render_front(person, load_photo("biden"), rng), rng)
    readings = engines.id_reader.read([rgb(front), rgb(render_back(person))])
    _, misses = score(expected_fields(person), readings)
    assert not misses
    assert min(reading.confidence for reading in readings.values()) > 95.0


def test_pages_in_either_order_and_a_back_alone(engines):
    rng = random.Random(9)
    person = make_identity(rng, "WA", TODAY)
    front, back = rgb(render_front(person, load_photo("obama"), rng)), rgb(render_back(person))
    assert engines.id_reader.read([back, front]) == engines.id_reader.read([front, back])
    _, misses = score(_back_fields(person), engines.id_reader.read([back]))
    assert not misses
