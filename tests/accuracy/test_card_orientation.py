"""Which way a photographed card is read, and what it costs: a vertical (under-21) card standing in the photo is read
upright in one OCR pass, as a landscape card is; a landscape card photographed on its side (turned a quarter either
way) is turned back and read, in at most three passes."""

from __future__ import annotations

import random

import pytest
from PIL import Image

from kyc_local.samples.cards import photograph, render_front
from kyc_local.samples.identity import make_identity
from kyc_local.samples.layouts import other_identity, render_other
from kyc_local.samples.photos import load_photo
from kyc_local.vision.blocks import blocks
from kyc_local.vision.idcard import IdCardReader
from tests.accuracy.helpers import TODAY, expected_fields, rgb, score


class _Counting:
    """An OCR engine that counts its passes."""

    def __init__(self, engine) -> None:
        self.engine, self.passes = engine, 0

    def words(self, image):
        self.passes += 1
        return self.engine.words(image)


@pytest.fixture(scope="module")
def reader():
    reading = IdCardReader()
    reading._ocr = _Counting(reading._ocr)  # the pass count is what is tested
    return reading


def _read(reader, image: Image.Image, person) -> tuple[int, int, int]:
    """(fields right, confident wrong values, OCR passes) reading `image` of `person`'s licence."""
    reader._ocr.passes = 0
    right, misses = score(expected_fields(person), reader.read([rgb(image)]))
    wrong = sum(1 for _, _, got, confidence in misses if got is not None and confidence >= 50)
    return right, wrong, reader._ocr.passes


def test_a_photographed_vertical_card_is_read_upright_in_one_pass(reader):
    rng = random.Random("upright")
    person = other_identity("vertical", rng, TODAY)
    card = render_other("vertical", person, load_photo("grace_hopper"), rng)
    for frame in ((1920, 1080), (1080, 1920)):
        assert _read(reader, photograph(card, rng, frame), person) == (16, 0, 1)


@pytest.mark.parametrize("turn", [None, Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270])
def test_a_landscape_card_is_read_whichever_way_it_lies(reader, turn):
    rng = random.Random(f"turned {turn}")
    person = make_identity(rng, "CA", TODAY)
    photo = photograph(render_front(person, load_photo("biden"), rng), rng)
    right, wrong, passes = _read(reader, photo if turn is None else photo.transpose(turn), person)
    assert (right, wrong) == (16, 0) and passes == (1 if turn is None else 3)


@pytest.mark.parametrize("turn", [Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270])
def test_a_turned_card_s_lines_are_in_the_card_s_reading_order(reader, turn):
    """The LINE blocks of a card photographed on its side run as the card reads (its header first), as they do for
    the same photo upright: ordered on the card, not down the page (which runs across the turned card's lines)."""
    rng = random.Random("turned None")
    person = make_identity(rng, "CA", TODAY)
    photo = photograph(render_front(person, load_photo("biden"), rng), rng)

    def line_texts(image: Image.Image) -> list[str]:
        (document,) = reader.read_documents([rgb(image)])
        return [block["Text"].upper().replace(" ", "") for block in blocks(document.lines)
                if block["BlockType"] == "LINE"]

    upright, turned = line_texts(photo), line_texts(photo.transpose(turn))
    assert turned[:3] == upright[:3] == ["CALIFORNIA", "DRIVERLICENSE", "USA"]
    both = set(upright) & set(turned)  # a line OCR reads differently one way is left out
    assert len(both) >= 12 and [text for text in turned if text in both] == [text for text in upright if text in both]
