"""Image safety: a PNG or JPEG is walked by its own structure, under per-input budgets, before Pillow decodes it.

The walk reads only chunk and marker headers (entropy-coded JPEG data is skipped by one C-level search), so a
hostile file costs at most a pass over its bytes before a budget refuses it. Budgets: docs/reliability.md.
"""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass
from math import ceil

from PIL import Image

from kyc.model import Reason, Rejection

MB = 1024 * 1024
MAX_PIXELS = 40_000_000  # by the header
MAX_DECODE_BYTES = 64 * MB  # Pillow's pixels, plus libjpeg's coefficient buffers for a multi-scan JPEG
MAX_JPEG_SCANS = 32  # libjpeg's progressive scripts use 6-10; each scan is a pass over every block
MAX_JPEG_SEGMENTS = 256  # markers outside the entropy-coded data (APPn, COM, DQT, DHT, SOS, ...)
MAX_PNG_CHUNKS = 8192  # a 15 MB PNG in libpng's 8 KB IDAT chunks has about 1,900
MAX_PNG_COMPRESSED_CHUNKS = 4  # zTXt, iTXt, iCCP: Pillow inflates each to up to 1 MB

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_COMPRESSED = frozenset({b"zTXt", b"iTXt", b"iCCP"})
_PNG_BYTES_PER_PIXEL = {0: 1, 2: 4, 3: 1, 4: 4, 6: 4}  # by colour type, as Pillow holds it (RGB in 4 bytes)
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_PROGRESSIVE = frozenset({0xC2, 0xC6, 0xCA, 0xCE})
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
_JPEG_FILL = re.compile(rb"\xff+")
_JPEG_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7]")  # the first marker after a scan (RSTn belong to it)


class _Unsafe(Exception):
    """A structure or budget rule broken; the message names the rule, never the file's bytes."""


@dataclass(frozen=True)
class _Layout:
    image_format: str
    width: int
    height: int
    decode_bytes: int


def image_content_type(data: bytes) -> str:
    """The MIME type of an image by its magic bytes (the file name may lie)."""
    if data.startswith(PNG_MAGIC):
        return "image/png"
    if data.startswith(JPEG_MAGIC):
        return "image/jpeg"
    raise Rejection(Reason.IMAGE_INVALID, "image is neither PNG nor JPEG")


def check_image(data: bytes, where: str) -> None:
    """A PNG or JPEG within every budget, ending at its end marker, that Pillow decodes; else Rejection(IMAGE_INVALID).

    A JPEG decodes at an eighth of its size: every coefficient is still read (truncated or corrupt data still
    fails), without the full-size pixels nobody looks at here."""
    try:
        if data.startswith(PNG_MAGIC):
            layout = _png_layout(data)
        elif data.startswith(JPEG_MAGIC):
            layout = _jpeg_layout(data)
        else:
            raise _Unsafe("is neither PNG nor JPEG")
        if layout.width * layout.height > MAX_PIXELS:
            raise _Unsafe(f"exceeds {MAX_PIXELS // 1_000_000} megapixels")
        if layout.decode_bytes > MAX_DECODE_BYTES:
            raise _Unsafe(f"needs more than {MAX_DECODE_BYTES // MB} MB to decode")
    except _Unsafe as problem:
        raise Rejection(Reason.IMAGE_INVALID, f"{where}: {problem}") from None
    try:
        with Image.open(io.BytesIO(data), formats=[layout.image_format]) as image:
            if image.size != (layout.width, layout.height):
                raise ValueError("Pillow's size differs from the header's")
            image.draft(image.mode, (image.width // 8, image.height // 8))  # no-op for a PNG
            image.load()
    except Exception as error:  # Pillow raises many types on hostile input; all mean "does not decode"
        detail = f"{where}: does not decode as {layout.image_format}"
        raise Rejection(Reason.IMAGE_INVALID, detail) from error


def _png_layout(data: bytes) -> _Layout:
    """Walk the chunks up to IEND: IHDR first, chunk budgets, nothing after IEND."""
    position, chunks, compressed = len(PNG_MAGIC), 0, 0
    header: tuple[int, int, int, int] | None = None
    while True:
        if position + 12 > len(data):
            raise _Unsafe("does not decode as PNG: cut short" if header else "has no readable PNG header")
        length, kind = struct.unpack_from(">I4s", data, position)
        chunks += 1
        if chunks > MAX_PNG_CHUNKS:
            raise _Unsafe(f"has more than {MAX_PNG_CHUNKS} PNG chunks")
        if header is None:
            if kind != b"IHDR" or length != 13 or position + 25 > len(data):
                raise _Unsafe("has no readable PNG header")
            width, height, depth, colour = struct.unpack_from(">IIBB", data, position + 8)
            header = (width, height, depth, colour)
        if kind in _PNG_COMPRESSED:
            compressed += 1
            if compressed > MAX_PNG_COMPRESSED_CHUNKS:
                raise _Unsafe(f"has more than {MAX_PNG_COMPRESSED_CHUNKS} compressed PNG metadata chunks")
        position += 12 + length
        if kind == b"IEND":
            break
    if position != len(data):
        raise _Unsafe("has data after the end of the PNG")
    width, height, depth, colour = header
    per_pixel = 2 if colour == 0 and depth == 16 else _PNG_BYTES_PER_PIXEL.get(colour, 4)
    return _Layout("PNG", width, height, width * height * per_pixel)


def _jpeg_layout(data: bytes) -> _Layout:
    """Walk the markers up to EOI: one frame header, scan and segment budgets, nothing after EOI."""
    position, segments, scans = 2, 0, 0
    frame: tuple[int, bytes] | None = None  # (SOF marker, SOF payload)
    while True:
        fill = _JPEG_FILL.match(data, position)
        if fill is None or fill.end() >= len(data):
            raise _Unsafe("does not decode as JPEG: cut short or malformed")
        position = fill.end() - 1
        marker = data[position + 1]
        segments += 1
        if segments > MAX_JPEG_SEGMENTS:
            raise _Unsafe(f"has more than {MAX_JPEG_SEGMENTS} JPEG segments")
        if marker == 0xD9:
            position += 2
            break
        if marker in _JPEG_STANDALONE:
            position += 2
            continue
        if position + 4 > len(data):
            raise _Unsafe("does not decode as JPEG: cut short")
        (length,) = struct.unpack_from(">H", data, position + 2)
        end = position + 2 + length
        if length < 2 or end > len(data):
            raise _Unsafe("does not decode as JPEG: cut short or malformed")
        if marker in _JPEG_SOF:
            if frame is not None:
                raise _Unsafe("has more than one JPEG frame header")
            frame = (marker, data[position + 4 : end])
        elif marker == 0xDA:
            if frame is None:
                raise _Unsafe("has no readable JPEG header")
            scans += 1
            if scans > MAX_JPEG_SCANS:
                raise _Unsafe(f"has more than {MAX_JPEG_SCANS} JPEG scans")
            after = _JPEG_SCAN_END.search(data, end)
            if after is None:
                raise _Unsafe("does not decode as JPEG: cut short in a scan")
            end = after.start()
        position = end
    if frame is None:
        raise _Unsafe("has no readable JPEG header")
    if position != len(data):
        raise _Unsafe("has data after the end of the JPEG")
    return _jpeg_frame_layout(*frame, multi_scan=scans > 1)


def _jpeg_frame_layout(marker: int, payload: bytes, multi_scan: bool) -> _Layout:
    """Size and decode memory from a frame header: the 1/8 draft's pixels, plus libjpeg's whole-image
    coefficient buffers (2 bytes per coefficient) when the image comes in several scans or progressively."""
    if len(payload) < 6:
        raise _Unsafe("has no readable JPEG header")
    height, width, count = struct.unpack_from(">HHB", payload, 1)
    sampling = [(payload[7 + 3 * n] >> 4, payload[7 + 3 * n] & 15) for n in range(count) if 9 + 3 * n <= len(payload)]
    if len(sampling) != count or not count or any(h == 0 or v == 0 for h, v in sampling):
        raise _Unsafe("has no readable JPEG header")
    decode = ceil(width / 8) * ceil(height / 8) * 4
    if multi_scan or marker in _JPEG_PROGRESSIVE:
        h_max, v_max = max(h for h, _ in sampling), max(v for _, v in sampling)
        decode += sum(ceil(width * h / (8 * h_max)) * ceil(height * v / (8 * v_max)) * 128 for h, v in sampling)
    return _Layout("JPEG", width, height, decode)
