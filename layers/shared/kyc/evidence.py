"""Where an application's evidence is kept: the members of each attempt's bundle, extracted to unzipped/.

The first attempt's keys are the lab's (`unzipped/<app_uuid>_selfie.png`); a later attempt's are under a folder of
its number (`unzipped/attempt2/<app_uuid>_selfie.png`, unambiguous: an app id has no '/'), so that an earlier
attempt's evidence is never overwritten."""

from __future__ import annotations

MEMBER_FILES = {
    "details": "details.csv",
    "selfie": "selfie.png",
    "license": "license.png",
    "license_back": "license_back.png",
}


def member_key(app_uuid: str, attempt: int, role: str) -> str:
    """The S3 key of one extracted member (`role`: details, selfie, license, license_back)."""
    folder = "unzipped/" if attempt == 1 else f"unzipped/attempt{attempt}/"
    return f"{folder}{app_uuid}_{MEMBER_FILES[role]}"
