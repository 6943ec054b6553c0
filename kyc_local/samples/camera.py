"""A phone photographing a card on a table, and the ways such photos go wrong."""

from __future__ import annotations

import io
import math
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from kyc_local.samples.photos import sensor_noise

TALLEST = 0.92  # of the frame's height, for the card before it is turned and nudged
SURFACES = (((122, 84, 52), (92, 60, 36)), ((70, 72, 78), (50, 52, 58)), ((200, 196, 186), (170, 166, 156)),
            ((40, 48, 62), (25, 30, 40)), ((150, 120, 90), (120, 96, 70)))


def photograph(card: Image.Image, rng: random.Random, size: tuple[int, int] = (1920, 1080)) -> Image.Image:
    """The card held over a table: ~70 % of the frame width, tilted in perspective, with shadow, light and noise."""
    frame_w, frame_h = size
    scene = _surface(rng, size)
    corners = _quad(card.size, size, rng)
    cover = _rounded(card)
    coefficients = _perspective(corners, [(0, 0), (card.width, 0), (card.width, card.height), (0, card.height)])
    warped = cover.transform(size, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC)
    shadow = Image.new("L", (frame_w // 4, frame_h // 4), 0)
    offset = (rng.uniform(4, 14), rng.uniform(6, 18))
    ImageDraw.Draw(shadow).polygon([((x + offset[0]) / 4, (y + offset[1]) / 4) for x, y in corners], fill=150)
    shadow = shadow.filter(ImageFilter.BoxBlur(4)).resize(size, Image.Resampling.BILINEAR)
    scene.paste((10, 10, 10), (0, 0), shadow)
    scene.paste(warped, (0, 0), warped)
    pixels = np.asarray(scene, dtype=np.float32)
    pixels = _lighting(pixels, rng) * rng.uniform(0.85, 1.08)
    pixels = _glare(pixels, rng, corners, strength=rng.uniform(0.08, 0.2))
    pixels += sensor_noise(rng, pixels.shape, rng.uniform(2.0, 4.0))  # int16 noise, added in float32
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    return image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8)))


def degrade(
    image: Image.Image,
    rng: random.Random,
    *,
    jpeg_quality: int | None = None,
    blur: float = 0.0,
    glare: bool = False,
    low_contrast: bool = False,
) -> Image.Image:
    """What a poor capture does: washed-out contrast, a glare spot, defocus blur, heavy JPEG compression."""
    pixels = np.asarray(image.convert("RGB"), dtype=np.float32)
    if low_contrast:
        pixels = pixels.mean() + (pixels - pixels.mean()) * rng.uniform(0.3, 0.45) + rng.uniform(20, 45)
    if glare:
        width, height = image.size
        box = [(width * 0.15, height * 0.15), (width * 0.85, height * 0.15), (width * 0.85, height * 0.85),
               (width * 0.15, height * 0.85)]
        pixels = _glare(pixels, rng, box, strength=rng.uniform(1.3, 1.8))
    out = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    if blur:
        out = out.filter(ImageFilter.GaussianBlur(blur))
    if jpeg_quality is not None:
        buffer = io.BytesIO()
        out.save(buffer, "JPEG", quality=jpeg_quality)
        out = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    return out


def _surface(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """A table top: two tones in smooth blotches with grain, drawn small and scaled up."""
    light, dark = rng.choice(SURFACES)
    small = (size[0] // 16, size[1] // 16)
    blotches = np.random.default_rng(rng.getrandbits(64)).random((small[1], small[0]), dtype=np.float32)
    mix = np.asarray(Image.fromarray((blotches * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(3)))
    mix = (mix.astype(np.float32) / 255.0)[..., None]
    grain = np.sin(np.arange(small[1], dtype=np.float32)[:, None, None] * rng.uniform(0.3, 0.9)) * 0.15
    tone = np.array(light, np.float32) * (1 - mix) + np.array(dark, np.float32) * mix
    tone = tone * (1 + grain)
    return Image.fromarray(np.clip(tone, 0, 255).astype(np.uint8), "RGB").resize(size, Image.Resampling.BICUBIC)


def _quad(card: tuple[int, int], frame: tuple[int, int], rng: random.Random) -> list[tuple[float, float]]:
    """Where the card's corners land: centred-ish, turned a few degrees, each corner nudged for perspective; a card
    too tall for the frame at that width (a vertical card in a landscape frame) fills most of its height instead."""
    width = frame[0] * rng.uniform(0.62, 0.74)
    height = width * card[1] / card[0]
    if height > TALLEST * frame[1]:
        height = frame[1] * rng.uniform(0.78, 0.9)
        width = height * card[0] / card[1]
    cx = frame[0] / 2 + rng.uniform(-0.04, 0.04) * frame[0]
    cy = frame[1] / 2 + rng.uniform(-0.03, 0.03) * frame[1]
    turn = math.radians(rng.uniform(-3, 3))
    corners = []
    for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        dx = sx * width / 2 + rng.uniform(-0.015, 0.015) * width
        dy = sy * height / 2 + rng.uniform(-0.015, 0.015) * width
        x = cx + dx * math.cos(turn) - dy * math.sin(turn)
        y = cy + dx * math.sin(turn) + dy * math.cos(turn)
        corners.append((min(max(x, 4), frame[0] - 4), min(max(y, 4), frame[1] - 4)))
    return corners


def _perspective(targets: list[tuple[float, float]], sources: list[tuple[float, float]]) -> tuple[float, ...]:
    """PIL's eight coefficients mapping each output point (target) back to the card point (source)."""
    rows, values = [], []
    for (x, y), (u, v) in zip(targets, sources):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        values.extend((u, v))
    return tuple(np.linalg.solve(np.array(rows, np.float64), np.array(values, np.float64)))


def _rounded(card: Image.Image) -> Image.Image:
    """The card with the ID-1 corner radius (3.18 mm of 85.6 mm) cut out."""
    mask = Image.new("L", card.size, 0)
    radius = round(card.width * 3.18 / 85.6)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, card.width - 1, card.height - 1), radius, fill=255)
    cover = card.convert("RGBA")
    cover.putalpha(mask)
    return cover


def _lighting(pixels: np.ndarray, rng: random.Random) -> np.ndarray:
    """A soft light fall-off from one side of the frame."""
    height, width = pixels.shape[:2]
    angle = rng.uniform(0, 2 * math.pi)
    ramp = np.cos(angle) * np.linspace(-1, 1, width, dtype=np.float32)[None, :] + np.sin(angle) * np.linspace(
        -1, 1, height, dtype=np.float32
    )[:, None]
    return pixels * (1 + rng.uniform(0.05, 0.15) * ramp)[..., None]


def _glare(
    pixels: np.ndarray, rng: random.Random, box: list[tuple[float, float]], strength: float
) -> np.ndarray:
    """A soft white highlight somewhere inside `box` (the card's corners); a `strength` above 1 burns its core
    out to white."""
    height, width = pixels.shape[:2]
    xs = [x for x, _ in box]
    ys = [y for _, y in box]
    cx, cy = rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys))
    rx, ry = rng.uniform(0.06, 0.14) * width, rng.uniform(0.05, 0.12) * height
    gx = np.exp(-(((np.arange(width, dtype=np.float32) - cx) / rx) ** 2))
    gy = np.exp(-(((np.arange(height, dtype=np.float32) - cy) / ry) ** 2))
    spot = np.minimum(gy[:, None] * gx[None, :] * strength, 1.0)[..., None]
    return pixels * (1 - spot) + 255.0 * spot
