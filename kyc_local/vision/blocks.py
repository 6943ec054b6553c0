"""A page's printed text as Textract returns it: OCR words, read on the flattened card, placed back on the page
(ratios of its size) and grouped into the detector's lines; then shaped as PAGE, LINE and WORD Blocks."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # the endpoint's process shapes blocks without loading the OCR engine
    from kyc_local.vision.ocr import Word

Point = tuple[float, float]
EDGE_TOLERANCE = 0.02  # a placed point this far (of the page's size) off the page is clamped onto it; further off,
# the card's perspective was mapped wrong, and the point is left where it fell so that the error shows


@dataclass(frozen=True)
class Text:
    """A word or a line: its text, confidence 0–100 and corners (tl, tr, br, bl as the text reads) in page ratios;
    a line also holds its words."""

    text: str
    confidence: float
    polygon: tuple[Point, Point, Point, Point]
    words: tuple[Text, ...] = ()


def detector_lines(words: list[Word]) -> list[list[Word]]:
    """`words` grouped into the text lines the detector found them in, in its order (top to bottom on the image it
    read), each line's words left to right."""
    by_line: dict[int, list[Word]] = {}
    for word in words:
        by_line.setdefault(word.line, []).append(word)
    return [sorted(members, key=lambda word: word.left) for _, members in sorted(by_line.items())]


def line_box(line: list[Word]) -> tuple[float, float, float, float]:
    """The box (left, top, right, bottom) around a line's words."""
    return (min(w.left for w in line), min(w.top for w in line), max(w.right for w in line),
            max(w.bottom for w in line))


def line_text(line: list[Word]) -> str:
    """A line's words (left to right) as one text: a space between two words unless OCR read them glued."""
    return "".join((" " if index and not word.glued else "") + word.text for index, word in enumerate(line))


def page_text(words: list[Word], to_page: np.ndarray, page_size: tuple[int, int]) -> list[Text]:
    """The lines of `words` (pixels of the image OCR read), in the detector's order (top to bottom on the card it
    read; not re-sorted on the page, where a card photographed turned a quarter runs across), placed on the page by
    the 3×3 homography `to_page` (OCR image → page pixels) for a page `page_size` (width, height) pixels."""
    lines = []
    for members in detector_lines(words):
        text, box = line_text(members), line_box(members)
        placed = tuple(Text(w.text, _percent(w.confidence), _place((w.left, w.top, w.right, w.bottom), to_page,
                                                                    page_size)) for w in members)
        confidence = sum(word.confidence for word in placed) / len(placed)
        lines.append(Text(text.strip(), round(confidence, 2), _place(box, to_page, page_size), placed))
    return lines


def blocks(lines: list[Text]) -> list[dict[str, Any]]:
    """The PAGE block (the whole page, its LINEs as children), then each LINE followed by its WORDs."""
    page: dict[str, Any] = {"BlockType": "PAGE", "Geometry": _geometry(((0.0, 0.0), (1.0, 0.0), (1.0, 1.0),
                                                                       (0.0, 1.0))),
                            "Id": str(uuid.uuid4()), "Page": 1}
    found = [page]
    for line in lines:
        words = [{**_block("WORD", word), "TextType": "PRINTED"} for word in line.words]
        found.append({**_block("LINE", line), "Relationships": [{"Type": "CHILD", "Ids": [w["Id"] for w in words]}]})
        found.extend(words)
    line_ids = [block["Id"] for block in found if block["BlockType"] == "LINE"]
    if line_ids:
        page["Relationships"] = [{"Type": "CHILD", "Ids": line_ids}]
    return found


def _block(kind: str, text: Text) -> dict[str, Any]:
    return {"BlockType": kind, "Confidence": text.confidence, "Text": text.text, "Geometry": _geometry(text.polygon),
            "Id": str(uuid.uuid4()), "Page": 1}


def _geometry(polygon: tuple[Point, ...]) -> dict[str, Any]:
    xs, ys = [x for x, _ in polygon], [y for _, y in polygon]
    box = {"Width": round(max(xs) - min(xs), 6), "Height": round(max(ys) - min(ys), 6), "Left": min(xs),
           "Top": min(ys)}
    return {"BoundingBox": box, "Polygon": [{"X": x, "Y": y} for x, y in polygon]}


def _place(box: tuple[float, float, float, float], to_page: np.ndarray,
           page_size: tuple[int, int]) -> tuple[Point, Point, Point, Point]:
    """A box's corners (tl, tr, br, bl) mapped onto the page, as ratios of its size; clamped to [0, 1] when they
    fall at most EDGE_TOLERANCE outside it (a card's edge found a little off), else left as they are."""
    left, top, right, bottom = box
    corners = np.array([[left, top, 1], [right, top, 1], [right, bottom, 1], [left, bottom, 1]], np.float64)
    mapped = corners @ to_page.T
    mapped = mapped[:, :2] / mapped[:, 2:]
    width, height = page_size
    ratios = [(_unit(x / width), _unit(y / height)) for x, y in mapped]
    return ratios[0], ratios[1], ratios[2], ratios[3]


def _unit(value: float) -> float:
    value = float(value)
    if -EDGE_TOLERANCE <= value <= 1.0 + EDGE_TOLERANCE:
        value = min(max(value, 0.0), 1.0)
    return round(value, 6)


def _percent(value: float) -> float:
    return round(min(max(value, 0.0), 100.0), 2)
