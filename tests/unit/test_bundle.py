"""Bundle safety: every rule, against hostile archives built in memory."""

from __future__ import annotations

import gzip
import io
import os
import stat
import time
import zipfile

import pytest
from kyc.bundle import (
    MAX_MEMBER_BYTES,
    MAX_TOTAL_BYTES,
    MAX_ZIP_BYTES,
    app_uuid_from_key,
    image_content_type,
    read_bundle,
)
from kyc.images import (
    MAX_DECODE_BYTES,
    MAX_JPEG_SCANS,
    MAX_JPEG_SEGMENTS,
    MAX_PIXELS,
    MAX_PNG_CHUNKS,
    MAX_PNG_COMPRESSED_CHUNKS,
)
from kyc.model import Reason, Rejection
from PIL import Image

from tests.hostile.corpus import APP as CORPUS_APP
from tests.hostile.corpus import (
    jpeg_declaring,
    jpeg_repeating_a_scan,
    jpeg_with_segments,
    overlapping,
    overrunning,
    png_declaring,
    png_with_compressed_text,
    png_with_many_chunks,
    zip_with_entries,
)
from tests.unit.builders import (
    APP,
    DETAILS,
    csv_bytes,
    image_bytes,
    info,
    jpeg_with_size,
    make_zip,
    members,
    patch_flag_bits,
    patch_uncompressed_size,
    png_header_only,
)

MB = 1024 * 1024


def rejected(data: bytes, app: str = APP) -> Rejection:
    with pytest.raises(Rejection) as caught:
        read_bundle(data, app)
    return caught.value


def with_member(name: str, data: bytes, app: str = APP) -> bytes:
    return make_zip(list(members(app).items()) + [(name, data)])


def replaced(role: str, data: bytes) -> bytes:
    entries = members()
    entries[f"{APP}_{role}"] = data
    return make_zip(entries)


# -- keys ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("zipped/8d247914.zip", "8d247914"),
        ("zipped/a-b_C9.zip", "a-b_C9"),
        ("zipped/a%2Db.zip", "a-b"),
        ("zipped/" + "x" * 64 + ".zip", "x" * 64),
        ("zipped/8d247914.ZIP", "8d247914"),  # phones and file managers upper-case the extension
        ("zipped/8d247914.Zip", "8d247914"),
    ],
)
def test_app_uuid_from_a_valid_key(key, expected):
    assert app_uuid_from_key(key) == expected


@pytest.mark.parametrize(
    "key",
    [
        "zipped/a+b.zip",  # '+' is a space once decoded
        "zipped/a%20b.zip",
        "zipped/.zip",
        "zipped/" + "x" * 65 + ".zip",
        "unzipped/abc.zip",
        "zipped/sub/abc.zip",
        "zipped/abc.tar",
        "zipped/abc.zip.zip",
        "zipped/..%2Fabc.zip",
        "abc.zip",
        "",
    ],
)
def test_app_uuid_from_an_invalid_key_is_rejected(key):
    with pytest.raises(Rejection) as caught:
        app_uuid_from_key(key)
    assert caught.value.reason is Reason.BUNDLE_INVALID


# -- a good bundle --------------------------------------------------------------------------------------------------


def test_a_valid_bundle_is_read_with_its_details_and_images():
    expected = members()
    bundle = read_bundle(make_zip(expected), APP)
    assert bundle.app_uuid == APP
    assert bundle.details == DETAILS
    assert bundle.selfie == expected[f"{APP}_selfie.png"]
    assert bundle.license == expected[f"{APP}_license.png"]
    assert bundle.license_back is None


def test_optional_back_page_and_macos_litter_are_accepted():
    back = image_bytes("PNG", (64, 40))
    entries = list(members().items()) + [
        (f"{APP}_license_back.png", back),
        ("__MACOSX/", b""),
        (f"__MACOSX/._{APP}_selfie.png", b"\0\5\26\7junk"),
        (".DS_Store", b"\0\0\0\1Bud1"),
    ]
    assert read_bundle(make_zip(entries), APP).license_back == back


def test_stored_members_are_accepted():
    assert read_bundle(make_zip(members(), compression=zipfile.ZIP_STORED), APP).details == DETAILS


@pytest.mark.parametrize(
    ("data", "content_type"), [(image_bytes("PNG"), "image/png"), (image_bytes("JPEG"), "image/jpeg")]
)
def test_image_content_type_by_magic_bytes(data, content_type):
    assert image_content_type(data) == content_type


def test_image_content_type_of_other_bytes_is_rejected():
    with pytest.raises(Rejection) as caught:
        image_content_type(b"GIF89a...")
    assert caught.value.reason is Reason.IMAGE_INVALID


# -- archive-level rules ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (b"", "empty"),
        (b"this is not a zip", "not a readable zip"),
        (make_zip(members())[:-30], "not a readable zip"),  # central directory cut off
        (make_zip({}), "no members"),
        (b"\0" * (MAX_ZIP_BYTES + 1), "exceeds 20 MB"),
    ],
    ids=["empty", "not-a-zip", "truncated", "no-members", "too-large"],
)
def test_archive_level_rejections(data, detail):
    rejection = rejected(data)
    assert rejection.reason is Reason.BUNDLE_INVALID
    assert detail in rejection.detail


def test_more_than_ten_members_is_rejected():
    entries = list(members().items()) + [(f"__MACOSX/._{n}", b"x") for n in range(8)]
    assert "more than 10 members" in rejected(make_zip(entries)).detail


# -- member names and attributes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "detail"),
    [
        (f"../{APP}_notes.csv", "'..'"),
        (f"..\\{APP}_notes.csv", "'..'"),
        (f"__MACOSX/../../{APP}.csv", "'..'"),
        ("/etc/passwd", "absolute path"),
        ("\\windows\\evil.dll", "absolute path"),
        ("C:/evil.dll", "absolute path"),
        ("photos/", "directory"),
        (info("photos", external_attr=(stat.S_IFDIR | 0o755) << 16 | 0x10), "directory"),
        (info(f"{APP}_link.png", external_attr=(stat.S_IFLNK | 0o777) << 16), "symbolic link"),
        (f"{APP}_bundle.zip", "nested archive"),
        (f"{APP}_bundle.tar.gz", "nested archive"),
        ("notes.txt", "unexpected name"),
        (f"{APP}_selfie.jpg", "duplicate of member 2"),  # .jpg names the selfie too
        (f"{APP}_selfie.gif", "unexpected name"),
        (f"{APP}_details.png", "unexpected name"),
        (f"{APP}_selfie", "unexpected name"),
        (f"{APP}_SELFIE.png", "unexpected name"),
        (f"{APP}_extra.png", "unexpected name"),
        ("nul\x01name.png", "control characters"),
        ("csi\x9bname.png", "control characters"),
    ],
)
def test_member_rules(entry, detail):
    rejection = rejected(with_member(entry, b"payload"))
    assert rejection.reason is Reason.BUNDLE_INVALID
    assert rejection.detail.startswith("member 4: ")  # the position of the offending entry, never its name
    assert detail in rejection.detail


def test_a_symlink_named_like_an_expected_member_is_rejected():
    entries = members()
    selfie = entries.pop(f"{APP}_selfie.png")
    link = info(f"{APP}_selfie.png", external_attr=(stat.S_IFLNK | 0o777) << 16)
    assert "symbolic link" in rejected(make_zip(list(entries.items()) + [(link, selfie)])).detail


@pytest.mark.parametrize("name", [f"{APP}_details.csv", f"__MACOSX/._{APP}_details.csv"])
def test_an_encrypted_member_is_rejected(name):
    data = patch_flag_bits(with_member(f"__MACOSX/._{APP}_details.csv", b"x"), name, 0x1)
    assert "encrypted" in rejected(data).detail


def test_members_named_for_another_application_are_unexpected():
    rejection = rejected(make_zip(members("7a135804")))
    assert rejection.reason is Reason.BUNDLE_INVALID
    assert rejection.detail == "member 1: unexpected name"


def test_duplicate_members_are_rejected():
    data = with_member(f"{APP}_selfie.png", image_bytes("PNG"))
    assert rejected(data).detail == "member 4: duplicate of member 2"


@pytest.mark.parametrize("role", ["details.csv", "selfie.png", "license.png"])
def test_a_missing_required_member_is_rejected(role):
    entries = members()
    del entries[f"{APP}_{role}"]
    assert f"missing member '{APP}_{role}'" in rejected(make_zip(entries)).detail


def test_unsupported_compression_is_rejected():
    data = make_zip(members(), compression=zipfile.ZIP_BZIP2)
    assert "unsupported compression" in rejected(data).detail


@pytest.mark.parametrize(
    "name",
    [
        "URGENT call 1-800-555-0100 or see https://evil.example/pay",
        "URGENT call 1-800-555-0100/",
        "../URGENT call 1-800-555-0100",
        "/URGENT call 1-800-555-0100",
        "URGENT call 1-800-555-0100.zip",
        "URGENT\x1b[2J call 1-800-555-0100",
        "URGENT" + "n" * 5000,
    ],
    ids=["unexpected", "directory", "traversal", "absolute", "nested", "control", "long"],
)
def test_member_names_are_never_echoed(name):
    rejection = rejected(with_member(name, b"x"))
    assert rejection.detail.startswith("member 4: ")
    assert "URGENT" not in rejection.detail and "555" not in rejection.detail
    assert len(rejection.detail) < 80


# -- sizes, ratios, lies -----------------------------------------------------------------------------------------


def test_a_compression_ratio_bomb_is_rejected():
    data = replaced("selfie.png", b"\0" * MB)
    rejection = rejected(data)
    assert rejection.reason is Reason.BUNDLE_INVALID
    assert "compression ratio of 100" in rejection.detail


def test_a_member_over_the_size_cap_is_rejected():
    data = replaced("selfie.png", os.urandom(MAX_MEMBER_BYTES + 1))  # incompressible: ratio 1
    assert "exceeds 15 MB uncompressed" in rejected(data).detail


def test_members_over_the_total_cap_are_rejected():
    # Three members just under the member cap, each compressing about 6:1 (under the ratio cap).
    two_symbols = bytes.maketrans(bytes(range(256)), b"ab" * 128)
    big = (MAX_TOTAL_BYTES // 3) + MB
    entries = members()
    for role in ("selfie.png", "license.png", "license_back.png"):
        entries[f"{APP}_{role}"] = os.urandom(big).translate(two_symbols)
    data = make_zip(entries, compresslevel=1)
    assert len(data) <= MAX_ZIP_BYTES
    assert "exceed 40 MB uncompressed in total" in rejected(data).detail


def test_a_member_lying_about_its_size_is_rejected():
    name = f"{APP}_selfie.png"
    data = patch_uncompressed_size(replaced("selfie.png", os.urandom(2 * MB)), name, 100)
    rejection = rejected(data)
    assert rejection.reason is Reason.BUNDLE_INVALID
    assert rejection.detail == "member 2 (selfie): is corrupt"


def test_a_corrupt_member_is_rejected():
    data = bytearray(make_zip(members(), compression=zipfile.ZIP_STORED))
    start = data.index(b"\x89PNG")
    data[start + 40 : start + 48] = b"\xff" * 8  # CRC no longer matches
    assert "is corrupt" in rejected(bytes(data)).detail


# -- nested archives by content -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "payload"),
    [
        ("details.csv", make_zip({"inner.csv": b"a,b"})),
        ("selfie.png", gzip.compress(os.urandom(64))),
        ("license.png", b"7z\xbc\xaf\x27\x1c" + os.urandom(64)),
        ("license.png", b"Rar!\x1a\x07\x00" + os.urandom(64)),
    ],
    ids=["zip-as-csv", "gzip-as-png", "7z-as-png", "rar-as-png"],
)
def test_nested_archives_are_rejected_by_magic_bytes(role, payload):
    rejection = rejected(replaced(role, payload))
    assert rejection.reason is Reason.BUNDLE_INVALID
    assert "nested archive" in rejection.detail


# -- images --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["selfie.jpg", "selfie.jpeg", "selfie.JPG", "selfie.PNG"])
@pytest.mark.parametrize("image_format", ["JPEG", "PNG"])
def test_image_members_may_be_named_png_jpg_or_jpeg_whatever_their_content(name, image_format):
    entries = members()
    del entries[f"{APP}_selfie.png"]
    entries[f"{APP}_{name}"] = image_bytes(image_format)
    bundle = read_bundle(make_zip(entries), APP)
    assert image_content_type(bundle.selfie) == f"image/{image_format.lower()}"


def test_a_missing_member_is_named_by_its_first_accepted_name():
    entries = members()
    del entries[f"{APP}_license.png"]
    assert rejected(make_zip(entries)).detail == f"missing member '{APP}_license.png'"


def test_a_jpeg_named_png_is_accepted():
    bundle = read_bundle(replaced("selfie.png", image_bytes("JPEG")), APP)
    assert image_content_type(bundle.selfie) == "image/jpeg"


WHERE = {
    "selfie.png": "member 2 (selfie): ",
    "license.png": "member 3 (licence): ",
    "license_back.png": "member 4 (licence back): ",
}


@pytest.mark.parametrize(
    ("role", "payload", "detail"),
    [
        ("selfie.png", b"hello, not an image", "neither PNG nor JPEG"),
        ("selfie.png", b"", "neither PNG nor JPEG"),
        ("license.png", b"GIF89a" + os.urandom(64), "neither PNG nor JPEG"),
        ("selfie.png", image_bytes("PNG", (400, 300))[:-200], "does not decode"),
        ("license.png", image_bytes("JPEG", (400, 300))[:400], "does not decode"),
        ("selfie.png", b"\x89PNG\r\n\x1a\n" + os.urandom(40), "no readable PNG header"),
        ("license.png", b"\xff\xd8\xff\xd9", "no readable JPEG header"),
        ("selfie.png", png_declaring(50_000, 50_000), "exceeds 40 megapixels"),
        ("selfie.png", png_declaring(8_000, 5_001, depth=1), "exceeds 40 megapixels"),
        ("license.png", jpeg_with_size(10_000, 10_000), "exceeds 40 megapixels"),
        ("license_back.png", png_declaring(65_535, 65_535), "exceeds 40 megapixels"),
        ("selfie.png", png_header_only(100, 100), "does not decode"),  # declared size fine, data missing
        ("selfie.png", png_declaring(100, 100), "does not decode"),  # whole chunks, too little image data
    ],
    ids=[
        "text",
        "empty",
        "gif",
        "truncated-png",
        "truncated-jpeg",
        "png-without-header",
        "jpeg-without-frame",
        "png-2500-megapixels",
        "png-just-over-40-megapixels",
        "jpeg-100-megapixels",
        "back-page-4-gigapixels",
        "png-without-end",
        "png-without-data",
    ],
)
def test_image_rules(role, payload, detail):
    rejection = rejected(replaced(role, payload))
    assert rejection.reason is Reason.IMAGE_INVALID
    assert rejection.detail.startswith(WHERE[role])
    assert detail in rejection.detail


def test_the_pixel_limit_is_inclusive():
    assert MAX_PIXELS == 40_000_000
    detail = rejected(replaced("selfie.png", png_declaring(8_000, 5_000, depth=1))).detail
    assert "megapixels" not in detail and "does not decode" in detail  # past every budget, to Pillow


def image_detail(role: str, payload: bytes) -> str | None:
    """The rejection detail of a bundle carrying the image (its role's prefix removed), or None when accepted."""
    try:
        read_bundle(make_zip(members() | {f"{APP}_{role}": payload}, compression=zipfile.ZIP_STORED), APP)
    except Rejection as rejection:
        assert rejection.reason is Reason.IMAGE_INVALID
        assert rejection.detail.startswith(WHERE[role])
        return rejection.detail.removeprefix(WHERE[role])
    return None


def test_png_chunk_budget():
    assert image_detail("selfie.png", png_with_many_chunks(MAX_PNG_CHUNKS - 3)) is None  # + IHDR, IDAT, IEND
    assert image_detail("selfie.png", png_with_many_chunks(MAX_PNG_CHUNKS - 2)) == "has more than 8192 PNG chunks"


def test_png_compressed_metadata_budget():
    assert image_detail("selfie.png", png_with_compressed_text(MAX_PNG_COMPRESSED_CHUNKS)) is None
    detail = image_detail("selfie.png", png_with_compressed_text(MAX_PNG_COMPRESSED_CHUNKS + 1))
    assert detail == "has more than 4 compressed PNG metadata chunks"


def test_jpeg_segment_budget():
    assert image_detail("license.png", jpeg_with_segments(200)) is None
    assert image_detail("license.png", jpeg_with_segments(MAX_JPEG_SEGMENTS)) == "has more than 256 JPEG segments"


def test_jpeg_scan_budget():
    scans = jpeg_repeating_a_scan(0).count(b"\xff\xda")
    assert 6 <= scans < MAX_JPEG_SCANS  # Pillow's progressive JPEG is accepted as it is
    assert image_detail("license.png", jpeg_repeating_a_scan(MAX_JPEG_SCANS - scans)) is None
    assert (
        image_detail("license.png", jpeg_repeating_a_scan(MAX_JPEG_SCANS - scans + 1)) == "has more than 32 JPEG scans"
    )


@pytest.mark.parametrize(
    ("payload", "over"),
    [
        (png_declaring(4096, 4096, colour=6), False),  # RGBA: exactly 64 MB
        (png_declaring(4096, 4097, colour=6), True),
        (png_declaring(6000, 6000, colour=0), False),  # greyscale: a byte a pixel
        (png_declaring(6000, 6000, depth=16, colour=0), True),
        (jpeg_declaring(6000, 6000, progressive=True), True),  # libjpeg holds every coefficient of every scan
        (jpeg_declaring(6000, 6000), False),  # one baseline scan, decoded at an eighth of the size
    ],
    ids=["png-rgba-at-budget", "png-rgba-over", "png-grey", "png-grey-16-bit", "jpeg-progressive", "jpeg-baseline"],
)
def test_decode_memory_budget(payload, over):
    assert MAX_DECODE_BYTES == 64 * MB
    detail = image_detail("selfie.png", payload)
    assert (detail == "needs more than 64 MB to decode") is over  # within it, Pillow decodes (or refuses) the data


@pytest.mark.parametrize(
    ("role", "payload", "detail"),
    [
        ("selfie.png", image_bytes("PNG") + make_zip({"inner.exe": b"MZ"}), "has data after the end of the PNG"),
        ("selfie.png", image_bytes("PNG") + b"\0", "has data after the end of the PNG"),
        ("license.png", image_bytes("JPEG") + b"URGENT call 555", "has data after the end of the JPEG"),
        ("license.png", image_bytes("JPEG") + b"\xff\xd8\xff\xd9", "has data after the end of the JPEG"),
    ],
    ids=["png-zip", "png-one-byte", "jpeg-text", "jpeg-second-image"],
)
def test_nothing_may_follow_an_image(role, payload, detail):
    assert image_detail(role, payload) == detail


def test_a_progressive_jpeg_with_metadata_is_accepted():
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 120, 200)).save(out, "JPEG", progressive=True, exif=b"Exif\0\0" + bytes(64))
    assert image_detail("license.png", out.getvalue()) is None


# -- the central directory and the entries' layout ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (zip_with_entries(11), "archive has more than 10 members"),
        (zip_with_entries(424_000, zip64=True), "archive has more than 10 members"),
        (zip_with_entries(11, zip64=True), "archive has more than 10 members"),
        (zip_with_entries(300_000, declared=3), "central directory exceeds 64 KB"),
        (zip_with_entries(4, declared=3), "central directory disagrees with its end record"),
        (overlapping(), "overlaps another member"),
        (overrunning(), "member 1: overlaps another member"),
    ],
    ids=["eleven", "zip64-424k", "zip64-eleven", "count-lie", "count-disagrees", "same-header", "overrun"],
)
def test_central_directory_rules(data, detail):
    started = time.process_time()
    rejection = rejected(data, CORPUS_APP)
    assert rejection.reason is Reason.BUNDLE_INVALID
    assert detail in rejection.detail
    assert time.process_time() - started < 0.5  # refused from the end record, before zipfile builds 424k entries


def test_entries_that_abut_or_carry_data_descriptors_are_accepted():
    class Unseekable(io.BytesIO):
        def seekable(self) -> bool:
            return False

    out = Unseekable()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:  # streamed: sizes in data descriptors
        for name, data in members().items():
            archive.writestr(name, data)
    assert read_bundle(out.getvalue(), APP).details == DETAILS
    assert read_bundle(b"#!/bin/sh stub\n" + make_zip(members()), APP).details == DETAILS  # a prefix moves offsets


# -- the details CSV inside a bundle --------------------------------------------------------------------------------


def test_an_invalid_csv_in_a_bundle_is_csv_invalid():
    rejection = rejected(replaced("details.csv", csv_bytes(encoding="utf-16")))
    assert rejection.reason is Reason.CSV_INVALID
