import csv
import io
import random
from datetime import date, datetime

import pytest
from kyc.applicant import parse_details
from kyc.license_rules import validate_license
from kyc.model import DETAIL_FIELDS

from kyc_local.samples.bundles import details_csv
from kyc_local.samples.cards import STATE_LAYOUTS
from kyc_local.samples.identity import make_identity
from kyc_local.samples.places import CITIES

TODAY = date(2026, 3, 1)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def test_same_seed_same_identity_and_seeds_differ():
    first = make_identity(random.Random(5), "CA", TODAY)
    assert first == make_identity(random.Random(5), "CA", TODAY)
    assert len({make_identity(random.Random(seed), "CA", TODAY) for seed in range(20)}) == 20


@pytest.mark.parametrize("state", STATE_LAYOUTS)
def test_identities_are_valid_adult_licence_holders_of_the_state(state):
    for seed in range(25):
        person = make_identity(random.Random(seed), state, TODAY)
        assert validate_license(person.document_number, state, frozenset()).valid
        assert 21 <= age_on(person.date_of_birth, TODAY) <= 75
        assert person.issue_date <= TODAY < person.expiration_date
        assert (person.city, person.zip_code) in CITIES[state]
        assert person.state == state and len(person.zip_code) == 5 and person.zip_code.isdigit()
        assert person.sex in "MF" and person.eyes in {"BRN", "BLU", "HAZ", "GRN", "GRY", "BLK"}
        feet, inches = person.height.split("-")
        assert 4 <= int(feet) <= 6 and 0 <= int(inches) < 12


def test_requested_sex_is_kept():
    assert {make_identity(random.Random(seed), "TX", TODAY, sex="F").sex for seed in range(10)} == {"F"}


def test_csv_row_is_what_the_app_sends_for_the_card():
    for seed in range(30):
        person = make_identity(random.Random(seed), "NY", TODAY)
        row = person.csv_row()
        assert list(row) == list(DETAIL_FIELDS)
        assert row["FIRST_NAME"].upper() == person.first_name
        assert row["LAST_NAME"].upper() == person.last_name
        assert row["ADDRESS"].upper() == person.street
        assert row["CITY_IN_ADDRESS"].upper() == person.city
        assert row["ZIP_CODE_IN_ADDRESS"] == person.zip_code
        assert row["STATE_IN_ADDRESS"] == "NY"
        assert row["DOCUMENT_NUMBER"] == person.document_number
        assert datetime.strptime(row["DATE_OF_BIRTH"], "%m/%d/%Y").date() == person.date_of_birth
        assert row["FIRST_NAME"] != person.first_name  # typed in mixed case, unlike the card


def test_details_csv_has_one_row_that_the_core_accepts():
    row = make_identity(random.Random(1), "MA", TODAY).csv_row()
    data = details_csv(row)
    assert list(csv.DictReader(io.StringIO(data.decode()))) == [row]
    assert parse_details(data) == row
