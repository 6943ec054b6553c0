"""Random OCR word streams into the label parser and the front parser: whatever the recogniser returns, reading
never raises (an exception would answer AnalyzeID with a 500 and end the application in ERROR)."""

from __future__ import annotations

import random
import time

from kyc_local.vision.aamva import parse_front
from kyc_local.vision.labels import ALIASES, drop_implausible, find_fields, group_lines, values_nearby
from kyc_local.vision.ocr import Word

STREAMS = 3000
SEED = 20261204
NUMBERS = ["1", "2", "3", "4", "4a", "4b", "4c", "4d", "5", "6", "7", "8", "9", "9a", "10", "12", "13", "14", "15",
           "16", "17", "18", "19", "20"]
WORDS = [alias for aliases in ALIASES.values() for alias in aliases] + [
    "SMITH", "GARCÍA", "NUÑEZ", "O'BRIEN", "ANNE-MARIE", "MAIN", "STREET", "APT", "4B", "7G", "6TH", "14TH", "USA",
    "AUSTIN,", "TX", "78701", "78701-1234", "NONE", "M", "F", "BRO", "5'-09\"", "DRIVER", "LICENSE", "VETERAN",
    "TEXAS", "NEW", "YORK", "STATE", ":", "#", "/", "-", "", " ", "Ⅻ", "：", "0", "00/00/0000", "13/45/2020",
]


def _text(rng: random.Random) -> str:
    """A word as OCR might return it: a label, a value, a fusion of both, a date, digits, or noise."""
    kind = rng.random()
    if kind < 0.2:
        return rng.choice(NUMBERS) + rng.choice(["", ":", rng.choice(WORDS), str(rng.randint(0, 99999))])
    if kind < 0.3:
        return f"{rng.randint(0, 19):02d}{rng.choice('/-. ')}{rng.randint(0, 39):02d}/{rng.randint(0, 2099)}"
    if kind < 0.4:
        return "".join(rng.choices("0123456789OIlSBZDQ|-/.:#ÀÉÑ", k=rng.randint(1, 14)))
    if kind < 0.45:
        return "".join(chr(rng.randint(33, 0x2FFF)) for _ in range(rng.randint(1, 6)))
    return rng.choice(WORDS)


def _stream(rng: random.Random) -> list[Word]:
    """Up to 60 words on a card-sized page: mostly in rows like a card, some anywhere, some degenerate boxes."""
    words = []
    for _ in range(rng.randint(0, 60)):
        left, top = rng.uniform(-20, 1000), rng.choice([rng.uniform(-20, 630), 60 + 40 * rng.randint(0, 12)])
        width, height = rng.choice([rng.uniform(0, 300), 40.0]), rng.choice([rng.uniform(0, 120), 24.0, 0.0, 1e-9])
        words.append(Word(_text(rng), rng.uniform(0, 100), left, top, left + width, top + height, rng.random() < 0.1))
    return words


def test_thousands_of_random_streams_never_raise():
    rng = random.Random(SEED)
    started = time.perf_counter()
    for _ in range(STREAMS):
        words = _stream(rng)
        lines = group_lines(words)
        fields, loose = find_fields(lines)
        drop_implausible(fields, loose)
        values_nearby(fields, loose)
        readings = parse_front(words, rng.choice([630.0, 1000.0, 1.0]))
        assert all(0 <= reading.confidence <= 100 for reading in readings.values())
    assert time.perf_counter() - started < 30  # a few seconds on the 2-core machine


def test_the_issue_s_reproducer_reads_instead_of_crashing():
    """Words such as '7G' at the start of a line, where the field number has no entry in the fused-label table."""
    def word(text: str, x: float, y: float) -> Word:
        return Word(text, 99, x, y, x + 40, y + 20)

    stream = [word("1", 300, 100), word("SMITH", 330, 100), word("2", 300, 140), word("JOHN", 330, 140),
              word("3", 300, 180), word("01/02/1990", 330, 180), word("4d", 300, 220), word("123", 340, 220)]
    for text in ("7G", "6TH", "14TH", "4c", "13"):
        readings = parse_front([*stream, word(text, 20, 260)], 630)
        assert readings["LAST_NAME"].text == "SMITH" and readings["DATE_OF_BIRTH"].normalized == "1990-01-02"
