"""Seven state card designs in the AAMVA layout: where each numbered field, the portraits and headers go."""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]
CARD_SIZE = (1000, 630)
RED = (175, 20, 30)


@dataclass(frozen=True)
class Place:
    """One numbered field: left edge and baseline of its label, value font size, room it may take, colour."""

    key: str
    x: int
    y: int
    size: int
    width: int
    colour: RGB | None = None


@dataclass(frozen=True)
class Text:
    text: str
    x: int
    y: int
    size: int
    colour: RGB
    anchor: str = "la"
    font: str = "DejaVuSans-Bold"


@dataclass(frozen=True)
class Design:
    state: str
    top: RGB  # background gradient, top to bottom
    bottom: RGB
    pattern: str  # "waves", "rosette" or "mesh"
    ink: RGB  # pattern colour
    band: tuple[RGB, int] | None  # header band colour and height
    header: tuple[Text, ...]
    number: RGB  # colour of the AAMVA field numbers
    text: RGB  # colour of values and word labels
    portrait: tuple[int, int, int, int]  # x, y, width, height
    ghost: tuple[int, int, int, int]
    signature: tuple[int, int, int, int]
    fields: tuple[Place, ...]
    licence_label: str = "DLN"


NAVY = (20, 45, 105)

DESIGNS: dict[str, Design] = {
    "CA": Design(
        "CA", (238, 224, 180), (212, 226, 240), "waves", (150, 118, 50), None,
        (
            Text("CALIFORNIA", 28, 18, 58, NAVY, font="DejaVuSerif-BoldItalic"),
            Text("DRIVER LICENSE", 972, 24, 28, NAVY, "ra"),
            Text("USA", 972, 62, 22, NAVY, "ra"),
        ),
        RED, (25, 25, 35), (28, 112, 280, 360), (830, 330, 130, 165), (28, 490, 280, 70),
        (
            Place("4d", 330, 150, 34, 480), Place("4b", 330, 195, 28, 480, RED),
            Place("1", 330, 245, 28, 480), Place("2", 330, 285, 28, 480), Place("8", 330, 330, 22, 490),
            Place("3", 330, 410, 28, 480, RED),
            Place("12", 330, 450, 20, 240), Place("9", 580, 450, 20, 240),
            Place("4a", 330, 485, 20, 240), Place("9a", 580, 485, 20, 240),
            Place("15", 330, 525, 20, 130), Place("16", 470, 525, 20, 160), Place("18", 640, 525, 20, 180),
        ),
        licence_label="DL",
    ),
    "NY": Design(
        "NY", (222, 232, 246), (242, 242, 236), "rosette", (70, 110, 175), ((28, 58, 120), 100),
        (
            Text("NEW YORK STATE", 28, 12, 44, (255, 255, 255)),
            Text("DRIVER LICENSE", 28, 64, 24, (255, 255, 255), font="DejaVuSans"),
            Text("USA", 972, 30, 26, (255, 255, 255), "ra"),
        ),
        (20, 40, 110), (20, 20, 30), (28, 120, 270, 345), (840, 420, 120, 150), (28, 480, 270, 70),
        (
            Place("4d", 320, 155, 32, 640), Place("1", 320, 205, 28, 640), Place("2", 320, 245, 28, 640),
            Place("8", 320, 290, 22, 640), Place("3", 320, 370, 28, 500, RED),
            Place("15", 320, 410, 20, 140), Place("18", 470, 410, 20, 170), Place("16", 650, 410, 20, 170),
            Place("9", 320, 450, 20, 140), Place("12", 470, 450, 20, 200), Place("9a", 680, 450, 20, 150),
            Place("4a", 320, 500, 22, 250), Place("4b", 580, 500, 22, 250, RED),
        ),
        licence_label="ID",
    ),
    "TX": Design(
        "TX", (236, 238, 246), (228, 214, 206), "mesh", (120, 120, 175), None,
        (
            Text("TEXAS", 500, 8, 62, (10, 40, 100), "ma"),
            Text("DRIVER LICENSE", 500, 80, 26, (180, 30, 40), "ma"),
            Text("USA", 28, 22, 24, (10, 40, 100)),
        ),
        (180, 30, 40), (15, 20, 40), (28, 125, 275, 350), (840, 130, 120, 150), (28, 490, 275, 70),
        (
            Place("4d", 325, 165, 32, 505), Place("4a", 325, 205, 20, 245), Place("4b", 580, 205, 20, 250, RED),
            Place("1", 325, 255, 28, 505), Place("2", 325, 300, 28, 505), Place("8", 325, 345, 22, 640),
            Place("3", 325, 425, 28, 320, (150, 20, 30)), Place("9", 660, 425, 22, 300),
            Place("12", 325, 465, 20, 320), Place("9a", 660, 465, 20, 300),
            Place("15", 325, 505, 20, 150), Place("16", 485, 505, 20, 165), Place("18", 660, 505, 20, 170),
        ),
    ),
    "FL": Design(
        "FL", (234, 244, 230), (250, 236, 212), "waves", (215, 140, 55), ((22, 110, 70), 90),
        (
            Text("FLORIDA", 972, 12, 52, (255, 255, 255), "ra"),
            Text("DRIVER LICENSE", 28, 18, 24, (255, 255, 255)),
            Text("USA", 28, 52, 22, (255, 220, 140)),
        ),
        (22, 110, 70), (20, 25, 20), (28, 110, 275, 350), (850, 455, 110, 140), (28, 480, 275, 70),
        (
            Place("4d", 325, 145, 32, 630), Place("1", 325, 195, 28, 630), Place("2", 325, 235, 28, 630),
            Place("8", 325, 280, 22, 630),
            Place("3", 325, 360, 26, 300), Place("4b", 640, 360, 26, 330, RED),
            Place("4a", 325, 400, 20, 300), Place("9", 640, 400, 20, 200),
            Place("12", 325, 440, 20, 300), Place("9a", 640, 440, 20, 200),
            Place("15", 325, 480, 20, 140), Place("16", 470, 480, 20, 150), Place("18", 625, 480, 20, 200),
        ),
    ),
    "WA": Design(
        "WA", (218, 238, 236), (236, 240, 226), "rosette", (40, 130, 130), None,
        (
            Text("WASHINGTON", 330, 14, 52, (0, 88, 100)),
            Text("DRIVER LICENSE", 330, 76, 24, (0, 88, 100), font="DejaVuSans"),
            Text("USA", 972, 22, 24, (0, 88, 100), "ra"),
        ),
        (0, 100, 110), (15, 30, 35), (28, 28, 275, 350), (60, 465, 100, 125), (28, 392, 275, 60),
        (
            Place("4d", 330, 150, 32, 640), Place("4b", 330, 190, 22, 300, RED), Place("4a", 650, 190, 22, 300),
            Place("1", 330, 240, 28, 640), Place("2", 330, 280, 28, 640), Place("8", 330, 325, 22, 640),
            Place("3", 330, 405, 28, 500, RED),
            Place("15", 330, 450, 20, 140), Place("16", 480, 450, 20, 160), Place("18", 650, 450, 20, 200),
            Place("9", 330, 495, 20, 200), Place("12", 540, 495, 20, 220), Place("9a", 770, 495, 20, 200),
        ),
    ),
    "PA": Design(
        "PA", (226, 232, 244), (244, 236, 210), "mesh", (60, 90, 160), ((20, 50, 110), 95),
        (
            Text("PENNSYLVANIA", 28, 12, 46, (250, 200, 60)),
            Text("DRIVER LICENSE", 28, 64, 22, (255, 255, 255)),
            Text("USA", 972, 34, 24, (250, 200, 60), "ra"),
        ),
        (20, 50, 110), (20, 20, 30), (28, 115, 270, 345), (860, 110, 105, 135), (28, 480, 270, 70),
        (
            Place("4d", 320, 150, 30, 520), Place("3", 320, 195, 24, 520, RED),
            Place("1", 320, 240, 28, 530), Place("2", 320, 285, 28, 640), Place("8", 320, 330, 22, 640),
            Place("4a", 320, 410, 22, 300), Place("4b", 640, 410, 22, 320, RED),
            Place("9", 320, 455, 20, 150), Place("12", 480, 455, 20, 220), Place("9a", 710, 455, 20, 250),
            Place("15", 320, 500, 20, 150), Place("16", 480, 500, 20, 160), Place("18", 650, 500, 20, 200),
        ),
    ),
    "MA": Design(
        "MA", (246, 240, 238), (232, 232, 240), "waves", (170, 60, 70), ((160, 20, 40), 14),
        (
            Text("MASSACHUSETTS", 500, 24, 50, (160, 20, 40), "ma", "DejaVuSerif-Bold"),
            Text("DRIVER LICENSE", 500, 86, 24, (30, 30, 40), "ma"),
            Text("USA", 972, 30, 22, (160, 20, 40), "ra"),
        ),
        (160, 20, 40), (20, 20, 30), (28, 120, 275, 350), (845, 420, 115, 145), (28, 490, 275, 70),
        (
            Place("4d", 325, 160, 32, 640), Place("4b", 325, 200, 22, 300, RED), Place("4a", 640, 200, 22, 320),
            Place("3", 325, 245, 26, 500), Place("1", 325, 295, 28, 640), Place("2", 325, 335, 28, 640),
            Place("8", 325, 380, 22, 640),
            Place("9", 325, 455, 20, 150), Place("12", 480, 455, 20, 200), Place("9a", 690, 455, 20, 145),
            Place("15", 325, 495, 20, 150), Place("16", 480, 495, 20, 160), Place("18", 640, 495, 20, 190),
        ),
    ),
}
