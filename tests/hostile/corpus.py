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
    build: Callable[[], bytes | None]  # the stored upload; None: the key names no object
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


def png_declaring(width: int, height: int, idat: bytes = zlib.compress(b"\0" * 64), depth: int = 8) -> bytes:
    """A PNG whose IHDR declares width x height (colour type 2 at depth 8, greyscale otherwise)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, depth, 2 if depth == 8 else 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


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
        _key("key-upper-suffix", f"zipped/{APP}.ZIP", MUST_BE),
        _key("key-double-slash", f"zipped//{APP}.zip", MUST_BE),
        _key("key-plus-sign", "zipped/h0st1le%2Bapp.zip", APP_RULE),
        _key("key-newline", "zipped/h0st1le%0Aapp.zip", APP_RULE),
        _key("key-percent-literal", "zipped/h0st1le%25app.zip", APP_RULE),
        Case("key-object-gone", BUNDLE, "no longer exists", lambda: None),
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
        Case("overlapping-entries", BUNDLE, "is corrupt", overlapping),
    ]


def bomb_cases() -> list[Case]:
    return [
        Case("ratio-bomb-1-mb", BUNDLE, "compression ratio of 100", lambda: bundle_with(selfie_png=b"\0" * MB)),
        Case("ratio-bomb-14-mb", BUNDLE, "compression ratio of 100", lambda: bundle_with(license_png=b"\0" * 14 * MB)),
        Case(
            "ratio-bomb-csv",
            BUNDLE,
            "compression ratio of 100",
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
        Case("duplicate-member", BUNDLE, "duplicate member", lambda: bundle_with((selfie, image("PNG")))),
        Case("unexpected-member", BUNDLE, "unexpected member", lambda: bundle_with(("notes.txt", b"hello"))),
        Case("jpg-extension", BUNDLE, "unexpected member", lambda: bundle_with((f"{APP}_selfie.jpg", image("JPEG")))),
        Case("upper-case-role", BUNDLE, "unexpected member", lambda: bundle_with((f"{APP}_SELFIE.png", image()))),
        Case("homoglyph-name", BUNDLE, "unexpected member", lambda: bundle_with((f"{APP}_self\u0456e.png", image()))),
        Case("another-app-id", BUNDLE, "unexpected member", lambda: make_zip(members(OTHER_APP))),
        Case(
            "another-app-id-extra",
            BUNDLE,
            "unexpected member",
            lambda: bundle_with((f"{OTHER_APP}_selfie.png", image())),
        ),
        Case("missing-license", BUNDLE, "missing member", lambda: bundle_with(license_png=None)),
        Case("only-litter", BUNDLE, "missing member", lambda: make_zip({"__MACOSX/._x": b"x", ".DS_Store": b""})),
        Case("control-character-name", BUNDLE, "control characters", lambda: bundle_with(("a\x1b[2Jb.png", b"x"))),
        Case("very-long-name", BUNDLE, "unexpected member", lambda: bundle_with(("n" * 5000, b"x"))),
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
            "csv-two-rows", CSV, "found 2 data rows", lambda: bundle_with(details_csv=details_csv([header, row, row]))
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
            "unexpected columns: 'NICKNAME'",
            lambda: bundle_with(details_csv=details_csv([header + ["NICKNAME"], row + ["Hostilenickname"]])),
            planted=("Hostilenickname",),
        ),
        Case(
            "csv-duplicate-column",
            CSV,
            "duplicate columns: 'FIRST_NAME'",
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
            "malformed",
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


def cases() -> list[Case]:
    """Every hostile case, named uniquely."""
    every = key_cases() + archive_cases() + bomb_cases() + name_cases() + image_cases() + csv_cases()
    assert len({case.name for case in every}) == len(every), "case names must be unique"
    return every


def write(folder: Path) -> None:
    """Write each stored upload as <name>.zip and a manifest of keys, reasons and detail fragments."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = []
    for case in cases():
        body = case.build()
        if body is not None:
            (folder / f"{case.name}.zip").write_bytes(body)
        manifest.append(
            {
                "name": case.name,
                "file": None if body is None else f"{case.name}.zip",
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
