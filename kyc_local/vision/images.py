"""Decode uploaded image bytes into RGB arrays, telling an unsupported format from a corrupt file."""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, ImageOps

MAX_PIXELS = 40_000_000

_MAGIC = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}


class UnsupportedImage(ValueError):
    """The bytes are not a JPEG or PNG file."""


class CorruptImage(ValueError):
    """The bytes claim a supported format but do not decode."""


def image_format(data: bytes) -> str | None:
    """'JPEG' or 'PNG' by magic bytes, else None."""
    for magic, name in _MAGIC.items():
        if data.startswith(magic):
            return name
    return None


def decode(data: bytes) -> np.ndarray:
    """RGB uint8 array (H, W, 3) of a JPEG or PNG, upright per its EXIF orientation."""
    if image_format(data) is None:
        raise UnsupportedImage("not a JPEG or PNG image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.width * img.height > MAX_PIXELS:
                    raise CorruptImage("image has too many pixels")
                img = ImageOps.exif_transpose(img)
                return np.asarray(img.convert("RGB"))
    except CorruptImage:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise CorruptImage("image does not decode") from exc
