import hashlib
import io
import random
import subprocess
import sys
import zipfile
from datetime import date, datetime

import pytest
from kyc.bundle import read_bundle
from kyc.license_rules import validate_license
from PIL import Image

from kyc_local.samples.bundles import bundle_zip, make_application
from tests.samples.barcode import read_back

TODAY = date(2026, 3, 1)
APP = "0a1b2c3d"


def application(seed=1, **options):
    options = {"state": "TX", "today": TODAY, "selfie_photo": "obama2", "license_photo": "obama", **options}
    return make_application(APP, random.Random(seed), **options)


def members(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {info.filename: archive.read(info) for info in archive.infolist()}, archive.infolist()


def card_age(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def barcode_date(text: str) -> date:
    return datetime.strptime(text, "%m%d%Y").date()


def test_bundle_zip_is_byte_identical_for_the_same_input_and_names_members_like_the_lab():
    details = {"FIRST_NAME": "Ann"}
    first = bundle_zip("abc", details, b"\xff\xd8\xffselfie", b"licence", b"back")
    assert first == bundle_zip("abc", details, b"\xff\xd8\xffselfie", b"licence", b"back")
    files, infos = members(first)
    assert list(files) == ["abc_details.csv", "abc_selfie.png", "abc_license.png", "abc_license_back.png"]
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert infos[1].compress_type == zipfile.ZIP_STORED and infos[2].compress_type == zipfile.ZIP_DEFLATED
    assert "abc_license_back.png" not in members(bundle_zip("abc", details, b"s", b"l"))[0]


def test_flat_application_is_deterministic_and_passes_the_bundle_rules():
    data = application(photographed=False)
    assert data == application(photographed=False)
    assert data != application(seed=2, photographed=False)
    files, _ = members(data)
    assert set(files) == {f"{APP}_details.csv", f"{APP}_selfie.png", f"{APP}_license.png", f"{APP}_license_back.png"}
    assert Image.open(io.BytesIO(files[f"{APP}_license.png"])).format == "PNG"
    assert Image.open(io.BytesIO(files[f"{APP}_license.png"])).size == (1000, 630)
    bundle = read_bundle(data, APP)
    _, elements = read_back(bundle.license_back)
    assert bundle.details["DOCUMENT_NUMBER"] == elements["DAQ"]
    assert bundle.details["LAST_NAME"].upper() == elements["DCS"]
    assert bundle.details["ADDRESS"].upper() == elements["DAG"]


def test_same_seed_gives_the_same_zip_in_a_fresh_process():
    script = (
        "import hashlib, random; from datetime import date; from kyc_local.samples.bundles import make_application;"
        f"print(hashlib.sha256(make_application('{APP}', random.Random(1), state='TX', today=date(2026, 3, 1),"
        " selfie_photo='obama2', license_photo='obama', photographed=False)).hexdigest())"
    )
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip()
    assert other == hashlib.sha256(application(photographed=False)).hexdigest()


def test_photographed_application_has_phone_sized_jpegs_and_a_scannable_back():
    data = application(state="NY")
    files, _ = members(data)
    sizes = {name: Image.open(io.BytesIO(body)).size for name, body in files.items() if name.endswith(".png")}
    assert sizes == {f"{APP}_selfie.png": (900, 1200), f"{APP}_license.png": (1920, 1080),
                     f"{APP}_license_back.png": (1920, 1080)}
    assert all(files[name].startswith(b"\xff\xd8\xff") for name in sizes)
    assert len(data) < 2 * 1024 * 1024
    bundle = read_bundle(data, APP)
    assert read_back(bundle.license_back)[1]["DAQ"] == bundle.details["DOCUMENT_NUMBER"]


def test_without_back_and_with_csv_changes():
    data = application(photographed=False, with_back=False, csv_changes={"LAST_NAME": "Nobody"})
    bundle = read_bundle(data, APP)
    assert bundle.license_back is None
    assert bundle.details["LAST_NAME"] == "Nobody"


@pytest.mark.parametrize("state", ["CA", "NY", "TX", "FL", "WA", "PA", "MA"])
def test_invalid_number_fails_the_state_format_and_agrees_between_csv_and_card(state):
    bundle = read_bundle(application(state=state, invalid_number=True, photographed=False), APP)
    number = bundle.details["DOCUMENT_NUMBER"]
    assert not validate_license(number, state, frozenset()).valid
    assert read_back(bundle.license_back)[1]["DAQ"] == number


def test_expired_licence_expired_before_today():
    bundle = read_bundle(application(state="CA", expired=True, photographed=False), APP)
    _, elements = read_back(bundle.license_back)
    assert barcode_date(elements["DBA"]) < TODAY
    assert barcode_date(elements["DBD"]) < barcode_date(elements["DBA"])


def test_underage_applicant_is_sixteen_with_a_valid_licence():
    bundle = read_bundle(application(state="FL", underage=True, photographed=False), APP)
    _, elements = read_back(bundle.license_back)
    born = barcode_date(elements["DBB"])
    assert card_age(born, TODAY) == 16
    assert datetime.strptime(bundle.details["DATE_OF_BIRTH"], "%m/%d/%Y").date() == born
    assert barcode_date(elements["DBD"]) <= TODAY < barcode_date(elements["DBA"])
    assert card_age(born, barcode_date(elements["DBD"])) == 16
