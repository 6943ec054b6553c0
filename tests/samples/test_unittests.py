"""The committed sample bundles: present, small, safe to read (or refused when hostile), and saying what they claim."""

import io
import re
import zipfile
from datetime import date, datetime

import pytest
from kyc.bundle import read_bundle
from kyc.license_rules import validate_license
from kyc.model import Reason, Rejection

from kyc_local.samples.bundles import zip_members
from kyc_local.samples.unittests import SAMPLES, UNIT_TESTS
from tests.samples.barcode import read_back

README = (UNIT_TESTS / "README.md").read_text(encoding="utf-8")
REGULAR = [sample for sample in SAMPLES if not sample.hostile]
HOSTILE = next(sample for sample in SAMPLES if sample.hostile)
LAB_BUNDLES = {"8d247914": "APPROVED", "7a135804": "DETAILS_MISMATCH", "9c358026": "SELFIE_MISMATCH"}


def readme_date(label: str) -> date:
    return date.fromisoformat(re.search(label + r" (\d{4}-\d{2}-\d{2})", README).group(1))


def data(sample) -> bytes:
    return (UNIT_TESTS / f"{sample.app_uuid}.zip").read_bytes()


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def test_every_outcome_has_a_small_committed_bundle_listed_in_the_readme():
    assert {s.app_uuid: (s.reasons[0] if s.reasons else s.status) for s in SAMPLES if s.app_uuid in LAB_BUNDLES} \
        == LAB_BUNDLES
    reasons = {reason for sample in SAMPLES for reason in sample.reasons}
    assert {"LICENSE_INVALID", "LICENSE_EXPIRED", "UNDERAGE", "BUNDLE_INVALID"} <= reasons
    assert sorted(path.name for path in UNIT_TESTS.glob("*.zip")) == sorted(f"{s.app_uuid}.zip" for s in SAMPLES)
    for sample in SAMPLES:
        assert re.fullmatch(r"[0-9a-f]{8}", sample.app_uuid)
        assert len(data(sample)) < 2 * 1024 * 1024
        row = next(line for line in README.splitlines() if f"`{sample.app_uuid}.zip`" in line)
        assert sample.status in row and all(reason in row for reason in sample.reasons)


def test_samples_still_give_their_outcomes_today():
    assert date.today() < readme_date("Regenerate before"), "run `make samples` and commit UnitTests/"


@pytest.mark.parametrize("sample", REGULAR, ids=lambda sample: sample.app_uuid)
def test_regular_bundle_is_readable_and_its_licence_says_what_the_readme_claims(sample):
    generated = readme_date("Generated on")
    bundle = read_bundle(data(sample), sample.app_uuid)
    _, card = read_back(bundle.license_back)
    details = bundle.details
    expected_differences = set(sample.options.get("csv_changes", {}))
    on_card = {
        "FIRST_NAME": card["DAC"], "LAST_NAME": card["DCS"], "ADDRESS": card["DAG"], "CITY_IN_ADDRESS": card["DAI"],
        "STATE_IN_ADDRESS": card["DAJ"], "ZIP_CODE_IN_ADDRESS": card["DAK"][:5], "DOCUMENT_NUMBER": card["DAQ"],
        "DATE_OF_BIRTH": f"{card['DBB'][:2]}/{card['DBB'][2:4]}/{card['DBB'][4:]}",
    }
    differing = {field for field, value in on_card.items() if details[field].upper() != value}
    assert differing == expected_differences
    born = datetime.strptime(card["DBB"], "%m%d%Y").date()
    expires = datetime.strptime(card["DBA"], "%m%d%Y").date()
    assert validate_license(card["DAQ"], card["DAJ"], frozenset()).valid != sample.options.get("invalid_number", False)
    assert (expires < generated) == sample.options.get("expired", False)
    assert (age_on(born, generated) < 18) == sample.options.get("underage", False)


def test_hostile_bundle_is_refused():
    with pytest.raises(Rejection) as refused:
        read_bundle(data(HOSTILE), HOSTILE.app_uuid)
    assert refused.value.reason == Reason.BUNDLE_INVALID


def test_each_hostile_ingredient_alone_is_refused():
    archive = zipfile.ZipFile(io.BytesIO(data(HOSTILE)))
    files = {info.filename: archive.read(info) for info in archive.infolist()}
    traversal = [name for name in files if ".." in name]
    bomb = f"{HOSTILE.app_uuid}_license_back.png"
    assert traversal and len(files[bomb]) > 15 * 1024 * 1024
    assert archive.getinfo(bomb).compress_size * 100 < archive.getinfo(bomb).file_size
    regular = {name: body for name, body in files.items() if name != bomb and name not in traversal}
    read_bundle(zip_members(regular), HOSTILE.app_uuid)
    for extra in (traversal[0], bomb):
        with pytest.raises(Rejection) as refused:
            read_bundle(zip_members({**regular, extra: files[extra]}), HOSTILE.app_uuid)
        assert refused.value.reason == Reason.BUNDLE_INVALID
