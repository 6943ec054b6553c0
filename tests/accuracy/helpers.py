"""What a generated licence should read as, how a reading is scored, and image helpers."""

from __future__ import annotations

import io
from datetime import date

import numpy as np
from kyc.matching import document_number_key
from kyc.states import STATE_NAMES
from PIL import Image

from kyc_local.samples.identity import Identity

TODAY = date(2026, 3, 1)
THRESHOLD = 80.0
FLOOR = 50.0  # the core's confidence floor: a reading below it counts as unreadable


def rgb(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"))


def encoded(image: Image.Image, kind: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, kind, **options)
    return buffer.getvalue()


def expected_fields(person: Identity) -> dict[str, str]:
    """What AnalyzeID must return for the person's licence: text, or the ISO date for dates."""
    return {
        "FIRST_NAME": person.first_name, "MIDDLE_NAME": person.middle_name, "LAST_NAME": person.last_name,
        "ADDRESS": person.street, "CITY_IN_ADDRESS": person.city, "STATE_IN_ADDRESS": person.state,
        "ZIP_CODE_IN_ADDRESS": person.zip_code, "DOCUMENT_NUMBER": person.document_number,
        "DATE_OF_BIRTH": person.date_of_birth.isoformat(), "DATE_OF_ISSUE": person.issue_date.isoformat(),
        "EXPIRATION_DATE": person.expiration_date.isoformat(), "CLASS": person.license_class,
        "RESTRICTIONS": person.restrictions, "ENDORSEMENTS": person.endorsements,
        "STATE_NAME": STATE_NAMES[person.state].upper(), "ID_TYPE": "DRIVER LICENSE FRONT",
    }


def comparable(field: str, text: str) -> str:
    """The form in which the core compares a field: licence numbers as kyc.matching keys them, ZIP codes on five
    digits."""
    if field == "DOCUMENT_NUMBER":
        return document_number_key(text)
    if field == "ZIP_CODE_IN_ADDRESS":
        return text[:5]
    return text


def score(expected: dict[str, str], readings: dict) -> tuple[int, list[tuple[str, str, str | None, float]]]:
    """(fields right, misses): right = the expected value with a confidence at or above the floor."""
    right, misses = 0, []
    for field, want in expected.items():
        reading = readings.get(field)
        got = (reading.normalized or reading.text) if reading else None
        if got is not None and comparable(field, got) == comparable(field, want) and reading.confidence >= FLOOR:
            right += 1
        else:
            misses.append((field, want, got, reading.confidence if reading else 0.0))
    return right, misses
