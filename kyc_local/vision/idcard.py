"""Reads a US licence: OCR of the front (cropped to the card), PDF417 of the back, cross-checked field by field."""

from __future__ import annotations

import re

import numpy as np

from kyc_local.vision import card
from kyc_local.vision.aamva import parse_front
from kyc_local.vision.barcode import parse_aamva, read_pdf417
from kyc_local.vision.blocks import Text, detector_lines, line_box, page_text
from kyc_local.vision.fields import Document, Reading
from kyc_local.vision.ocr import OcrEngine, Word

CARD_HEIGHT = 630  # the flattened card the OCR reads, in pixels (about 1000 wide)
DISAGREE_CONFIDENCE = 40.0  # front and barcode differ: the barcode's value, below the core's confidence floor
MAX_CONFIDENCE = 99.99
SURE = 90.0  # an OCR word confidence that upright text reaches and upside-down text rarely does
_USPS = {"STREET": "ST", "AVENUE": "AVE", "BOULEVARD": "BLVD", "DRIVE": "DR", "LANE": "LN", "ROAD": "RD",
         "COURT": "CT", "PLACE": "PL", "TERRACE": "TER", "HIGHWAY": "HWY", "PARKWAY": "PKWY", "CIRCLE": "CIR",
         "APARTMENT": "APT", "SUITE": "STE", "NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W"}
_EYES = {"BRN": "BRO", "HZL": "HAZ"}  # printed eye colours → AAMVA codes


class IdCardReader:
    """The licence pages (front, and back when given) to fields by AnalyzeID type; for one caller at a time."""

    def __init__(self) -> None:
        self._ocr = OcrEngine()

    def read(self, pages: list[np.ndarray]) -> dict[str, Reading]:
        """Fields read from 1–2 RGB pages (front then back, or back then front), each page's merged (see
        read_documents)."""
        return merge([document.fields for document in self.read_documents(pages)])

    def read_documents(self, pages: list[np.ndarray]) -> list[Document]:
        """Each page read, in the order given (AnalyzeID answers one document per page): the front's printed
        fields and the back's barcode fields, each as the two sides cross-checked give them, so that merging the
        pages by best confidence never lets a barcode value the front contradicts come back confident."""
        front_at, barcode = 0, read_pdf417(pages[1]) if len(pages) > 1 else None
        if len(pages) > 1 and barcode is None and (swapped := read_pdf417(pages[0])):
            front_at, barcode = 1, swapped
        front, lines = self._front(pages[front_at])
        if len(pages) == 1 and len(front) < 3 and (barcode := read_pdf417(pages[0])):  # one page: the card's back
            return [Document(parse_aamva(barcode), lines)]
        back = parse_aamva(barcode) if barcode else {}
        combined = cross_check(front, back) if back else front
        printed = set(front) | ({"FIRST_NAME", "MIDDLE_NAME"} & set(back) if "FIRST_NAME" in front else set())
        return [
            Document({name: reading for name, reading in combined.items()
                      if name in (printed if index == front_at else back)}, lines if index == front_at else [])
            for index in range(len(pages))
        ]

    def _front(self, image: np.ndarray) -> tuple[dict[str, Reading], list[Text]]:
        """The front's fields and its text lines on the page, from one OCR pass. A card standing on its side in
        the photo is read as it stands (a vertical card); when its text runs sideways it is a landscape card turned a
        quarter, read turned back both ways (two more passes) and taken the way OCR reads more of it."""
        corners = card.locate(image)
        flat, matrix = card.flatten(image, corners, CARD_HEIGHT)
        words = self._ocr.words(flat)
        if card.standing(corners) and _sideways(words):
            turned = [card.flatten(image, corners, CARD_HEIGHT, turn) for turn in (1, -1)]
            flat, matrix, words = max(((flat, matrix, self._ocr.words(flat)) for flat, matrix in turned),
                                      key=lambda read: _legible(read[2]))
        lines = page_text(words, np.linalg.inv(matrix), (image.shape[1], image.shape[0]))
        return parse_front(words, flat.shape[0]), lines

    def warm(self) -> None:
        self._ocr.warm()


def _sideways(words: list[Word]) -> bool:
    """Most text lines of three or more characters are taller than wide: the text runs across the image."""
    tall = wide = 0
    for line in detector_lines(words):
        if sum(len(word.text) for word in line) < 3:
            continue
        left, top, right, bottom = line_box(line)
        width, height = right - left, bottom - top
        tall, wide = (tall + 1, wide) if height > width else (tall, wide + 1)
    return tall > wide


def _legible(words: list[Word]) -> int:
    """Characters OCR is sure of (upside-down text reads as unsure fragments)."""
    return sum(len(word.text) for word in words if word.confidence >= SURE)


def merge(pages: list[dict[str, Reading]]) -> dict[str, Reading]:
    """The pages' fields together, each field its most confident reading."""
    merged: dict[str, Reading] = {}
    for page in pages:
        for name, reading in page.items():
            if name not in merged or reading.confidence > merged[name].confidence:
                merged[name] = reading
    return merged


def cross_check(front: dict[str, Reading], back: dict[str, Reading]) -> dict[str, Reading]:
    """Both sides agree: the printed text, more confident. They differ: the barcode's value at low confidence.

    Given names are compared as a whole (first + middle), so a space the OCR missed ('AMANDAISABEL') still agrees
    and the barcode's split is kept.
    """
    combined = dict(front)
    given = ("FIRST_NAME", "MIDDLE_NAME")
    together = _given(front) == _given(back) and any(name in back for name in given)
    for name, coded in back.items():
        printed = front.get(name)
        if name in given and together:
            printed = Reading(coded.text, min(front[n].confidence for n in given if n in front), coded.normalized)
        if printed is None:
            combined[name] = coded
        elif _key(name, printed) == _key(name, coded):
            doubt = (100.0 - printed.confidence) * (100.0 - coded.confidence) / 100.0
            combined[name] = Reading(printed.text, round(min(MAX_CONFIDENCE, 100.0 - doubt), 2), printed.normalized)
        else:
            combined[name] = Reading(coded.text, DISAGREE_CONFIDENCE, coded.normalized)
    return combined


def _given(readings: dict[str, Reading]) -> str:
    return "".join(_key(name, readings[name]) for name in ("FIRST_NAME", "MIDDLE_NAME") if name in readings)


def _key(name: str, reading: Reading) -> str:
    """What must be equal for two readings of a field to agree."""
    if reading.normalized:
        return reading.normalized
    text = re.sub(r"[^A-Z0-9 ]", "", reading.text.upper())
    if name == "ZIP_CODE_IN_ADDRESS":
        return text[:5]
    if name == "ADDRESS":
        return "".join(_USPS.get(word, word) for word in text.split())
    if name == "EYES":
        return _EYES.get(text, text)
    return text.replace(" ", "")
