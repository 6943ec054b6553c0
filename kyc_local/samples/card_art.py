"""Card printing: packaged fonts, guilloche backgrounds, ghost portraits and signatures."""

from __future__ import annotations

import random
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from kyc_local.samples.designs import CARD_SIZE, Design


@cache
def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    """A DejaVu face from matplotlib's package data, so every machine renders the same glyphs."""
    spec = find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("matplotlib (which ships the DejaVu fonts) is not installed")
    path = Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf" / f"{name}.ttf"
    return ImageFont.truetype(str(path), size)


@cache
def background(design: Design) -> Image.Image:
    """The state's printed stock: gradient, guilloche line pattern, header band. Same for every card of a state."""
    width, height = CARD_SIZE
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    mix = (y / height)[..., None]
    base = np.array(design.top, np.float32) * (1 - mix) + np.array(design.bottom, np.float32) * mix
    lines = _guilloche(design.pattern, x, y)[..., None] * 0.32
    pixels = base * (1 - lines) + np.array(design.ink, np.float32) * lines
    card = Image.fromarray(pixels.astype(np.uint8), "RGB")
    if design.band:
        colour, band_height = design.band
        ImageDraw.Draw(card).rectangle((0, 0, width, band_height), fill=colour)
    return card


def _guilloche(kind: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Anti-aliased fine lines (0..1) along the level sets of a wavy field, like security printing."""
    if kind == "rosette":
        cx, cy = CARD_SIZE[0] * 0.62, CARD_SIZE[1] * 0.55
        radius = np.hypot(x - cx, y - cy)
        angle = np.arctan2(y - cy, x - cx)
        return np.maximum(_lines(radius + 9 * np.sin(12 * angle), 14), _lines(radius - 9 * np.sin(12 * angle), 14))
    if kind == "mesh":
        first = x + y + 14 * np.sin(y / 23.0)
        second = x - y + 14 * np.sin(x / 31.0)
        return np.maximum(_lines(first, 18), _lines(second, 18))
    return np.maximum(_lines(y + 16 * np.sin(x / 37.0), 11), _lines(y + 10 * np.sin(x / 17.0 + 1.3), 23) * 0.7)


def _lines(field: np.ndarray, spacing: float) -> np.ndarray:
    phase = field / spacing
    distance = np.abs(phase - np.round(phase)) * spacing
    return np.clip(1.3 - distance, 0.0, 1.0)


def ghost(portrait: Image.Image, backdrop: Image.Image, strength: float) -> Image.Image:
    """The small secondary portrait: grey, faint, printed over the card's pattern."""
    grey = portrait.convert("L").convert("RGB")
    return Image.blend(backdrop, grey, strength)


def signature(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], rng: random.Random) -> None:
    """A pen scribble (no letters, so it never reads as text)."""
    x, y, width, height = box
    strokes = [(rng.uniform(0.8, 2.2), rng.uniform(0, 6.28), rng.uniform(0.1, 0.3)) for _ in range(3)]
    loops, loop_size = rng.randint(4, 8), rng.uniform(6, 14)
    points = []
    for step in range(90):
        t = step / 89
        lift = sum(amplitude * np.sin(6.28 * (frequency * t * 3) + phase) for frequency, phase, amplitude in strokes)
        curl = np.sin(6.28 * loops * t)
        points.append((x + 12 + t * (width - 40) - loop_size * curl, y + height * (0.5 + lift) + loop_size * np.cos(
            6.28 * loops * t)))
    draw.line(points, fill=(25, 30, 90), width=3, joint="curve")
    draw.line((x + 5, y + height - 4, x + width - 10, y + height - 4), fill=(90, 90, 100), width=1)
