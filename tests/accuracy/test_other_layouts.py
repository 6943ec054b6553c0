"""Licence fronts in seven layout families the state designs do not use (kyc_local.samples.layouts): labels above
and below values, abbreviated word labels, two-line addresses, vertical cards, accented names, values that start with
field-number digits; each flat and photographed (vertical cards: JPEG q40). Scored as the core compares fields:
names and cities accent-folded (DESIGN §3)."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest
from kyc.matching import name_key

from kyc_local.samples.cards import degrade, photograph
from kyc_local.samples.layouts import FAMILIES, other_identity, render_other
from kyc_local.samples.photos import load_photo
from tests.accuracy.helpers import FLOOR, TODAY, comparable, expected_fields, rgb

CARDS_PER_FAMILY = 6
PORTRAITS = ("obama", "biden", "astronaut", "grace_hopper")
NAMES = {"FIRST_NAME", "MIDDLE_NAME", "LAST_NAME", "CITY_IN_ADDRESS"}


def _key(field: str, text: str) -> str:
    return name_key(text) if field in NAMES else comparable(field, text)


@pytest.fixture(scope="module")
def outcomes(engines):
    """family → [(field, right, confident wrong)] over every card read flat and degraded."""
    found: dict[str, list[tuple[str, bool, bool]]] = defaultdict(list)
    for family in FAMILIES:
        rng = random.Random(family)
        for index in range(CARDS_PER_FAMILY):
            person = other_identity(family, rng, TODAY)
            card = render_other(family, person, load_photo(PORTRAITS[index % len(PORTRAITS)]), rng)
            worse = degrade(card, rng, jpeg_quality=40) if family == "vertical" else photograph(card, rng)
            for image in (card, worse):
                readings = engines.id_reader.read([rgb(image)])
                for field, want in expected_fields(person).items():
                    reading = readings.get(field)
                    got = (reading.normalized or reading.text) if reading else None
                    sure = reading is not None and reading.confidence >= FLOOR
                    same = got is not None and _key(field, got) == _key(field, want)
                    found[family].append((field, sure and same, sure and not same))
    return found


def test_six_new_families_or_more_each_flat_and_degraded(outcomes):
    assert len(outcomes) >= 6
    assert all(len(rows) >= 2 * CARDS_PER_FAMILY * 16 for rows in outcomes.values())


def test_99_percent_of_fields_read_right(outcomes):
    rows = [row for family in outcomes.values() for row in family]
    right = sum(1 for _, ok, _ in rows if ok)
    table = {family: f"{sum(ok for _, ok, _ in found)}/{len(found)}" for family, found in outcomes.items()}
    print(f"\nother layouts, fields right by family: {table}; overall {right}/{len(rows)} = {right / len(rows):.2%}")
    assert right / len(rows) >= 0.99, [(family, field) for family, found in outcomes.items()
                                       for field, ok, _ in found if not ok]


def test_no_confident_wrong_value(outcomes):
    wrong = [(family, field) for family, found in outcomes.items() for field, _, bad in found if bad]
    assert wrong == []


def test_accented_names_keep_their_letters(engines):
    rng = random.Random("accents")
    person = other_identity("accented", rng, TODAY)
    readings = engines.id_reader.read([rgb(render_other("accented", person, load_photo("obama"), rng))])
    assert readings["FIRST_NAME"].text == person.first_name and readings["LAST_NAME"].text == person.last_name
