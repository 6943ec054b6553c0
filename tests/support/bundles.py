"""Small valid bundles built in memory, and the licence fields AnalyzeID would read from them."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

from PIL import Image

APPLICANT = {
    "FIRST_NAME": "Zelda",
    "LAST_NAME": "Quintanilla-Ørsted",
    "CITY_IN_ADDRESS": "Sacramento",
    "ZIP_CODE_IN_ADDRESS": "95814",
    "STATE_IN_ADDRESS": "CA",
    "DOCUMENT_NUMBER": "Y7654321",
    "DATE_OF_BIRTH": "04/09/1986",
    "ADDRESS": "1500 Capitol Mall",
}


def png(color: tuple[int, int, int], size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def details_csv(details: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(details))
    writer.writeheader()
    writer.writerow(details)
    return out.getvalue().encode()


def bundle(app_uuid: str, details: dict[str, str] | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    members = {
        f"{app_uuid}_details.csv": details_csv(details or APPLICANT),
        f"{app_uuid}_selfie.png": png((200, 150, 120)),
        f"{app_uuid}_license.png": png((30, 60, 200)),
        **(extra or {}),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def license_fields(details: dict[str, str] | None = None, expires: date = date(2031, 4, 9)) -> dict[str, str]:
    """What AnalyzeID reads from a licence that agrees with the CSV."""
    details = details or APPLICANT
    return {**{k: v for k, v in details.items()}, "EXPIRATION_DATE": expires.strftime("%m/%d/%Y")}
