"""Bundle safety: the uploaded zip is hostile until every rule below has passed.

The central directory is sized from its end record before zipfile reads it; entries are checked to lie apart (the
project's own rule, not the interpreter's); members are read by streaming decompression with hard caps (declared
sizes are never trusted); images and the CSV go through their own budgets (kyc.images, kyc.applicant). Every
failure is a Rejection naming the member by its position and role, never by its (uploader-chosen) name.
"""

from __future__ import annotations

import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from itertools import pairwise
from urllib.parse import unquote_plus

from kyc.applicant import MAX_CSV_BYTES, parse_details
from kyc.images import check_image, image_content_type
from kyc.model import Bundle, Reason, Rejection

__all__ = ["APP_UUID_PATTERN", "MAX_ZIP_BYTES", "app_uuid_from_key", "image_content_type", "read_bundle"]

MB = 1024 * 1024
MAX_ZIP_BYTES = 20 * MB
MAX_MEMBERS = 10
MAX_CENTRAL_DIRECTORY_BYTES = 64 * 1024  # ten entries with names of up to 6 KB each
MAX_MEMBER_BYTES = 15 * MB
MAX_TOTAL_BYTES = 40 * MB
MAX_RATIO = 100
CHUNK_BYTES = 64 * 1024

APP_UUID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
_KEY_PATTERN = re.compile(r"zipped/([^/]*)\.zip", re.IGNORECASE)  # .ZIP and .Zip as phones name them
_SUPPORTED_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_ARCHIVE_EXTENSIONS = (".zip", ".jar", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".7z", ".rar", ".zst", ".cab")
_ARCHIVE_MAGIC = (
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"PK\x07\x08",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\x28\xb5\x2f\xfd",
    b"MSCF",
)
_END_RECORD = b"PK\x05\x06"
_ZIP64_END_RECORD = b"PK\x06\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_LOCAL_HEADER = b"PK\x03\x04"
_ROLES = {"_details": "details", "_selfie": "selfie", "_license": "license", "_license_back": "back"}
_IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg")
MEMBER_EXTENSIONS = {"details": (".csv",), "selfie": _IMAGE_EXTENSIONS, "license": _IMAGE_EXTENSIONS,
                     "back": _IMAGE_EXTENSIONS}
"""Each role's accepted name endings (any letter case): an image's type is decided by its content, not its name."""
_LABELS = {"details": "details CSV", "selfie": "selfie", "license": "licence", "back": "licence back"}


def _invalid(detail: str) -> Rejection:
    return Rejection(Reason.BUNDLE_INVALID, detail)


@dataclass(frozen=True)
class _Member:
    index: int  # 1-based position in the central directory: how details name it
    info: zipfile.ZipInfo
    role: str

    @property
    def where(self) -> str:
        return f"member {self.index} ({_LABELS[self.role]})"


def app_uuid_from_key(key: str) -> str:
    """The application id of an upload key (URL-encoded as in S3 events): `zipped/<app_uuid>.zip` (any case)."""
    match = _KEY_PATTERN.fullmatch(unquote_plus(key))
    if not match:
        raise _invalid("upload key must be zipped/<app_uuid>.zip")
    if not APP_UUID_PATTERN.fullmatch(match.group(1)):
        raise _invalid("app_uuid must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-'")
    return match.group(1)


def read_bundle(data: bytes, app_uuid: str) -> Bundle:
    """The checked contents of an uploaded zip, or a Rejection (BUNDLE_INVALID, CSV_INVALID, IMAGE_INVALID)."""
    if not data:
        raise _invalid("upload is empty")
    if len(data) > MAX_ZIP_BYTES:
        raise _invalid(f"upload exceeds {MAX_ZIP_BYTES // MB} MB")
    entries, directory_start = _central_directory(data)
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise _invalid("upload is not a readable zip archive") from error
    with archive:
        infos = archive.infolist()
        if len(infos) != entries:
            raise _invalid("central directory disagrees with its end record")
        _check_layout(data, infos, directory_start)
        members = _select_members(infos, app_uuid)
        contents = _read_members(archive, members)
    for role, member in members.items():
        if contents[role].startswith(_ARCHIVE_MAGIC):
            raise _invalid(f"{member.where}: is a nested archive")
    for role in ("selfie", "license", "back"):
        if role in contents:
            check_image(contents[role], members[role].where)
    return Bundle(
        app_uuid=app_uuid,
        details=parse_details(contents["details"]),
        selfie=contents["selfie"],
        license=contents["license"],
        license_back=contents.get("back"),
    )


def _central_directory(data: bytes) -> tuple[int, int]:
    """The entry count and offset of the central directory, from its end record (ZIP64's when there is one), as
    zipfile finds them; refused over the budgets before zipfile builds an entry for each."""
    at = data.rfind(_END_RECORD, max(0, len(data) - 22 - 0xFFFF))
    if at < 0 or at + 22 > len(data):
        raise _invalid("upload is not a readable zip archive")
    entries, size = struct.unpack_from("<HI", data, at + 10)
    end = at
    locator = at - 20
    if locator >= 56 and data[locator : locator + 4] == _ZIP64_LOCATOR:
        end = locator - 56
        if data[end : end + 4] != _ZIP64_END_RECORD:
            raise _invalid("upload is not a readable zip archive")
        entries, size = struct.unpack_from("<QQ", data, end + 32)
    if entries > MAX_MEMBERS:
        raise _invalid(f"archive has more than {MAX_MEMBERS} members")
    if size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise _invalid(f"central directory exceeds {MAX_CENTRAL_DIRECTORY_BYTES // 1024} KB")
    return entries, end - size


def _check_layout(data: bytes, infos: list[zipfile.ZipInfo], directory_start: int) -> None:
    """Each entry's local header and data lie apart from every other's and before the central directory."""
    spans = []
    for index, info in enumerate(infos, 1):
        start = info.header_offset
        if start < 0 or start + 30 > len(data) or data[start : start + 4] != _LOCAL_HEADER:
            raise _invalid(f"member {index}: has no local header")
        name_length, extra_length = struct.unpack_from("<HH", data, start + 26)
        spans.append((start, start + 30 + name_length + extra_length + info.compress_size, index))
    spans.sort()
    for (_, end, index), (limit, _, _) in pairwise([*spans, (directory_start, 0, 0)]):
        if end > limit:
            raise _invalid(f"member {index}: overlaps another member or the central directory")


def _select_members(infos: list[zipfile.ZipInfo], app_uuid: str) -> dict[str, _Member]:
    """The expected members by role, after every rule on names and entry attributes."""
    if not infos:
        raise _invalid("archive has no members")
    members: dict[str, _Member] = {}
    for index, info in enumerate(infos, 1):
        name = info.orig_filename
        _check_entry(info, name, f"member {index}")
        if _ignored(name):
            continue
        if name.lower().endswith(_ARCHIVE_EXTENSIONS):
            raise _invalid(f"member {index}: is a nested archive")
        role = _role(name, app_uuid)
        if role is None:
            raise _invalid(f"member {index}: unexpected name")
        if role in members:
            raise _invalid(f"member {index}: duplicate of member {members[role].index}")
        member = _Member(index, info, role)
        if info.compress_type not in _SUPPORTED_COMPRESSION:
            raise _invalid(f"{member.where}: uses an unsupported compression method")
        members[role] = member
    missing = [f"'{app_uuid}{stem}{MEMBER_EXTENSIONS[role][0]}'" for stem, role in _ROLES.items()
               if role != "back" and role not in members]
    if missing:
        raise _invalid("missing member " + ", ".join(missing))
    return members


def _role(name: str, app_uuid: str) -> str | None:
    """The role a member name gives (`<app_uuid>_selfie.jpg` → selfie), or None for any other name."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem.startswith(app_uuid):
        return None
    role = _ROLES.get(stem[len(app_uuid):])
    return role if role and f".{extension.lower()}" in MEMBER_EXTENSIONS[role] else None


def _check_entry(info: zipfile.ZipInfo, name: str, where: str) -> None:
    """Rules every entry obeys, ignored ones included: safe path, no directory, symlink or encryption."""
    path = name.replace("\\", "/")
    if any(ord(char) < 32 or 127 <= ord(char) < 160 for char in name):
        raise _invalid(f"{where}: name contains control characters")
    if path.startswith("/") or re.match(r"[A-Za-z]:", path):
        raise _invalid(f"{where}: absolute path")
    if ".." in path.split("/"):
        raise _invalid(f"{where}: path escapes the archive with '..'")
    mode = info.external_attr >> 16
    if path.endswith("/") or stat.S_ISDIR(mode) or info.external_attr & 0x10:
        if not _ignored(name):
            raise _invalid(f"{where}: is a directory")
    elif stat.S_ISLNK(mode):
        raise _invalid(f"{where}: is a symbolic link")
    if info.flag_bits & 0x41:
        raise _invalid(f"{where}: is encrypted")


def _ignored(name: str) -> bool:
    path = name.replace("\\", "/")
    return path.startswith("__MACOSX/") or path.rsplit("/", 1)[-1] == ".DS_Store"


def _read_members(archive: zipfile.ZipFile, members: dict[str, _Member]) -> dict[str, bytes]:
    """Every member's bytes, decompressed in chunks under the per-member, total and ratio caps. The CSV is read
    only to one byte past its own budget, which parse_details then refuses."""
    contents: dict[str, bytes] = {}
    total = 0
    for role, member in members.items():
        where, info = member.where, member.info
        ratio_cap = MAX_RATIO * max(info.compress_size, 1)
        enough = MAX_CSV_BYTES + 1 if role == "details" else None
        chunks: list[bytes] = []
        size = 0
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(CHUNK_BYTES):
                    size += len(chunk)
                    total += len(chunk)
                    if size > MAX_MEMBER_BYTES:
                        raise _invalid(f"{where}: exceeds {MAX_MEMBER_BYTES // MB} MB uncompressed")
                    if total > MAX_TOTAL_BYTES:
                        raise _invalid(f"members exceed {MAX_TOTAL_BYTES // MB} MB uncompressed in total")
                    if size > ratio_cap:
                        raise _invalid(f"{where}: exceeds a compression ratio of {MAX_RATIO}")
                    chunks.append(chunk)
                    if enough is not None and size >= enough:
                        break
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as error:
            raise _invalid(f"{where}: is corrupt") from error
        contents[role] = b"".join(chunks)
    return contents
