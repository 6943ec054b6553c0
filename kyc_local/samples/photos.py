"""Real face photos that ship inside packages, their provenance, and phone-selfie framing of them."""

from __future__ import annotations

import math
import os
import random
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np
from PIL import Image

FACE_RECOGNITION = "face-recognition 1.3.0 sdist (MIT-licensed package), tests/test_images/"
WHITE_HOUSE = "official White House photograph, a work of the US federal government: public domain"


@dataclass(frozen=True)
class Photo:
    """One photo and where it comes from; `face` is its face box (left, top, right, bottom) in pixels."""

    name: str
    person: str
    source: str
    license: str
    file: str = ""
    face: tuple[int, int, int, int] = (0, 0, 0, 0)
    sex: str = ""


# Face boxes found once with dlib's HOG detector (upsampled once); they frame the head without a detector at run time.
PHOTOS: dict[str, Photo] = {
    photo.name: photo
    for photo in (
        Photo("obama", "obama", FACE_RECOGNITION + "obama.jpg", WHITE_HOUSE, "obama.jpg", (349, 142, 617, 409), "M"),
        Photo("obama2", "obama", FACE_RECOGNITION + "obama2.jpg", WHITE_HOUSE, "obama2.jpg", (171, 290, 438, 558), "M"),
        Photo("obama3", "obama", FACE_RECOGNITION + "obama3.jpg", WHITE_HOUSE, "obama3.jpg", (633, 277, 954, 598), "M"),
        Photo("biden", "biden", FACE_RECOGNITION + "biden.jpg", WHITE_HOUSE, "biden.jpg", (419, 241, 740, 562), "M"),
        Photo(
            "astronaut",
            "eileen_collins",
            "scikit-image 0.26 skimage/data/astronaut.png (NASA Great Images database)",
            "NASA photograph: public domain (skimage.data.astronaut docstring: 'No known copyright restrictions,"
            " released into the public domain')",
            "skimage:data/astronaut.png",
            (175, 76, 265, 166),
            "F",
        ),
        Photo(
            "grace_hopper",
            "grace_hopper",
            "matplotlib 3.11 mpl-data/sample_data/grace_hopper.jpg (US Navy, Naval History and Heritage Command NH 96919)",
            "US Navy photograph, a work of the US federal government: public domain",
            "matplotlib:mpl-data/sample_data/grace_hopper.jpg",
            (180, 139, 366, 325),
            "F",
        ),
    )
}


def photo_path(name: str) -> Path:
    """Where the photo's file is: a package's data folder, or the face-recognition photos folder."""
    file = PHOTOS[name].file
    package, _, inside = file.rpartition(":")
    if package:
        spec = find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise FileNotFoundError(f"package {package} is not installed")
        return Path(spec.submodule_search_locations[0]) / inside
    default = Path(__file__).resolve().parents[2] / ".cache" / "photos"
    return Path(os.environ.get("KYC_PHOTO_DIR") or default) / inside


def load_photo(name: str) -> Image.Image:
    """The photo in RGB, with its face box in `image.info["face_box"]` (trusted only while the size is unchanged)."""
    return shared_photo(name).copy()


@cache
def shared_photo(name: str) -> Image.Image:
    """The decoded photo, shared between callers: read it, never change it (load_photo gives a copy to change)."""
    with Image.open(photo_path(name)) as image:
        rgb = image.convert("RGB")
    rgb.info["face_box"] = PHOTOS[name].face
    rgb.info["face_box_size"] = rgb.size
    return rgb


def face_box(photo: Image.Image) -> tuple[float, float, float, float]:
    """The recorded face box, or a guess for a head-and-shoulders picture (upper middle). Pillow copies `info`
    into resized and cropped images too, so a box recorded for another size is not used."""
    box = photo.info.get("face_box")
    if box and photo.info.get("face_box_size") == photo.size:
        return box
    width, height = photo.size
    side = min(width, height) * 0.45
    return (width - side) / 2, height * 0.12, (width + side) / 2, height * 0.12 + side


def frame_face(
    photo: Image.Image, size: tuple[int, int], zoom: float, eye_line: float = 0.42, angle: float = 0.0
) -> Image.Image:
    """Crop `photo` around its face to `size`: the frame is `zoom` face widths wide, the face centre at `eye_line`
    of the height, turned by `angle` degrees; the frame shrinks to stay inside the photo."""
    left, top, right, bottom = face_box(photo)
    width, height = photo.size
    turn = math.radians(angle)
    cos, sin = math.cos(turn), abs(math.sin(turn))
    crop_w = (right - left) * zoom
    crop_h = crop_w * size[1] / size[0]
    fit = min(1.0, width / (crop_w * cos + crop_h * sin), height / (crop_w * sin + crop_h * cos))
    crop_w, crop_h = crop_w * fit, crop_h * fit
    reach_x, reach_y = (crop_w * cos + crop_h * sin) / 2, (crop_w * sin + crop_h * cos) / 2
    cx = min(max((left + right) / 2, reach_x), width - reach_x)
    cy = min(max((top + bottom) / 2 + crop_h * (0.5 - eye_line), reach_y), height - reach_y)
    if not angle:
        box = (cx - crop_w / 2, cy - crop_h / 2, cx + crop_w / 2, cy + crop_h / 2)
        return photo.resize(size, Image.Resampling.BICUBIC, box=box)
    scale = crop_w / size[0]
    cos, sin = math.cos(turn) * scale, math.sin(turn) * scale
    half_w, half_h = size[0] / 2, size[1] / 2
    coefficients = (cos, sin, cx - cos * half_w - sin * half_h, -sin, cos, cy + sin * half_w - cos * half_h)
    return photo.transform(size, Image.Transform.AFFINE, coefficients, Image.Resampling.BILINEAR)


def selfie_from(photo: Image.Image, rng: random.Random) -> Image.Image:
    """A 900×1200 phone selfie of the photo's person: framed at arm's length, tilted, recoloured and noisy."""
    framed = frame_face(
        photo, (900, 1200), zoom=rng.uniform(2.2, 2.6), eye_line=rng.uniform(0.38, 0.46), angle=rng.uniform(-4, 4)
    )
    framed = framed if framed.mode == "RGB" else framed.convert("RGB")
    exposure, contrast = rng.uniform(0.85, 1.12), rng.uniform(0.88, 1.08)
    table = []
    for _ in range(3):  # white balance: one gain per channel
        gain = exposure * rng.uniform(0.94, 1.06)
        table += [min(max(round(((value - 128) * contrast + 128) * gain), 0), 255) for value in range(256)]
    pixels = np.asarray(framed.point(table), dtype=np.int16) + sensor_noise(rng, (1200, 900, 3), rng.uniform(2, 5))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def sensor_noise(rng: random.Random, shape: tuple[int, ...], sigma: float) -> np.ndarray:
    """Camera noise of about `sigma` grey levels (int16), seeded from `rng`: the difference of two uniform bytes,
    a triangular distribution that costs a tenth of a Gaussian."""
    draw = np.random.default_rng(rng.getrandbits(64))
    noise = draw.integers(0, 256, shape, dtype=np.uint8).astype(np.int16)
    noise -= draw.integers(0, 256, shape, dtype=np.uint8)
    noise *= max(1, round(sigma / 104.5 * 256))
    noise += 128  # round, not floor, in the shift below
    noise >>= 8
    return noise
