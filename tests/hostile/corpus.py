"""The hostile bundle corpus: uploads that must each end REJECTED with a given reason, built in memory on demand.

Every case names its S3 event key (URL-encoded, as S3 events carry it), the bytes stored under the decoded key (or
none), the reason code and a fragment of the rejection detail. Nothing is committed as a binary: run
`python -m tests.hostile.corpus OUTDIR` to write the uploads and a manifest.json, e.g. for `kyc run`.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import stat
import string
import struct
import sys
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote_plus

from kyc.model import Reason
from PIL import Image

APP = "h0st1le-app"
OTHER_APP = "7a135804"
MB = 1024 * 1024
DETAILS = {  # distinctive values: a test can tell if any of them escapes into a log or a message
    "FIRST_NAME": "Hostilefirstname",
    "LAST_NAME": "Hostilelastname",
    "CITY_IN_ADDRESS": "Hostilecityname",
    "ZIP_CODE_IN_ADDRESS": "83014-2297",
    "STATE_IN_ADDRESS": "WY",
    "DOCUMENT_NUMBER": "604193857",
    "DATE_OF_BIRTH": "03/17/1961",
    "ADDRESS": "77 Hostilestreet Road",
}
BUNDLE, CSV, IMAGE = Reason.BUNDLE_INVALID, Reason.CSV_INVALID, Reason.IMAGE_INVALID


@dataclass(frozen=True)
class Case:
    name: str
    reason: Reason
    detail: str  # a fragment the rejection detail must contain
    build: Callable[[], bytes]  # the stored upload
    key: str = f"zipped/{APP}.zip"  # URL-encoded, as in the S3 event
    planted: tuple[str, ...] = ()  # values of the case's own that must never be echoed

    @property
    def object_key(self) -> str:
        return unquote_plus(self.key)


# -- members ------------------------------------------------------------------------------------------------------


def image(image_format: str = "PNG", size: tuple[int, int] = (48, 32), **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (180, 90, 40)).save(out, image_format, **options)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(
    width: int,
    height: int,
    idat: bytes = zlib.compress(b"\0" * 64),
    depth: int = 8,
    colour: int | None = None,
    extra: bytes = b"",
) -> bytes:
    """A PNG whose IHDR declares width x height (colour type 2 at depth 8, greyscale otherwise), with `extra`
    chunks before its image data."""
    colour = (2 if depth == 8 else 0) if colour is None else colour
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + extra + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
    )


def png_zero_pixels(width: int, height: int, colour: int = 6) -> bytes:
    """A well-formed PNG of black pixels (8 bits per sample), compressed row by row."""
    row = b"\0" * (1 + width * {0: 1, 2: 3, 4: 2, 6: 4}[colour])
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return png_declaring(width, height, idat, colour=colour)


def png_with_many_chunks(count: int) -> bytes:
    """A small valid PNG with `count` empty private ancillary chunks before its image data."""
    return png_declaring(48, 32, zlib.compress(b"\0" * (1 + 48 * 3) * 32), extra=png_chunk(b"prVt", b"") * count)


def png_with_compressed_text(count: int) -> bytes:
    """A small valid PNG with `count` zTXt chunks that each inflate to 1 MB."""
    text = png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"x" * MB, 9))
    return png_declaring(48, 32, zlib.compress(b"\0" * (1 + 48 * 3) * 32), extra=text * count)


def png_pixel_bomb() -> bytes:
    """A well-formed 1-bit 8000 x 5001 PNG (just over 40 megapixels) whose pixel data is a few kilobytes."""
    row = b"\0" + b"\0" * (8000 // 8)
    return png_declaring(8000, 5001, zlib.compress(row * 5001, 9), depth=1)


def jpeg_declaring(width: int, height: int, progressive: bool = False) -> bytes:
    """A real small JPEG whose start-of-frame header is patched to declare width x height."""
    data = bytearray(image("JPEG", (16, 16), progressive=progressive))
    sof = data.index(b"\xff\xc2" if progressive else b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def jpeg_with_segments(count: int) -> bytes:
    """A real small JPEG with `count` empty comment (COM) segments after its start marker."""
    data = image("JPEG")
    return data[:2] + b"\xff\xfe\x00\x02" * count + data[2:]


def jpeg_repeating_a_scan(times: int, size: tuple[int, int] = (32, 32)) -> bytes:
    """A real progressive JPEG whose last scan is repeated `times` times (each repeat is another pass over every
    block: libjpeg accepts it and works on)."""
    out = io.BytesIO()
    Image.frombytes("RGB", size, random.Random(5).randbytes(size[0] * size[1] * 3)).save(out, "JPEG", progressive=True)
    data = out.getvalue()
    last = data.rindex(b"\xff\xda")
    return data[:-2] + data[last:-2] * times + data[-2:]


def zip_with_entries(count: int, declared: int | None = None, zip64: bool = False) -> bytes:
    """One empty stored member and `count` central directory entries pointing at it, built without zipfile (which
    would take minutes); the end record declares `declared` entries (default `count`), in a ZIP64 record if asked."""
    local = struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, 0, 0, 1, 0) + b"m"
    central = struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0) + b"m"
    directory = central * count
    declared = count if declared is None else declared
    end = b""
    if zip64:
        record_at = len(local) + len(directory)
        end = struct.pack("<4sQ2H2I4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, declared, declared, len(directory), len(local))
        end += struct.pack("<4sIQI", b"PK\x06\x07", 0, record_at, 1)
        end += struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    else:
        end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, declared, declared, len(directory), len(local), 0)
    return local + directory + end


def csv_rows(count: int) -> bytes:
    """The details CSV followed by `count` one-letter rows of low-entropy letters (deflate about 3:1)."""
    letters = random.Random(11).randbytes(count).translate(bytes.maketrans(bytes(range(256)), b"abcd" * 64))
    rows = bytearray(2 * count)
    rows[0::2] = letters
    rows[1::2] = b"\n" * count
    return details_csv() + bytes(rows)


def jpeg_cut_in_scan() -> bytes:
    """A JPEG of noise whose compressed scan ends halfway: its headers are whole, its coefficients are not."""
    out = io.BytesIO()
    Image.frombytes("RGB", (400, 300), random.Random(7).randbytes(400 * 300 * 3)).save(out, "JPEG")
    data = out.getvalue()
    scan = data.index(b"\xff\xda")
    return data[: scan + (len(data) - scan) // 2]


def details_csv(rows: list[list[str]] | None = None, encoding: str = "utf-8") -> bytes:
    rows = rows if rows is not None else [list(DETAILS), list(DETAILS.values())]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode(encoding)


def with_value(name: str, value: str) -> bytes:
    return details_csv([list(DETAILS), [value if key == name else DETAILS[key] for key in DETAILS]])


def members(app: str = APP, **roles: bytes | None) -> dict[str, bytes]:
    """A valid bundle's members, with roles (details_csv, selfie_png, license_png, ...) replaced or removed."""
    entries = {"details.csv": details_csv(), "selfie.png": image("PNG"), "license.png": image("JPEG")}
    for role, data in roles.items():
        entries[".".join(role.rsplit("_", 1))] = data
    return {f"{app}_{role}": data for role, data in entries.items() if data is not None}


def make_zip(entries, compression: int = zipfile.ZIP_DEFLATED, compresslevel: int | None = None) -> bytes:
    """A zip of (name or ZipInfo, bytes) entries, written as given (duplicates allowed)."""
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name" on purpose
        with zipfile.ZipFile(out, "w", compression, compresslevel=compresslevel) as archive:
            for name, data in entries.items() if isinstance(entries, dict) else entries:
                archive.writestr(name, data)
    return out.getvalue()


def bundle_with(*extra, **roles: bytes | None) -> bytes:
    """A valid bundle with roles replaced and extra (name or ZipInfo, bytes) entries appended."""
    return make_zip(list(members(**roles).items()) + list(extra))


def stored_bundle(**roles: bytes | None) -> bytes:
    """A valid bundle with roles replaced, stored uncompressed (repetitive payloads stay under the ratio cap)."""
    return make_zip(members(**roles), zipfile.ZIP_STORED)


def entry(name: str, kind: int, mode: int = 0o644, dos: int = 0) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (kind | mode) << 16 | dos
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def noise_text(size: int) -> str:
    """Letters that barely compress (the ratio cap does not fire first)."""
    return "".join(random.Random(3).choices(string.ascii_letters, k=size))


def low_entropy(size: int, seed: int) -> bytes:
    """Bytes of two symbols: about 6:1 under deflate, so a size cap is reached before the ratio cap."""
    return random.Random(seed).randbytes(size).translate(bytes.maketrans(bytes(range(256)), b"ab" * 128))


# -- header surgery --------------------------------------------------------------------------------------------------


def _central_offsets(data: bytes) -> dict[str, int]:
    """Each entry's central directory record offset, by name."""
    offsets, position = {}, data.index(b"PK\x01\x02")
    while data[position : position + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, position + 28)
        offsets[data[position + 46 : position + 46 + name_len].decode("utf-8", "replace")] = position
        position += 46 + name_len + extra_len + comment_len
    return offsets


def patched(data: bytes, name: str, local_at: int | None, central_at: int, fmt: str, value: int) -> bytes:
    """The zip with one field of `name`'s central (and local, when local_at is given) header overwritten."""
    out = bytearray(data)
    if local_at is not None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            struct.pack_into(fmt, out, archive.getinfo(name).header_offset + local_at, value)
    struct.pack_into(fmt, out, _central_offsets(data)[name] + central_at, value)
    return bytes(out)


def encrypted(name: str, flag: int) -> bytes:
    """zipfile clears flag bits when writing, so the encryption flag is set afterwards."""
    base = bundle_with((f"__MACOSX/._{APP}_selfie.png", b"\0\5\26\7"))
    return patched(base, name, 6, 8, "<H", flag)


def lying_size() -> bytes:
    """The selfie declares 100 bytes uncompressed but inflates to 2 MB of noise."""
    name = f"{APP}_selfie.png"
    return patched(bundle_with(selfie_png=random.Random(7).randbytes(2 * MB)), name, 22, 24, "<I", 100)


def overlapping() -> bytes:
    """Every central directory entry points at the selfie's local header (the non-recursive zip bomb layout)."""
    data = bundle_with()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        selfie_at = archive.getinfo(f"{APP}_selfie.png").header_offset
    for name in (f"{APP}_details.csv", f"{APP}_license.png"):
        data = patched(data, name, None, 42, "<I", selfie_at)
    return data


def overrunning() -> bytes:
    """The details entry declares more compressed bytes than lie before the next entry's local header."""
    data = bundle_with()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        size = archive.getinfo(f"{APP}_details.csv").compress_size
    return patched(data, f"{APP}_details.csv", 18, 20, "<I", size + 40)


def corrupt_crc() -> bytes:
    data = bytearray(make_zip(members(), compression=zipfile.ZIP_STORED))
    start = data.index(b"\x89PNG")
    data[start + 40 : start + 48] = b"\xff" * 8
    return bytes(data)


# -- the corpus ---------------------------------------------------------------------------------------------------


def _key(name: str, key: str, detail: str) -> Case:
    """A case about the S3 key itself: a valid bundle is stored under it."""
    return Case(name, BUNDLE, detail, lambda: make_zip(members()), key=key)


MUST_BE = "upload key must be"
APP_RULE = "app_uuid must be"
FORMULA = "starts like a spreadsheet formula"
LONG = "Hostile" + "x" * 200


def key_cases() -> list[Case]:
    return [
        _key("key-space", "zipped/h0st1le+app.zip", APP_RULE),
        _key("key-encoded-slash", "zipped/h0st1le%2Fapp.zip", MUST_BE),
        _key("key-traversal", "zipped/..%2F..%2Fetc%2Fpasswd.zip", MUST_BE),
        _key("key-unicode", "zipped/h%C3%B6st1le.zip", APP_RULE),
        _key("key-fullwidth-digits", "zipped/%EF%BC%91%EF%BC%92.zip", APP_RULE),
        _key("key-too-long-app-id", "zipped/" + "a" * 65 + ".zip", APP_RULE),
        _key("key-very-long-app-id", "zipped/" + "a" * 900 + ".zip", APP_RULE),
        _key("key-empty-app-id", "zipped/.zip", APP_RULE),
        _key("key-wrong-prefix", f"uploads/{APP}.zip", MUST_BE),
        _key("key-no-prefix", f"{APP}.zip", MUST_BE),
        _key("key-wrong-suffix", f"zipped/{APP}.tar.gz", MUST_BE),
        _key("key-zip-then-suffix", f"zipped/{APP}.zip.bak", MUST_BE),
        _key("key-double-slash", f"zipped//{APP}.zip", MUST_BE),
        _key("key-plus-sign", "zipped/h0st1le%2Bapp.zip", APP_RULE),
        _key("key-newline", "zipped/h0st1le%0Aapp.zip", APP_RULE),
        _key("key-percent-literal", "zipped/h0st1le%25app.zip", APP_RULE),
    ]


def archive_cases() -> list[Case]:
    litter = [(f"__MACOSX/._{n}", b"x") for n in range(8)]
    return [
        Case("empty-upload", BUNDLE, "upload is empty", lambda: b""),
        Case("text-not-zip", BUNDLE, "not a readable zip", lambda: b"name,dob\nnot,a zip\n"),
        Case("png-not-zip", BUNDLE, "not a readable zip", lambda: image("PNG")),
        Case("gzip-not-zip", BUNDLE, "not a readable zip", lambda: gzip.compress(details_csv())),
        Case("truncated-zip", BUNDLE, "not a readable zip", lambda: make_zip(members())[:-30]),
        Case("zip-without-members", BUNDLE, "no members", lambda: make_zip({})),
        Case("upload-over-20-mb", BUNDLE, "zip larger than", lambda: b"PK\x03\x04" + bytes(20 * MB)),
        Case("eleven-members", BUNDLE, "more than 10 members", lambda: bundle_with(*litter)),
        Case(
            "twenty-thousand-members",
            BUNDLE,
            "more than 10 members",
            lambda: make_zip([(f"m{n}", b"") for n in range(20_000)], compression=zipfile.ZIP_STORED),
        ),
        Case("bzip2-members", BUNDLE, "unsupported compression", lambda: make_zip(members(), zipfile.ZIP_BZIP2)),
        Case("lzma-members", BUNDLE, "unsupported compression", lambda: make_zip(members(), zipfile.ZIP_LZMA)),
        Case("corrupt-crc", BUNDLE, "is corrupt", corrupt_crc),
        Case("declared-size-lie", BUNDLE, "is corrupt", lying_size),
        Case("overlapping-entries", BUNDLE, "overlaps another member", overlapping),
        Case("overrunning-entry", BUNDLE, "member 1: overlaps another member", overrunning),
    ]


def bomb_cases() -> list[Case]:
    return [
        Case("ratio-bomb-1-mb", BUNDLE, "compression ratio of 100", lambda: bundle_with(selfie_png=b"\0" * MB)),
        Case("ratio-bomb-14-mb", BUNDLE, "compression ratio of 100", lambda: bundle_with(license_png=b"\0" * 14 * MB)),
        Case(
            "ratio-bomb-csv",  # the CSV is read only to its own budget
            CSV,
            "CSV exceeds 32 KB",
            lambda: bundle_with(details_csv=details_csv() + b"\n" * 4 * MB),
        ),
        Case(
            "member-over-15-mb",
            BUNDLE,
            "exceeds 15 MB uncompressed",
            lambda: make_zip(members(selfie_png=low_entropy(16 * MB, 1)), compresslevel=1),
        ),
        Case(
            "members-over-40-mb-total",
            BUNDLE,
            "exceed 40 MB uncompressed in total",
            lambda: make_zip(
                members(**{role: low_entropy(14 * MB, n) for n, role in enumerate(("selfie_png", "license_png"))})
                | {f"{APP}_license_back.png": low_entropy(14 * MB, 9)},
                compresslevel=1,
            ),
        ),
        Case(
            "nested-zip-bomb",
            BUNDLE,
            "nested archive",
            lambda: bundle_with(license_png=make_zip({"inner.zip": make_zip({"b": b"\0" * MB})})),
        ),
    ]


def name_cases() -> list[Case]:
    selfie = f"{APP}_selfie.png"
    return [
        Case("traversal", BUNDLE, "'..'", lambda: bundle_with((f"../{APP}_notes.csv", b"x"))),
        Case("deep-traversal", BUNDLE, "'..'", lambda: bundle_with(("a/../../../etc/cron.d/x", b"x"))),
        Case("backslash-traversal", BUNDLE, "'..'", lambda: bundle_with(("..\\..\\evil.dll", b"x"))),
        Case("macos-litter-traversal", BUNDLE, "'..'", lambda: bundle_with(("__MACOSX/../../x", b"x"))),
        Case("absolute-path", BUNDLE, "absolute path", lambda: bundle_with(("/etc/passwd", b"root:x:0:0"))),
        Case("windows-drive-path", BUNDLE, "absolute path", lambda: bundle_with(("C:\\evil.dll", b"MZ"))),
        Case("directory-entry", BUNDLE, "is a directory", lambda: bundle_with(("photos/", b""))),
        Case(
            "directory-by-attributes",
            BUNDLE,
            "is a directory",
            lambda: bundle_with((entry("photos", stat.S_IFDIR, 0o755, 0x10), b"")),
        ),
        Case(
            "symlink-extra",
            BUNDLE,
            "symbolic link",
            lambda: bundle_with((entry(f"{APP}_link.png", stat.S_IFLNK, 0o777), b"/etc/passwd")),
        ),
        Case(
            "symlink-as-selfie",
            BUNDLE,
            "symbolic link",
            lambda: make_zip(
                list(members(selfie_png=None).items()) + [(entry(selfie, stat.S_IFLNK, 0o777), b"/etc/shadow")]
            ),
        ),
        Case("nested-zip-by-name", BUNDLE, "nested archive", lambda: bundle_with((f"{APP}_more.zip", b"PK"))),
        Case("nested-tar-by-name", BUNDLE, "nested archive", lambda: bundle_with((f"{APP}_more.tar.gz", b"x"))),
        Case(
            "nested-zip-as-csv",
            BUNDLE,
            "nested archive",
            lambda: bundle_with(details_csv=make_zip({f"{APP}_details.csv": details_csv()})),
        ),
        Case("gzip-as-png", BUNDLE, "nested archive", lambda: bundle_with(selfie_png=gzip.compress(image("PNG")))),
        Case("rar-as-png", BUNDLE, "nested archive", lambda: bundle_with(license_png=b"Rar!\x1a\x07\x00" + b"\0" * 64)),
        Case(
            "duplicate-member", BUNDLE, "member 4: duplicate of member 2", lambda: bundle_with((selfie, image("PNG")))
        ),
        Case("unexpected-member", BUNDLE, "unexpected name", lambda: bundle_with(("notes.txt", b"hello"))),
        Case("jpg-as-second-selfie", BUNDLE, "duplicate of member", lambda: bundle_with((f"{APP}_selfie.jpg", image()))),
        Case("gif-extension", BUNDLE, "unexpected name", lambda: bundle_with((f"{APP}_selfie.gif", image("GIF")))),
        Case("upper-case-role", BUNDLE, "unexpected name", lambda: bundle_with((f"{APP}_SELFIE.png", image()))),
        Case("homoglyph-name", BUNDLE, "unexpected name", lambda: bundle_with((f"{APP}_self\u0456e.png", image()))),
        Case("another-app-id", BUNDLE, "unexpected name", lambda: make_zip(members(OTHER_APP))),
        Case(
            "another-app-id-extra",
            BUNDLE,
            "unexpected name",
            lambda: bundle_with((f"{OTHER_APP}_selfie.png", image())),
        ),
        Case("missing-license", BUNDLE, "missing member", lambda: bundle_with(license_png=None)),
        Case("only-litter", BUNDLE, "missing member", lambda: make_zip({"__MACOSX/._x": b"x", ".DS_Store": b""})),
        Case("control-character-name", BUNDLE, "control characters", lambda: bundle_with(("a\x1b[2Jb.png", b"x"))),
        Case("very-long-name", BUNDLE, "member 4: unexpected name", lambda: bundle_with(("n" * 5000, b"x"))),
        Case("encrypted-member", BUNDLE, "is encrypted", lambda: encrypted(f"{APP}_details.csv", 0x1)),
        Case("strong-encryption-flag", BUNDLE, "is encrypted", lambda: encrypted(f"{APP}_license.png", 0x40)),
        Case("encrypted-litter", BUNDLE, "is encrypted", lambda: encrypted(f"__MACOSX/._{APP}_selfie.png", 0x1)),
    ]


def image_cases() -> list[Case]:
    return [
        Case("text-as-png", IMAGE, "neither PNG nor JPEG", lambda: bundle_with(selfie_png=b"hello, not an image")),
        Case("empty-image", IMAGE, "neither PNG nor JPEG", lambda: bundle_with(selfie_png=b"")),
        Case("gif-as-png", IMAGE, "neither PNG nor JPEG", lambda: bundle_with(license_png=image("GIF"))),
        Case("svg-as-png", IMAGE, "neither PNG nor JPEG", lambda: bundle_with(selfie_png=b"<svg onload=alert(1)/>")),
        Case("pdf-as-png", IMAGE, "neither PNG nor JPEG", lambda: bundle_with(license_png=b"%PDF-1.7\n%\xe2\xe3")),
        Case("exe-as-png", IMAGE, "neither PNG nor JPEG", lambda: bundle_with(selfie_png=b"MZ\x90\0" + b"\0" * 60)),
        Case(
            "truncated-png", IMAGE, "does not decode", lambda: bundle_with(selfie_png=image("PNG", (400, 300))[:-200])
        ),
        Case(
            "truncated-jpeg", IMAGE, "does not decode", lambda: bundle_with(license_png=image("JPEG", (400, 300))[:400])
        ),
        Case("jpeg-cut-in-scan", IMAGE, "does not decode", lambda: bundle_with(selfie_png=jpeg_cut_in_scan())),
        Case(
            "png-signature-only", IMAGE, "no readable PNG header", lambda: bundle_with(selfie_png=b"\x89PNG\r\n\x1a\n")
        ),
        Case(
            "jpeg-without-frame", IMAGE, "no readable JPEG header", lambda: bundle_with(license_png=b"\xff\xd8\xff\xd9")
        ),
        Case("png-without-pixels", IMAGE, "does not decode", lambda: bundle_with(selfie_png=png_declaring(100, 100))),
        Case("png-zero-size", IMAGE, "does not decode", lambda: bundle_with(selfie_png=png_declaring(0, 0))),
        Case(
            "png-pixel-bomb-4-gigapixels",
            IMAGE,
            "exceeds 40 megapixels",
            lambda: bundle_with(selfie_png=png_declaring(65_535, 65_535)),
        ),
        Case(
            "png-pixel-bomb-well-formed",
            IMAGE,
            "exceeds 40 megapixels",
            lambda: bundle_with(selfie_png=png_pixel_bomb()),
        ),
        Case(
            "jpeg-pixel-bomb",
            IMAGE,
            "exceeds 40 megapixels",
            lambda: bundle_with(license_png=jpeg_declaring(10_000, 10_000)),
        ),
        Case(
            "progressive-jpeg-pixel-bomb",
            IMAGE,
            "exceeds 40 megapixels",
            lambda: bundle_with(license_png=jpeg_declaring(65_535, 65_535, progressive=True)),
        ),
        Case(
            "back-page-pixel-bomb",
            IMAGE,
            "exceeds 40 megapixels",
            lambda: bundle_with(license_back_png=png_declaring(20_000, 20_000)),
        ),
    ]


def csv_cases() -> list[Case]:
    header, row = list(DETAILS), list(DETAILS.values())
    return [
        Case("csv-empty", CSV, "CSV is empty", lambda: bundle_with(details_csv=b"")),
        Case("csv-blank-lines", CSV, "CSV is empty", lambda: bundle_with(details_csv=b"\n , \n\n")),
        Case("csv-header-only", CSV, "found 0 data rows", lambda: bundle_with(details_csv=details_csv([header]))),
        Case(
            "csv-two-rows",
            CSV,
            "found more than one data row",
            lambda: bundle_with(details_csv=details_csv([header, row, row])),
        ),
        Case("csv-no-header", CSV, "found 0 data rows", lambda: bundle_with(details_csv=details_csv([row]))),
        Case(
            "csv-no-header-repeated-value",  # values must not be echoed as if they were (duplicate) column names
            CSV,
            "missing columns",
            lambda: bundle_with(details_csv=details_csv([row[:2] + ["Hostilerepeat"] * 6, row])),
            planted=("Hostilerepeat",),
        ),
        Case(
            "csv-missing-column",
            CSV,
            "missing columns: ADDRESS",
            lambda: bundle_with(details_csv=details_csv([header[:-1], row[:-1]])),
        ),
        Case(
            "csv-extra-column",
            CSV,
            "header: 1 unknown column(s)",
            lambda: bundle_with(details_csv=details_csv([header + ["NICKNAME"], row + ["Hostilenickname"]])),
            planted=("Hostilenickname",),
        ),
        Case(
            "csv-duplicate-column",
            CSV,
            "duplicate columns: FIRST_NAME",
            lambda: bundle_with(details_csv=details_csv([header + ["FIRST_NAME"], row + ["Hostilesecondname"]])),
            planted=("Hostilesecondname",),
        ),
        Case(
            "csv-short-row",
            CSV,
            "7 values for 8 columns",
            lambda: bundle_with(details_csv=details_csv([header, row[:-1]])),
        ),
        Case(
            "csv-utf16-bom",
            CSV,
            "not UTF-16",
            lambda: bundle_with(details_csv=details_csv(encoding="utf-16")),
        ),
        Case("csv-utf16-no-bom", CSV, "NUL bytes", lambda: bundle_with(details_csv=details_csv(encoding="utf-16-le"))),
        Case(
            "csv-latin1",
            CSV,
            "not valid UTF-8",
            lambda: bundle_with(details_csv=with_value("LAST_NAME", "Hostilemüller").decode().encode("latin-1")),
            planted=("Hostilemüller",),
        ),
        Case("csv-binary", CSV, "not valid UTF-8", lambda: bundle_with(details_csv=b"\xff\xd8\xff" + b"\x80" * 64)),
        Case(
            "csv-value-over-200",
            CSV,
            "ADDRESS exceeds 200 characters",
            lambda: bundle_with(details_csv=with_value("ADDRESS", LONG)),
            planted=(LONG,),
        ),
        Case(
            "csv-value-over-field-limit",
            CSV,
            "CSV exceeds 32 KB",
            lambda: bundle_with(details_csv=with_value("ADDRESS", noise_text(140_000))),
        ),
        Case(
            "csv-formula-equals",
            CSV,
            f"FIRST_NAME {FORMULA}",
            lambda: bundle_with(details_csv=with_value("FIRST_NAME", '=HYPERLINK("http://evil.example","Hostile")')),
            planted=("HYPERLINK", "evil.example"),
        ),
        Case(
            "csv-formula-plus",
            CSV,
            f"LAST_NAME {FORMULA}",
            lambda: bundle_with(details_csv=with_value("LAST_NAME", "+cmd|' /C calc'!A0")),
            planted=("cmd|",),
        ),
        Case(
            "csv-formula-at",
            CSV,
            f"CITY_IN_ADDRESS {FORMULA}",
            lambda: bundle_with(details_csv=with_value("CITY_IN_ADDRESS", "@SUM(Hostileformula)")),
            planted=("Hostileformula",),
        ),
        Case(
            "csv-formula-minus",
            CSV,
            f"DOCUMENT_NUMBER {FORMULA}",
            lambda: bundle_with(details_csv=with_value("DOCUMENT_NUMBER", "-2+3+Hostileminus")),
            planted=("Hostileminus",),
        ),
        Case(
            "csv-formula-after-tab",
            CSV,
            f"ADDRESS {FORMULA}",
            lambda: bundle_with(details_csv=with_value("ADDRESS", "\t=Hostiletab()")),
            planted=("Hostiletab",),
        ),
        Case(
            "csv-unterminated-quote",
            CSV,
            "1 values for 8 columns",
            lambda: bundle_with(details_csv=details_csv([header]) + b'"Hostilequote,' + b"x," * 7 + b"\n"),
        ),
        Case(
            "csv-empty-value",
            CSV,
            "DATE_OF_BIRTH is empty",
            lambda: bundle_with(details_csv=with_value("DATE_OF_BIRTH", " ")),
        ),
        Case(
            "csv-control-characters",
            CSV,
            "FIRST_NAME contains control characters",
            lambda: bundle_with(details_csv=with_value("FIRST_NAME", "Hostile\x1b[31mred")),
        ),
        Case("csv-nul-byte", CSV, "NUL bytes", lambda: bundle_with(details_csv=details_csv() + b"\0")),
    ]


URGENT = "URGENT call 1-800-555-0100 or see https://pay.evil.example"
URGENT_PARTS = ("URGENT", "1-800-555-0100", "evil.example")
WHITESPACE = {"nbsp": "\u00a0", "vt": "\v", "ff": "\f", "ideographic": "\u3000", "figure": "\u2007", "nel": "\x85"}
HIDDEN = {
    "zero-width-space": "\u200b",
    "right-to-left-override": "\u202e",
    "left-to-right-isolate": "\u2066",
    "byte-order-mark": "\ufeff",
    "soft-hyphen": "\u00ad",
    "tag-letter": "\U000e0041",
    "hangul-filler": "\u3164",
    "line-separator": "\u2028",
}


def budget_cases() -> list[Case]:
    """Inputs that cost more CPU or memory than a Lambda has, each refused by a budget before the costly work."""
    return [
        Case("zip64-424k-entries", BUNDLE, "more than 10 members", lambda: zip_with_entries(424_000, zip64=True)),
        Case("zip-60k-entries", BUNDLE, "more than 10 members", lambda: zip_with_entries(60_000)),
        Case(
            "zip-entry-count-lie",  # the end record says 3, the central directory holds 300,000
            BUNDLE,
            "central directory exceeds 64 KB",
            lambda: zip_with_entries(300_000, declared=3),
        ),
        Case(
            "zip-entry-count-disagrees",
            BUNDLE,
            "central directory disagrees with its end record",
            lambda: zip_with_entries(4, declared=3),
        ),
        Case(
            "jpeg-progressive-scan-repeated",
            IMAGE,
            "member 3 (licence): has more than 32 JPEG scans",
            lambda: stored_bundle(license_png=jpeg_repeating_a_scan(5000)),
        ),
        Case(
            "jpeg-million-comment-segments",
            IMAGE,
            "member 3 (licence): has more than 256 JPEG segments",
            lambda: stored_bundle(license_png=jpeg_with_segments(1_000_000)),
        ),
        Case(
            "png-million-chunks",
            IMAGE,
            "member 2 (selfie): has more than 8192 PNG chunks",
            lambda: stored_bundle(selfie_png=png_with_many_chunks(1_000_000)),
        ),
        Case(
            "png-compressed-text-chunks",
            IMAGE,
            "member 2 (selfie): has more than 4 compressed PNG metadata chunks",
            lambda: stored_bundle(selfie_png=png_with_compressed_text(40)),
        ),
        Case(
            "png-decode-memory",  # 20 megapixels, under the pixel cap, but 81 MB as RGBA
            IMAGE,
            "member 2 (selfie): needs more than 64 MB to decode",
            lambda: stored_bundle(selfie_png=png_zero_pixels(4500, 4500)),
        ),
        Case(
            "jpeg-progressive-decode-memory",  # 36 megapixels: libjpeg would hold 108 MB of coefficients
            IMAGE,
            "member 3 (licence): needs more than 64 MB to decode",
            lambda: bundle_with(license_png=jpeg_declaring(6000, 6000, progressive=True)),
        ),
        Case(
            "csv-7-million-rows-stored",
            CSV,
            "CSV exceeds 32 KB",
            lambda: stored_bundle(details_csv=csv_rows(7_800_000)),
        ),
        Case(
            "csv-3-million-rows-deflated",
            CSV,
            "CSV exceeds 32 KB",
            lambda: bundle_with(details_csv=csv_rows(3_000_000)),
        ),
        Case(
            "csv-200k-columns",
            CSV,
            "CSV exceeds 32 KB",
            lambda: bundle_with(details_csv=details_csv([[f"URGENT{n}" for n in range(200_000)], ["x"] * 200_000])),
            planted=("URGENT",),
        ),
        Case(
            "csv-12k-distinct-header-names",
            CSV,
            "CSV exceeds 32 KB",
            lambda: bundle_with(details_csv=details_csv([list(DETAILS) + [f"URGENT{n}" for n in range(12_000)]])),
            planted=("URGENT",),
        ),
        Case(
            "csv-40-columns",
            CSV,
            "header has more than 32 columns",
            lambda: bundle_with(
                details_csv=details_csv([list(DETAILS) + [f"URGENT{n}" for n in range(32)], list(DETAILS.values())])
            ),
            planted=("URGENT",),
        ),
        Case(
            "csv-70-blank-records",
            CSV,
            "CSV has more than 64 records",
            lambda: bundle_with(details_csv=b",\n" * 70 + details_csv()),
        ),
    ]


def passage_cases() -> list[Case]:
    """Inputs that used to get through: hidden formulas and characters, trailing data, text echoed to staff."""
    formula = [
        Case(
            f"csv-formula-behind-{name}",
            CSV,
            f"FIRST_NAME {FORMULA}",
            lambda char=char: bundle_with(details_csv=with_value("FIRST_NAME", char + "=HYPERLINK(Hostilelink)")),
            planted=("Hostilelink",),
        )
        for name, char in WHITESPACE.items()
    ]
    hidden = [
        Case(
            f"csv-hidden-{name}",
            CSV,
            "LAST_NAME contains invisible or bidirectional characters",
            lambda char=char: bundle_with(details_csv=with_value("LAST_NAME", f"Hostile{char}hidden")),
        )
        for name, char in HIDDEN.items()
    ]
    return [
        *formula,
        *hidden,
        Case(
            "csv-formula-full-width-equals",
            CSV,
            f"CITY_IN_ADDRESS {FORMULA}",
            lambda: bundle_with(details_csv=with_value("CITY_IN_ADDRESS", "\uff1dHYPERLINK(Hostilewide)")),
            planted=("Hostilewide",),
        ),
        Case(
            "csv-minus-address-behind-ideographic-space",
            CSV,
            f"ADDRESS {FORMULA}",
            lambda: bundle_with(details_csv=with_value("ADDRESS", "\u3000-2032 Hostilemagnolia Drive")),
            planted=("Hostilemagnolia",),
        ),
        Case(
            "csv-date-of-birth-two-digit-year",
            CSV,
            "DATE_OF_BIRTH is not a date",
            lambda: bundle_with(details_csv=with_value("DATE_OF_BIRTH", "17 MAR 61")),
        ),
        Case(
            "csv-header-names-not-echoed",
            CSV,
            "header: 2 unknown column(s)",
            lambda: bundle_with(
                details_csv=details_csv([[*DETAILS, URGENT, "Hostilecolumn"], [*DETAILS.values(), "a", "b"]])
            ),
            planted=(*URGENT_PARTS, "Hostilecolumn"),
        ),
        Case(
            "png-with-zip-appended",
            IMAGE,
            "member 2 (selfie): has data after the end of the PNG",
            lambda: bundle_with(selfie_png=image("PNG") + make_zip({"payload.exe": b"MZ" + bytes(64)})),
        ),
        Case(
            "jpeg-with-text-appended",
            IMAGE,
            "member 3 (licence): has data after the end of the JPEG",
            lambda: bundle_with(license_png=image("JPEG") + URGENT.encode()),
            planted=URGENT_PARTS,
        ),
        Case(
            "member-name-with-a-message",
            BUNDLE,
            "member 4: unexpected name",
            lambda: bundle_with((URGENT, b"x")),
            planted=URGENT_PARTS,
        ),
        Case(
            "directory-name-with-a-message",
            BUNDLE,
            "member 4: is a directory",
            lambda: bundle_with((URGENT + "/", b"")),
            planted=URGENT_PARTS,
        ),
        Case(
            "traversal-name-with-a-message",
            BUNDLE,
            "member 4: path escapes the archive",
            lambda: bundle_with(("../" + URGENT, b"x")),
            planted=URGENT_PARTS,
        ),
    ]


def cases() -> list[Case]:
    """Every hostile case, named uniquely."""
    every = key_cases() + archive_cases() + bomb_cases() + name_cases() + image_cases() + csv_cases()
    every += budget_cases() + passage_cases()
    assert len({case.name for case in every}) == len(every), "case names must be unique"
    return every


def write(folder: Path) -> None:
    """Write each stored upload as <name>.zip and a manifest of keys, reasons and detail fragments."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = []
    for case in cases():
        body = case.build()
        (folder / f"{case.name}.zip").write_bytes(body)
        manifest.append(
            {
                "name": case.name,
                "file": f"{case.name}.zip",
                "key": case.key,
                "reason": str(case.reason),
                "detail": case.detail,
            }
        )
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.hostile.corpus OUTDIR")
    write(Path(sys.argv[1]))
