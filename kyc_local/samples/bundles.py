"""Whole applications as the mobile app uploads them: a zip of the details CSV, a selfie and the licence photos."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from datetime import date

import zxingcpp
from kyc.model import DETAIL_FIELDS
from PIL import Image

from kyc_local.samples.aamva import payload
from kyc_local.samples.cards import photograph, render_back, render_front
from kyc_local.samples.identity import Identity, applicant
from kyc_local.samples.photos import PHOTOS, selfie_from, shared_photo

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
JPEG_QUALITY = 90


def bundle_zip(
    app_uuid: str, details: dict[str, str], selfie: bytes, license: bytes, license_back: bytes | None = None
) -> bytes:
    """The zip, byte for byte the same for the same inputs (fixed timestamps and attributes)."""
    members = {
        f"{app_uuid}_details.csv": details_csv(details),
        f"{app_uuid}_selfie.png": selfie,
        f"{app_uuid}_license.png": license,
    }
    if license_back is not None:
        members[f"{app_uuid}_license_back.png"] = license_back
    return zip_members(members)


def zip_members(members: dict[str, bytes]) -> bytes:
    """A deterministic zip; images are stored (deflate gains nothing on JPEG or PNG data), the rest deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in members.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.external_attr = 0o644 << 16
            image = body.startswith((b"\xff\xd8\xff", b"\x89PNG"))
            info.compress_type = zipfile.ZIP_STORED if image else zipfile.ZIP_DEFLATED
            archive.writestr(info, body)
    return out.getvalue()


def repack(body: bytes, old: str, new: str) -> bytes:
    """The same bundle under another app id: the members named for `old` are renamed for `new`."""
    with zipfile.ZipFile(io.BytesIO(body)) as source:
        members = {
            new + info.filename[len(old) :] if info.filename.startswith(old) else info.filename: source.read(info)
            for info in source.infolist()
        }
    return zip_members(members)


def details_csv(details: dict[str, str]) -> bytes:
    """The lab's details file: a header of the eight field names and one row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*DETAIL_FIELDS, *(key for key in details if key not in DETAIL_FIELDS)])
    writer.writeheader()
    writer.writerow(details)
    return out.getvalue().encode()


def encode(image: Image.Image, kind: str) -> bytes:
    """PNG (lossless, for flat cards and barcodes) or JPEG (what phone cameras send)."""
    out = io.BytesIO()
    if kind == "JPEG":
        image.save(out, "JPEG", quality=JPEG_QUALITY)
    else:
        image.save(out, "PNG", compress_level=3)
    return out.getvalue()


def make_application(
    app_uuid: str,
    rng: random.Random,
    *,
    state: str,
    today: date,
    selfie_photo: str | Image.Image,
    license_photo: str | Image.Image,
    csv_changes: dict[str, str] | None = None,
    expired: bool = False,
    underage: bool = False,
    invalid_number: bool = False,
    photographed: bool = True,
    with_back: bool = True,
    shot_format: str = "JPEG",
) -> bytes:
    """One application's zip. Photos by PHOTOS name (the holder's sex then follows the licence photo) or as images.
    `csv_changes` overrides CSV fields; `photographed` gives 1920×1080 camera shots (`shot_format` JPEG, or PNG as the
    lab's own bundles send them) instead of flat PNG cards."""
    sex = (PHOTOS[license_photo].sex or None) if isinstance(license_photo, str) else None
    identity = applicant(
        rng, state, today, sex=sex, expired=expired, underage=underage, invalid_number=invalid_number
    )
    return application_zip(
        app_uuid, identity, rng, selfie_photo=selfie_photo, license_photo=license_photo, csv_changes=csv_changes,
        photographed=photographed, with_back=with_back, shot_format=shot_format,
    )


def application_zip(
    app_uuid: str,
    identity: Identity,
    rng: random.Random,
    *,
    selfie_photo: str | Image.Image,
    license_photo: str | Image.Image,
    csv_changes: dict[str, str] | None = None,
    photographed: bool = True,
    with_back: bool = True,
    shot_format: str = "JPEG",
) -> bytes:
    """The zip for a given licence holder (see make_application)."""
    selfie = encode(selfie_from(_photo(selfie_photo), rng), "JPEG")
    front = render_front(identity, _photo(license_photo), rng)
    back = render_back(identity) if with_back else None
    if photographed:
        license_bytes = encode(photograph(front, rng), shot_format)
        back_bytes = encode(readable_shot(back, identity, rng), "JPEG") if back else None
    else:
        license_bytes = encode(front, "PNG")
        back_bytes = encode(back, "PNG") if back else None
    details = {**identity.csv_row(), **(csv_changes or {})}
    return bundle_zip(app_uuid, details, selfie, license_bytes, back_bytes)


def readable_shot(back: Image.Image, identity: Identity, rng: random.Random, tries: int = 5) -> Image.Image:
    """A photo of the back whose barcode zxing-cpp reads (a person retakes a shot the app cannot read)."""
    expected = payload(identity)
    for _ in range(tries):
        shot = photograph(back, rng)
        found = zxingcpp.read_barcodes(shot, formats=zxingcpp.BarcodeFormat.PDF417, text_mode=zxingcpp.TextMode.Plain)
        if any(code.text == expected for code in found):
            return shot
    return shot


def _photo(photo: str | Image.Image) -> Image.Image:
    return shared_photo(photo) if isinstance(photo, str) else photo
