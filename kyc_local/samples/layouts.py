"""Licence fronts in layout families the state designs (kyc_local.samples.designs) do not use, to test the reader on
cards it was not tuned on: labels above or below their values, abbreviated word labels without field numbers,
addresses on two street lines, vertical (under-21) cards, accented names, and values that start with field-number
digits. `other_identity` makes a holder that exercises the family; `render_other` prints the card.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date

import numpy as np
from kyc.states import STATE_NAMES
from PIL import Image, ImageDraw

from kyc_local.samples.card_art import font
from kyc_local.samples.identity import Identity, make_identity
from kyc_local.samples.photos import frame_face

FAMILIES = ("above", "below", "abbreviations", "two_line", "vertical", "accented", "digits")
STATES = ("TX", "PA", "NY", "WA", "FL", "MA", "CA")
LANDSCAPE, PORTRAIT = (1000, 630), (630, 1000)
INK, LABEL_INK = (20, 22, 34), (70, 40, 40)
ACCENTED_FIRST = ("JOSÉ", "MARÍA", "RENÉE", "ZOË", "FRANÇOIS", "INÉS", "ANDRÉ", "NOÉMIE", "JOËL", "ÁNGEL")
ACCENTED_LAST = ("GARCÍA", "NUÑEZ", "PEÑA", "MÜLLER", "LÓPEZ", "RODRÍGUEZ", "BJÖRK", "GARCÍA-LÓPEZ", "IBÁÑEZ")
DIGIT_STARTS = ("8", "1", "4", "9", "12", "15", "16", "18", "2", "3")
UNITS = ("APT", "UNIT", "STE")
NUMBER_LABELS = ("NUMBER", "DLN", "LIC NO", "DL NO")
LEFT_NUMBER_LABELS = ("DLN", "LIC#", "DL NO", "DL")

Item = tuple[str, int, int, int, bool]  # text, x, baseline y, size, bold (values bold, labels not)


def other_identity(family: str, rng: random.Random, today: date) -> Identity:
    """A holder whose card exercises `family`: accented names, a unit line, digit-leading numbers and streets."""
    state = rng.choice(("TX", "PA")) if family == "digits" else rng.choice(STATES)
    person = make_identity(rng, state, today)
    if family == "accented":
        person = dataclasses.replace(person, first_name=rng.choice(ACCENTED_FIRST),
                                     last_name=rng.choice(ACCENTED_LAST))
    if family == "two_line" or (family == "vertical" and rng.random() < 0.5):
        street = person.street.split(" APT ")[0]
        person = dataclasses.replace(person, street=f"{street} {rng.choice(UNITS)} {rng.randint(1, 40)}{rng.choice('AB')}")
    if family in {"digits", "above", "below"}:
        start = rng.choice(DIGIT_STARTS)
        number = person.document_number
        if number.isdigit():  # a digit-only format: the number starts like a field number
            number = start + number[len(start):]
        street = f"{start}{rng.randint(0, 99) if rng.random() < 0.5 else ''} {person.street.split(' ', 1)[1]}"
        person = dataclasses.replace(person, document_number=number, street=street)
    return person


def render_other(family: str, person: Identity, portrait: Image.Image, rng: random.Random) -> Image.Image:
    """The front of `person`'s licence in `family`'s layout."""
    vertical = family == "vertical"
    size = PORTRAIT if vertical else LANDSCAPE
    card = _stock(size, rng)
    draw = ImageDraw.Draw(card)
    state = STATE_NAMES[person.state].upper()
    draw.text((size[0] // 2 if vertical else 28, 22), state, fill=(20, 50, 110), anchor="ma" if vertical else "la",
              font=font("DejaVuSans-Bold", 40 if vertical else 46))
    header = "UNDER 21 DRIVER LICENSE" if vertical else "DRIVER LICENSE"
    draw.text((size[0] // 2 if vertical else 972, 78 if vertical else 30), header, fill=(150, 25, 35),
              anchor="ma" if vertical else "ra", font=font("DejaVuSans-Bold", 22))
    box = (195, 120, 240, 300) if vertical else (28, 115, 270, 345)
    card.paste(frame_face(portrait, box[2:], zoom=1.9, eye_line=0.45), box[:2])
    for text, x, y, text_size, bold in _ITEMS[family](person, rng):
        draw.text((x, y), text, fill=INK if bold else LABEL_INK, anchor="ls",
                  font=font("DejaVuSans-Bold" if bold else "DejaVuSans", text_size))
    return card


def _stock(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """A pale gradient with fine wavy security lines, in a random tint."""
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    tint = np.array([rng.randint(215, 245) for _ in range(3)], np.float32)
    base = tint * (1 - 0.08 * y[..., None] / height)
    waves = np.abs(np.sin((y + 12 * np.sin(x / 37.0)) / 5.0)) > 0.97
    pixels = np.where(waves[..., None], base * 0.9, base)
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8), "RGB")


def _dates(person: Identity) -> dict[str, str]:
    return {key: day.strftime("%m/%d/%Y") for key, day in
            (("3", person.date_of_birth), ("4a", person.issue_date), ("4b", person.expiration_date))}


def _given(person: Identity) -> str:
    return f"{person.first_name} {person.middle_name}"


def _city(person: Identity) -> str:
    return f"{person.city}, {person.state} {person.zip_code}"


def _street_lines(person: Identity) -> list[str]:
    """The street, with a unit ('APT 4B') on a line of its own."""
    for unit in UNITS:
        if f" {unit} " in person.street:
            street, rest = person.street.split(f" {unit} ")
            return [street, f"{unit} {rest}"]
    return [person.street]


def _discriminator(rng: random.Random) -> str:
    return "".join(rng.choices("0123456789", k=rng.randint(10, 14)))


def _stacked(person: Identity, rng: random.Random, below: bool, columns: tuple[int, int], top: int,
             row: int) -> list[Item]:
    """Small labels (AAMVA number and word) above, or below, large values, in rows of two columns."""
    dates = _dates(person)
    rows = [
        [("4d " + rng.choice(NUMBER_LABELS), person.document_number, 26), ("4b EXP", dates["4b"], 24)],
        [("1 LAST", person.last_name, 26)], [("2 FIRST", _given(person), 26)],
        [("8 ADDRESS", _street_lines(person) + [_city(person)], 20)],
        [("3 DOB", dates["3"], 24), ("4a ISS", dates["4a"], 22)],
        [("9 CLASS", person.license_class, 20), ("12 REST", person.restrictions, 20)],
        [("9a END", person.endorsements, 20), ("5 DD", _discriminator(rng), 16)],
    ]
    items: list[Item] = []
    y = top
    for cells in rows:
        height = 0
        for (label, value, size), x in zip(cells, columns):
            lines = value if isinstance(value, list) else [value]
            first = y + (0 if below else 30)
            for index, line in enumerate(lines):
                items.append((line, x, first + index * round(size * 1.3), size, True))
            label_y = first + (len(lines) - 1) * round(size * 1.3) + 20 if below else y
            items.append((label, x, label_y, 13, False))
            height = max(height, 30 + (len(lines) - 1) * round(size * 1.3))
        y += height + row
    return items


def _above(person: Identity, rng: random.Random) -> list[Item]:
    return _stacked(person, rng, False, (320, 660), 130, 22)


def _below(person: Identity, rng: random.Random) -> list[Item]:
    return _stacked(person, rng, True, (320, 660), 140, 26)


def _vertical(person: Identity, rng: random.Random) -> list[Item]:
    return _stacked(person, rng, False, (40, 360), 460, 26)


def _abbreviations(person: Identity, rng: random.Random) -> list[Item]:
    """Word labels left of their values, no field numbers; names labelled LN/FN; the address unlabelled."""
    dates = _dates(person)
    number_label = rng.choice(LEFT_NUMBER_LABELS)
    left = [(number_label, person.document_number, 30), ("EXP", dates["4b"], 24), ("LN", person.last_name, 28),
            ("FN", _given(person), 28)]
    items: list[Item] = []
    y = 150
    for label, value, size in left:
        items += [(label, 320, y, 16, False), (value, 320 + round(16 * 0.75 * len(label)) + 16, y, size, True)]
        y += 44
    for line in _street_lines(person) + [_city(person)]:
        items.append((line, 320, y, 22, True))
        y += 30
    y += 16
    grid = [[("DOB", dates["3"]), ("ISS", dates["4a"])], [("CLASS", person.license_class), ("REST", person.restrictions)],
            [("END", person.endorsements), ("SEX", person.sex)], [("HGT", person.height.replace("-", "'-") + '"'),
                                                                   ("DD", _discriminator(rng))]]
    for cells in grid:
        for (label, value), x in zip(cells, (320, 640)):
            items += [(label, x, y, 15, False), (value, x + round(15 * 0.75 * len(label)) + 14, y, 20, True)]
        y += 38
    return items


def _numbered(person: Identity, rng: random.Random) -> list[Item]:
    """AAMVA numbers left of the values (the generator's convention), with a street line, a unit line, the city."""
    dates = _dates(person)
    rows = [("4d", "DLN", person.document_number, 30), ("1", "", person.last_name, 28), ("2", "", _given(person), 28),
            ("8", "", _street_lines(person) + [_city(person)], 22)]
    items: list[Item] = []
    y = 150
    for number, word, value, size in rows:
        label = f"{number} {word}".strip()
        items.append((label, 320, y, 16, False))
        x = 320 + round(16 * 0.62 * len(label)) + 12
        for line in value if isinstance(value, list) else [value]:
            items.append((line, x, y, size, True))
            y += round(size * 1.35)
        y += 12
    y += 10
    grid = [[("3 DOB", dates["3"]), ("4b EXP", dates["4b"])], [("4a ISS", dates["4a"]), ("5 DD", _discriminator(rng))],
            [("9 CLASS", person.license_class), ("12 REST", person.restrictions)],
            [("9a END", person.endorsements), ("15 SEX", person.sex)]]
    for cells in grid:
        for (label, value), x in zip(cells, (320, 640)):
            items += [(label, x, y, 15, False), (value, x + round(15 * 0.62 * len(label)) + 12, y, 22, True)]
        y += 38
    return items


_ITEMS = {"above": _above, "below": _below, "abbreviations": _abbreviations, "two_line": _numbered,
          "vertical": _vertical, "accented": _numbered, "digits": _numbered}
