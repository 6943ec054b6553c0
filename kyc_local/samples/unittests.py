"""The sample bundles committed in UnitTests/ (one per outcome the system must produce) and their README."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kyc_local.samples.bundles import applicant, application_zip, details_csv, encode, zip_members
from kyc_local.samples.cards import render_front
from kyc_local.samples.identity import Identity, on_birthday
from kyc_local.samples.photos import PHOTOS, load_photo, selfie_from

UNIT_TESTS = Path(__file__).resolve().parents[2] / "UnitTests"
MIN_VALIDITY_YEARS = 6  # licences that should pass stay valid this long after generation
ADULT_AGE = 18
BOMB_BYTES = 16 * 1024 * 1024  # one member past the 15 MB cap, at a compression ratio near 1000


@dataclass(frozen=True)
class Sample:
    app_uuid: str
    status: str
    reasons: tuple[str, ...]
    contents: str
    state: str
    selfie: str
    license: str
    options: dict[str, Any] = field(default_factory=dict)
    hostile: bool = False


SAMPLES = (
    Sample("8d247914", "APPROVED", (), "Everything matches: CSV = licence, selfie and licence portrait are the same "
           "person, valid Texas number, adult, licence valid.", "TX", "obama2", "obama"),
    Sample("7a135804", "REJECTED", ("DETAILS_MISMATCH",), "CSV last name and street address differ from the licence; "
           "everything else matches.", "NY", "obama3", "obama",
           {"csv_changes": {"LAST_NAME": "Whitfield", "ADDRESS": "742 Evergreen Terrace"}}),
    Sample("9c358026", "REJECTED", ("SELFIE_MISMATCH",), "Selfie is another person (Biden) than the licence portrait "
           "(Obama); details match.", "FL", "biden", "obama"),
    Sample("3b91f0c6", "REJECTED", ("LICENSE_INVALID",), "Licence number has one digit too many for the state's "
           "format; the licence and the CSV carry the same number, everything else matches.", "WA", "obama2", "obama3",
           {"invalid_number": True}),
    Sample("5e0d7a21", "REJECTED", ("LICENSE_EXPIRED",), "Licence expired one to two years before generation; "
           "everything else matches.", "CA", "obama", "obama2", {"expired": True}),
    Sample("c4a8e613", "REJECTED", ("UNDERAGE",), "Applicant turned 16 shortly before generation and holds a valid "
           "licence; everything else matches.", "FL", "astronaut", "astronaut", {"underage": True}),
    Sample("d6e2b4f9", "REJECTED", ("BUNDLE_INVALID",), "Hostile archive: the three regular members plus a "
           "path-traversal member `../../../../tmp/kyc_pwned.sh` and a zip-bomb `_license_back.png` (16 MiB of zeros "
           "deflated to ~16 KB). Must be refused before any paid call.", "PA", "grace_hopper", "grace_hopper",
           hostile=True),
)


def sample_rng(sample: Sample) -> random.Random:
    return random.Random(f"kyc-sample-{sample.app_uuid}")


def sample_identity(sample: Sample, today: date) -> Identity:
    options = {key: value for key, value in sample.options.items() if key != "csv_changes"}
    return applicant(sample_rng(sample), sample.state, today, sex=PHOTOS[sample.license].sex, **options)


def sample_zip(sample: Sample, today: date) -> bytes:
    """The sample's bundle: 1920×1080 JPEG licence photos and a 900×1200 JPEG selfie (JPEG bytes in .png names)."""
    rng = sample_rng(sample)
    identity = sample_identity(sample, today)
    if not (sample.hostile or sample.options.get("expired")) and (identity.expiration_date - today).days < MIN_VALIDITY_YEARS * 365:
        raise ValueError(f"{sample.app_uuid}: licence expires too soon for a long-lived sample")
    if sample.hostile:
        return hostile_zip(sample.app_uuid, identity, rng, sample.selfie, sample.license)
    return application_zip(
        sample.app_uuid, identity, rng, selfie_photo=sample.selfie, license_photo=sample.license,
        csv_changes=sample.options.get("csv_changes"),
    )


def hostile_zip(app_uuid: str, identity: Identity, rng: random.Random, selfie: str, license: str) -> bytes:
    """A regular-looking application with a path-traversal member and a zip-bomb member."""
    return zip_members({
        f"{app_uuid}_details.csv": details_csv(identity.csv_row()),
        f"{app_uuid}_selfie.png": encode(selfie_from(load_photo(selfie), rng), "JPEG"),
        f"{app_uuid}_license.png": encode(render_front(identity, load_photo(license), rng), "JPEG"),
        "../../../../tmp/kyc_pwned.sh": b"#!/bin/sh\necho 'this file must never be written'\n",
        f"{app_uuid}_license_back.png": bytes(BOMB_BYTES),
    })


def regenerate_before(today: date) -> date:
    """The first day a sample no longer gives its expected outcome: a passing licence expires or the under-age
    applicant turns 18."""
    limits = []
    for sample in SAMPLES:
        identity = sample_identity(sample, today)
        if sample.options.get("underage"):
            limits.append(on_birthday(identity.date_of_birth, identity.date_of_birth.year + ADULT_AGE))
        if not (sample.hostile or sample.options.get("expired")):
            limits.append(identity.expiration_date)
    return min(limits)


def write_all(folder: Path = UNIT_TESTS, today: date | None = None) -> list[Path]:
    """Write every sample zip and the README into `folder`; returns the files written."""
    today = today or date.today()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for sample in SAMPLES:
        path = folder / f"{sample.app_uuid}.zip"
        path.write_bytes(sample_zip(sample, today))
        written.append(path)
    readme = folder / "README.md"
    readme.write_text(readme_text(today), encoding="utf-8")
    return [*written, readme]


def readme_text(today: date) -> str:
    rows = "\n".join(
        f"| `{s.app_uuid}.zip` | {s.status} | {', '.join(s.reasons) or '—'} | {s.state} licence, selfie `{s.selfie}`,"
        f" licence portrait `{s.license}`. {s.contents} |"
        for s in SAMPLES
    )
    photos = "\n".join(f"| `{p.name}` | {p.person} | {p.source} | {p.license} |" for p in PHOTOS.values())
    return README.format(today=today, rows=rows, photos=photos, until=regenerate_before(today))


README = """# UnitTests: sample application bundles

Each zip is what the mobile app uploads to `zipped/<app_uuid>.zip`: `<app_uuid>_details.csv` (the eight CSV fields),
`<app_uuid>_selfie.png`, `<app_uuid>_license.png` (front) and `<app_uuid>_license_back.png` (back, PDF417 barcode with
the AAMVA DL/ID data). The images are JPEG bytes under the lab's `.png` names (the system sniffs magic bytes): a
900×1200 phone selfie and 1920×1080 photos of the licence on a table, like the lab's. Licences are drawn by
`kyc_local.samples` in the AAMVA layout (field numbers such as `4d DLN`, `1`, `2`, `8`, `3 DOB`, `4b EXP`) with
made-up names, addresses and numbers; only the faces are real.

Generated on {today} by `python -m kyc_local.samples` (or `make samples`); deterministic for a given date.
Regenerate before {until}, the day the first sample stops giving its outcome (a licence expires or the under-age
applicant turns 18).

| Bundle | Expected status | Reasons | What it contains |
| --- | --- | --- | --- |
{rows}

## Photos

| Photo | Person | Source | Licence |
| --- | --- | --- | --- |
{photos}

The face-recognition photos are read from `.cache/photos` (`make photos` takes them from the face_recognition 1.3.0
sdist on PyPI; `KYC_PHOTO_DIR` overrides the folder). The package is MIT-licensed; its photos of Obama and Biden are
official White House photographs, works of the US federal government and so in the public domain (17 U.S.C. § 105);
the sdist itself says nothing about them. `astronaut.png` is Eileen Collins (NASA), public domain as scikit-image's
`skimage.data.astronaut` docstring states. `grace_hopper.jpg` is the US Navy portrait of Commodore Grace M. Hopper
(Naval History and Heritage Command NH 96919, the source Pillow names for its `hopper.jpg` made from the same photo);
matplotlib added it as a public-domain image when it removed `lena.png` (matplotlib pull request 1599).
"""
