"""Shared test data and in-memory builders: applicant details, licence readings, images, CSV, (hostile) zips."""

from __future__ import annotations

import csv
import io
import struct
import warnings
import zipfile
import zlib

from kyc.model import FieldReading
from PIL import Image

APP = "8d247914"
DETAILS = {  # the CSV inside generated bundles: distinctive values, easy to spot in any output
    "FIRST_NAME": "Zebulon",
    "LAST_NAME": "Quartermaine",
    "CITY_IN_ADDRESS": "Harrisburg",
    "ZIP_CODE_IN_ADDRESS": "17101",
    "STATE_IN_ADDRESS": "PA",
    "DOCUMENT_NUMBER": "99887766",
    "DATE_OF_BIRTH": "01/07/1973",
    "ADDRESS": "123 Walnut Street",
}

FLOOR = 50.0
APPLICANT = {  # an applicant whose every field matches LICENSE
    "FIRST_NAME": "John",
    "LAST_NAME": "Sample",
    "CITY_IN_ADDRESS": "Harrisburg",
    "ZIP_CODE_IN_ADDRESS": "17101",
    "STATE_IN_ADDRESS": "PA",
    "DOCUMENT_NUMBER": "99999999",
    "DATE_OF_BIRTH": "01/07/1973",
    "ADDRESS": "123 Main Street",
}
LICENSE = {
    "FIRST_NAME": FieldReading("JOHN", 98.0),
    "LAST_NAME": FieldReading("SAMPLE", 97.5),
    "CITY_IN_ADDRESS": FieldReading("HARRISBURG", 96.0),
    "ZIP_CODE_IN_ADDRESS": FieldReading("17101-0000", 95.0),
    "STATE_IN_ADDRESS": FieldReading("PA", 99.0),
    "DOCUMENT_NUMBER": FieldReading("99 999 999", 94.0),
    "DATE_OF_BIRTH": FieldReading("01/07/1973", 93.0, "1973-01-07T00:00:00"),
    "ADDRESS": FieldReading("123 MAIN ST", 92.0),
    "EXPIRATION_DATE": FieldReading("01/07/2031", 91.0, "2031-01-07T00:00:00"),
}


def image_bytes(image_format: str = "PNG", size: tuple[int, int] = (48, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, image_format)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares width x height, with a tiny (incomplete) image data chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def jpeg_with_size(width: int, height: int) -> bytes:
    """A real small JPEG whose frame header is patched to declare width x height."""
    data = bytearray(image_bytes("JPEG", (16, 16)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def csv_bytes(details: dict[str, str] | None = None, encoding: str = "utf-8") -> bytes:
    details = DETAILS if details is None else details
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerows([list(details), list(details.values())])
    return buffer.getvalue().encode(encoding)


def members(app: str = APP) -> dict[str, bytes]:
    return {
        f"{app}_details.csv": csv_bytes(),
        f"{app}_selfie.png": image_bytes("PNG"),
        f"{app}_license.png": image_bytes("JPEG"),
    }


def make_zip(entries, compression: int = zipfile.ZIP_DEFLATED, compresslevel: int | None = None) -> bytes:
    """A zip of (name or ZipInfo, bytes) entries, duplicates allowed, written as given."""
    buffer = io.BytesIO()
    items = entries.items() if isinstance(entries, dict) else entries
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name" on purpose
        with zipfile.ZipFile(buffer, "w", compression, compresslevel=compresslevel) as archive:
            for name, data in items:
                archive.writestr(name, data)
    return buffer.getvalue()


def info(name: str, external_attr: int = 0o644 << 16) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name)
    entry.create_system = 3
    entry.external_attr = external_attr
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


def _patch(data: bytes, name: str, local_at: int, central_at: int, fmt: str, value: int) -> bytes:
    """The zip with one field of `name`'s local and central headers overwritten."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        struct.pack_into(fmt, patched, archive.getinfo(name).header_offset + local_at, value)
    encoded = name.encode()
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(encoded)] != encoded:
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into(fmt, patched, central + central_at, value)
    return bytes(patched)


def patch_uncompressed_size(data: bytes, name: str, size: int) -> bytes:
    return _patch(data, name, 22, 24, "<I", size)


def patch_flag_bits(data: bytes, name: str, flag_bits: int) -> bytes:
    """zipfile resets flag bits when writing, so the encryption flag is set afterwards."""
    return _patch(data, name, 6, 8, "<H", flag_bits)
