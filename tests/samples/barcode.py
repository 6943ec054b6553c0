"""Reading a licence back the way a scanner does: PDF417 → AAMVA elements (independent of the generator's code)."""

from __future__ import annotations

import io
import re

import zxingcpp
from PIL import Image


def read_back(image: Image.Image | bytes) -> tuple[str, dict[str, str]]:
    """The raw barcode text and the DL subfile's elements by ID."""
    if isinstance(image, bytes):
        image = Image.open(io.BytesIO(image))
    codes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.PDF417, text_mode=zxingcpp.TextMode.Plain)
    assert len(codes) == 1, "expected exactly one PDF417 barcode"
    text = codes[0].text
    header = re.match(r"@\n\x1e\rANSI (\d{6})(\d{2})(\d{2})(\d{2})DL(\d{4})(\d{4})", text)
    assert header, "not an AAMVA header"
    offset, length = int(header.group(5)), int(header.group(6))
    subfile = text[offset : offset + length]
    assert subfile.startswith("DL") and subfile.endswith("\r")
    elements = {line[:3]: line[3:] for line in subfile[2:-1].split("\n")}
    return text, elements
