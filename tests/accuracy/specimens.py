"""Cards laid out like the public specimen licences of CA, NY and PA, and a design with labels above values.

They differ from the sample generator's cards on purpose: word labels without AAMVA numbers (CA), 'LAST, FIRST,
MIDDLE' names and two-digit years (NY), colons after labels and ZIP+4 (PA), labels printed above their values.
Each layout is a list of texts; `expected` is what AnalyzeID should return for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

SIZE = (1000, 630)


@dataclass(frozen=True)
class Specimen:
    name: str
    texts: tuple[tuple[str, int, int, int, str], ...]  # text, x, y (baseline), size, font
    expected: dict[str, str]
    band: tuple[int, int, int] | None = None
    colours: tuple[tuple[int, int, int], tuple[int, int, int]] = ((236, 232, 214), (214, 226, 238))


CA = Specimen(
    "CA 2010 specimen",
    (
        ("California", 30, 75, 58, "DejaVuSerif-BoldItalic"), ("DRIVER LICENSE", 640, 60, 30, "DejaVuSans-Bold"),
        ("DL", 330, 150, 18, "DejaVuSans"), ("I1234568", 370, 150, 30, "DejaVuSans-Bold"),
        ("EXP", 330, 195, 18, "DejaVuSans"), ("08/31/2014", 385, 195, 28, "DejaVuSans-Bold"),
        ("LN", 330, 245, 18, "DejaVuSans"), ("CARDHOLDER", 365, 245, 28, "DejaVuSans-Bold"),
        ("FN", 330, 285, 18, "DejaVuSans"), ("IMA", 365, 285, 28, "DejaVuSans-Bold"),
        ("2570 24TH STREET", 330, 330, 22, "DejaVuSans-Bold"),
        ("ANYTOWN, CA 95818", 330, 360, 22, "DejaVuSans-Bold"),
        ("DOB", 330, 410, 18, "DejaVuSans"), ("08/31/1977", 380, 410, 28, "DejaVuSans-Bold"),
        ("RSTR", 330, 450, 16, "DejaVuSans"), ("NONE", 385, 450, 20, "DejaVuSans-Bold"),
        ("CLASS", 600, 450, 16, "DejaVuSans"), ("C", 665, 450, 20, "DejaVuSans-Bold"),
        ("END", 600, 485, 16, "DejaVuSans"), ("NONE", 645, 485, 20, "DejaVuSans-Bold"),
        ("SEX", 330, 525, 16, "DejaVuSans"), ("F", 372, 525, 20, "DejaVuSans-Bold"),
        ("HAIR", 430, 525, 16, "DejaVuSans"), ("BRN", 482, 525, 20, "DejaVuSans-Bold"),
        ("EYES", 560, 525, 16, "DejaVuSans"), ("BRN", 618, 525, 20, "DejaVuSans-Bold"),
        ("HGT", 690, 525, 16, "DejaVuSans"), ("5'-05\"", 736, 525, 20, "DejaVuSans-Bold"),
        ("ISS", 330, 565, 16, "DejaVuSans"), ("08/31/2009", 370, 565, 20, "DejaVuSans-Bold"),
    ),
    {
        "LAST_NAME": "CARDHOLDER", "FIRST_NAME": "IMA", "ADDRESS": "2570 24TH STREET", "CITY_IN_ADDRESS": "ANYTOWN",
        "STATE_IN_ADDRESS": "CA", "ZIP_CODE_IN_ADDRESS": "95818", "DOCUMENT_NUMBER": "I1234568",
        "DATE_OF_BIRTH": "1977-08-31", "EXPIRATION_DATE": "2014-08-31", "DATE_OF_ISSUE": "2009-08-31",
        "CLASS": "C", "RESTRICTIONS": "NONE", "ENDORSEMENTS": "NONE", "STATE_NAME": "CALIFORNIA",
        "ID_TYPE": "DRIVER LICENSE FRONT",
    },
)

NY = Specimen(
    "NY 2008 specimen",
    (
        ("NEW YORK STATE", 28, 55, 42, "DejaVuSans-Bold"), ("DRIVER LICENSE", 28, 92, 22, "DejaVuSans"),
        ("ID:", 320, 150, 18, "DejaVuSans"), ("123 456 789", 360, 150, 28, "DejaVuSans-Bold"),
        ("CLASS", 700, 150, 18, "DejaVuSans"), ("D", 770, 150, 28, "DejaVuSans-Bold"),
        ("MOTORIST, MICHELLE, MARIE", 320, 200, 26, "DejaVuSans-Bold"),
        ("2345 ANYWHERE STREET", 320, 240, 22, "DejaVuSans-Bold"),
        ("YOUR CITY, NY 12345", 320, 270, 22, "DejaVuSans-Bold"),
        ("DOB:", 320, 330, 18, "DejaVuSans"), ("10/31/90", 375, 330, 28, "DejaVuSans-Bold"),
        ("SEX:", 320, 380, 16, "DejaVuSans"), ("F", 368, 380, 20, "DejaVuSans-Bold"),
        ("EYES:", 430, 380, 16, "DejaVuSans"), ("BRO", 490, 380, 20, "DejaVuSans-Bold"),
        ("HT:", 580, 380, 16, "DejaVuSans"), ("5-08", 618, 380, 20, "DejaVuSans-Bold"),
        ("E:", 320, 420, 16, "DejaVuSans"), ("NONE", 348, 420, 20, "DejaVuSans-Bold"),
        ("R:", 460, 420, 16, "DejaVuSans"), ("NONE", 488, 420, 20, "DejaVuSans-Bold"),
        ("ISSUED:", 320, 470, 16, "DejaVuSans"), ("09/30/08", 400, 470, 20, "DejaVuSans-Bold"),
        ("EXPIRES:", 560, 470, 16, "DejaVuSans"), ("10/31/16", 650, 470, 22, "DejaVuSans-Bold"),
    ),
    {
        "LAST_NAME": "MOTORIST", "FIRST_NAME": "MICHELLE", "MIDDLE_NAME": "MARIE", "ADDRESS": "2345 ANYWHERE STREET",
        "CITY_IN_ADDRESS": "YOUR CITY", "STATE_IN_ADDRESS": "NY", "ZIP_CODE_IN_ADDRESS": "12345",
        "DOCUMENT_NUMBER": "123456789", "DATE_OF_BIRTH": "1990-10-31", "EXPIRATION_DATE": "2016-10-31",
        "DATE_OF_ISSUE": "2008-09-30", "CLASS": "D", "RESTRICTIONS": "NONE", "ENDORSEMENTS": "NONE",
        "STATE_NAME": "NEW YORK", "ID_TYPE": "DRIVER LICENSE FRONT",
    },
    band=(28, 58, 120),
)

PA = Specimen(
    "PA 2017 specimen",
    (
        ("pennsylvania", 28, 70, 48, "DejaVuSerif-BoldItalic"), ("DRIVER'S LICENSE", 640, 60, 26, "DejaVuSans-Bold"),
        ("4d DLN:", 320, 150, 18, "DejaVuSans"), ("99 999 999", 400, 150, 28, "DejaVuSans-Bold"),
        ("1", 320, 200, 16, "DejaVuSans"), ("SAMPLE", 338, 200, 28, "DejaVuSans-Bold"),
        ("2", 320, 240, 16, "DejaVuSans"), ("ANDREW JASON", 338, 240, 28, "DejaVuSans-Bold"),
        ("8", 320, 285, 16, "DejaVuSans"), ("123 MAIN STREET", 338, 285, 22, "DejaVuSans-Bold"),
        ("HARRISBURG, PA 17101-0000", 338, 315, 22, "DejaVuSans-Bold"),
        ("3 DOB:", 320, 370, 18, "DejaVuSans"), ("01/07/1973", 390, 370, 28, "DejaVuSans-Bold"),
        ("4b EXP:", 320, 415, 16, "DejaVuSans"), ("01/08/2026", 392, 415, 22, "DejaVuSans-Bold"),
        ("4a ISS:", 600, 415, 16, "DejaVuSans"), ("01/07/2022", 670, 415, 22, "DejaVuSans-Bold"),
        ("9 CLASS:", 320, 460, 16, "DejaVuSans"), ("C", 405, 460, 20, "DejaVuSans-Bold"),
        ("12 RESTR:", 470, 460, 16, "DejaVuSans"), ("NONE", 565, 460, 20, "DejaVuSans-Bold"),
        ("9a END:", 680, 460, 16, "DejaVuSans"), ("NONE", 755, 460, 20, "DejaVuSans-Bold"),
        ("15 SEX:", 320, 505, 16, "DejaVuSans"), ("M", 392, 505, 20, "DejaVuSans-Bold"),
        ("16 HGT:", 470, 505, 16, "DejaVuSans"), ("5'-06\"", 545, 505, 20, "DejaVuSans-Bold"),
        ("18 EYES:", 680, 505, 16, "DejaVuSans"), ("BRO", 765, 505, 20, "DejaVuSans-Bold"),
    ),
    {
        "LAST_NAME": "SAMPLE", "FIRST_NAME": "ANDREW", "MIDDLE_NAME": "JASON", "ADDRESS": "123 MAIN STREET",
        "CITY_IN_ADDRESS": "HARRISBURG", "STATE_IN_ADDRESS": "PA", "ZIP_CODE_IN_ADDRESS": "17101",
        "DOCUMENT_NUMBER": "99999999", "DATE_OF_BIRTH": "1973-01-07", "EXPIRATION_DATE": "2026-01-08",
        "DATE_OF_ISSUE": "2022-01-07", "CLASS": "C", "RESTRICTIONS": "NONE", "ENDORSEMENTS": "NONE",
        "STATE_NAME": "PENNSYLVANIA", "ID_TYPE": "DRIVER LICENSE FRONT",
    },
)

STACKED = Specimen(
    "labels above values",
    (
        ("COLORADO", 30, 62, 46, "DejaVuSans-Bold"), ("DRIVER LICENSE", 690, 55, 26, "DejaVuSans-Bold"),
        ("4d DL NO.", 330, 120, 14, "DejaVuSans"), ("12-345-6789", 330, 152, 28, "DejaVuSans-Bold"),
        ("4b EXP", 640, 120, 14, "DejaVuSans"), ("03/14/2031", 640, 152, 26, "DejaVuSans-Bold"),
        ("1 LN", 330, 190, 14, "DejaVuSans"), ("NGUYEN", 330, 222, 28, "DejaVuSans-Bold"),
        ("2 FN", 330, 255, 14, "DejaVuSans"), ("LINH THI", 330, 287, 28, "DejaVuSans-Bold"),
        ("8 ADDRESS", 330, 320, 14, "DejaVuSans"), ("4471 WEST ELM AVENUE", 330, 348, 22, "DejaVuSans-Bold"),
        ("DENVER, CO 80204", 330, 376, 22, "DejaVuSans-Bold"),
        ("3 DOB", 330, 412, 14, "DejaVuSans"), ("11/02/1985", 330, 442, 26, "DejaVuSans-Bold"),
        ("4a ISS", 640, 412, 14, "DejaVuSans"), ("03/14/2023", 640, 442, 22, "DejaVuSans-Bold"),
        ("9 CLASS", 330, 478, 14, "DejaVuSans"), ("R", 330, 506, 22, "DejaVuSans-Bold"),
        ("12 RESTR", 480, 478, 14, "DejaVuSans"), ("A", 480, 506, 22, "DejaVuSans-Bold"),
        ("9a END", 640, 478, 14, "DejaVuSans"), ("NONE", 640, 506, 22, "DejaVuSans-Bold"),
    ),
    {
        "LAST_NAME": "NGUYEN", "FIRST_NAME": "LINH", "MIDDLE_NAME": "THI", "ADDRESS": "4471 WEST ELM AVENUE",
        "CITY_IN_ADDRESS": "DENVER", "STATE_IN_ADDRESS": "CO", "ZIP_CODE_IN_ADDRESS": "80204",
        "DOCUMENT_NUMBER": "123456789", "DATE_OF_BIRTH": "1985-11-02", "EXPIRATION_DATE": "2031-03-14",
        "DATE_OF_ISSUE": "2023-03-14", "CLASS": "R", "RESTRICTIONS": "A", "ENDORSEMENTS": "NONE",
        "STATE_NAME": "COLORADO", "ID_TYPE": "DRIVER LICENSE FRONT",
    },
    colours=((244, 240, 226), (226, 236, 228)),
)

SPECIMENS = (CA, NY, PA, STACKED)


@cache
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    spec = find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations
    path = Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf" / f"{name}.ttf"
    return ImageFont.truetype(str(path), size)


def render(specimen: Specimen) -> Image.Image:
    """The specimen as a flat 1000×630 card: gradient stock with fine lines, a portrait box, the texts."""
    width, height = SIZE
    mix = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    top, bottom = (np.array(c, np.float32) for c in specimen.colours)
    pixels = np.broadcast_to(top * (1 - mix) + bottom * mix, (height, width, 3)).copy()
    pixels[::9, :, :] *= 0.94  # printed hairlines
    card = Image.fromarray(pixels.astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(card)
    if specimen.band:
        draw.rectangle((0, 0, width, 105), fill=specimen.band)
    draw.rectangle((30, 115, 290, 460), fill=(150, 160, 175), outline=(60, 60, 70), width=2)
    ink = (255, 255, 255) if specimen.band else (25, 30, 60)
    for text, x, y, size, font in specimen.texts:
        colour = ink if specimen.band and y < 105 else (20, 22, 30)
        draw.text((x, y), text, fill=colour, font=_font(font, size), anchor="ls")
    return card
