"""OCR words to Textract blocks (kyc_local.vision.blocks): lines as the detector found them, words and lines placed
back on the page through the card's perspective, as ratios of the page."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from kyc_local.vision.blocks import blocks, page_text
from kyc_local.vision.ocr import Word
from tests.accuracy.aws_shapes import block_problems

CARD = (1000, 630)
PAGE = (1920, 1080)
QUAD = [(400, 200), (1500, 150), (1560, 900), (380, 860)]  # the card's corners in the photo: tl, tr, br, bl


def _to_page() -> np.ndarray:
    flat = np.array([(0, 0), (CARD[0], 0), CARD, (0, CARD[1])], np.float32)
    return cv2.getPerspectiveTransform(flat, np.array(QUAD, np.float32)).astype(np.float64)


def test_a_word_as_large_as_the_card_lies_on_the_card_s_corners():
    (line,) = page_text([Word("CARD", 98.5, 0, 0, *CARD)], _to_page(), PAGE)
    expected = [(x / PAGE[0], y / PAGE[1]) for x, y in QUAD]
    assert np.allclose(line.polygon, expected, atol=1e-5) and np.allclose(line.words[0].polygon, expected, atol=1e-5)


def test_words_make_the_detector_s_lines_top_to_bottom():
    words = [Word("MAIN", 90, 420, 300, 500, 330, line=1), Word("8123", 99, 340, 300, 410, 330, line=1),
             Word("4d", 99, 300, 100, 330, 130, line=0), Word("DLN", 97, 330, 100, 380, 130, glued=True, line=0),
             Word("S123", 95, 400, 100, 480, 130, line=0)]
    lines = page_text(words, np.eye(3), CARD)
    assert [line.text for line in lines] == ["4dDLN S123", "8123 MAIN"]
    assert [word.text for word in lines[1].words] == ["8123", "MAIN"] and lines[1].confidence == pytest.approx(94.5)
    assert np.allclose(lines[0].polygon, [(0.3, 100 / 630), (0.48, 100 / 630), (0.48, 130 / 630), (0.3, 130 / 630)],
                       atol=1e-5)


def test_blocks_are_one_page_then_each_line_with_its_words():
    words = [Word("SMITH", 99, 330, 100, 420, 130), Word("1", 99, 300, 100, 310, 130),
             Word("JOHN", 99, 330, 140, 400, 170, line=1)]
    found = blocks(page_text(words, _to_page(), PAGE))
    assert [block["BlockType"] for block in found] == ["PAGE", "LINE", "WORD", "WORD", "LINE", "WORD"]
    assert block_problems(found) == []
    assert block_problems(blocks([])) == [] and len(blocks([])) == 1  # a page with no text: its PAGE block only



def _shifted(left: float) -> np.ndarray:
    """The card's pixels placed on the page unscaled, its left edge `left` (a ratio of the page's width) across."""
    return np.array([[1, 0, left * PAGE[0]], [0, 1, 100], [0, 0, 1]], np.float64)


def test_a_point_a_little_off_the_page_is_clamped_onto_it():
    (line,) = page_text([Word("CARD", 98.5, 0, 0, *CARD)], _shifted(-0.015), PAGE)
    assert block_problems(blocks([line])) == [] and line.polygon[0][0] == line.polygon[3][0] == 0.0


def test_a_point_further_off_the_page_is_left_there_for_the_shape_check_to_see():
    (line,) = page_text([Word("CARD", 98.5, 0, 0, *CARD)], _shifted(-0.03), PAGE)
    assert line.polygon[0][0] == pytest.approx(-0.03)
    assert any("BoundingBox outside the page" in problem for problem in block_problems(blocks([line])))


def test_a_wrong_homography_shows_in_the_shape_check():
    wrong = np.linalg.inv(_to_page())  # page → card instead of card → page
    found = blocks(page_text([Word("SMITH", 99, 330, 100, 420, 130)], wrong, PAGE))
    assert any("BoundingBox outside the page" in problem for problem in block_problems(found))
