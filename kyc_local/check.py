"""`kyc check BUNDLE.zip…`: the bundle contract (docs/bundle-format.md) checked offline by the pipeline's own code.

The key a file would be uploaded under is `zipped/<file name>`; its id and its contents go through
kyc.bundle.app_uuid_from_key and kyc.bundle.read_bundle, as DocumentLambdaFunction and Unzip do, so a bundle this
accepts passes the pipeline's bundle rules and one it refuses is REJECTED there with the same reason code. Like the
pipeline, the contents stop at the first rule they break: fix it and check again.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote_plus

from kyc.bundle import MAX_ZIP_BYTES, app_uuid_from_key, read_bundle
from kyc.model import Reason, Rejection

CONTRACT = "docs/bundle-format.md"
_FIXES = (  # (a fragment of the rejection detail, the fix), first match wins
    ("upload key must be", "name the file <app_uuid>.zip and upload it to zipped/<app_uuid>.zip"),
    ("app_uuid must be", "use an app id of 1-64 characters from A-Z, a-z, 0-9, '_' and '-'"),
    ("missing member", "add the member named above (images may end in .png, .jpg or .jpeg)"),
    ("duplicate of", "keep one file per role: a .png and a .jpg of the same role count twice"),
    ("unexpected name", ("remove the member, or name it <app_uuid>_details.csv, _selfie, _license or "
                        "_license_back with .png, .jpg or .jpeg, the id exactly as in the zip's name")),
    ("nested archive", "put the files into the zip directly, never an archive inside it"),
    ("is a directory", "zip the files without folders (zip -j)"),
    ("absolute path", "zip the files without folders (zip -j)"),
    ("'..'", "zip the files without folders (zip -j)"),
    ("symbolic link", "add the file itself, not a link to it"),
    ("is encrypted", "zip without a password"),
    ("unsupported compression", "compress with deflate (the default of every zip tool) or store"),
    ("compression ratio", "the member is mostly filler: send the real photo or CSV"),
    ("more than 10 members", "zip only the three or four members of the contract"),
    ("exceeds", "stay within the size budgets of " + CONTRACT),
    ("larger than", "stay within the size budgets of " + CONTRACT),
    ("empty", "upload the zip itself, not an empty file"),
)
_REASON_FIXES = {
    Reason.BUNDLE_INVALID: "re-create the zip with a standard zip tool, as " + CONTRACT + " describes",
    Reason.CSV_INVALID: "one header row with the eight columns and one data row, UTF-8 (see " + CONTRACT + ")",
    Reason.IMAGE_INVALID: "re-export the photo as a plain JPEG or PNG within the pixel budget (see " + CONTRACT + ")",
}


@dataclass(frozen=True)
class Problem:
    reason: str
    detail: str
    fix: str


@dataclass
class Verdict:
    bundle: str
    app_uuid: str | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, object]:
        return {"bundle": self.bundle, "app_uuid": self.app_uuid,
                "verdict": "ACCEPTED" if self.accepted else "REJECTED",
                "problems": [asdict(problem) for problem in self.problems]}


def fix_for(rejection: Rejection) -> str:
    """What the uploader changes to pass the rule a rejection names."""
    detail = rejection.detail.lower()
    fixes = _FIXES if rejection.reason is Reason.BUNDLE_INVALID else ()
    return next((fix for fragment, fix in fixes if fragment in detail), _REASON_FIXES.get(rejection.reason, ""))


def check_upload(name: str, key: str, data: bytes) -> Verdict:
    """The pipeline's verdict on `data` uploaded under `key` (URL-encoded, as S3 events carry it)."""
    try:
        app_uuid = app_uuid_from_key(key)
    except Rejection as rejection:
        return Verdict(name, None, [_problem(rejection)])
    try:
        read_bundle(data, app_uuid)
    except Rejection as rejection:
        return Verdict(name, app_uuid, [_problem(rejection)])
    return Verdict(name, app_uuid)


def check_file(path: Path) -> Verdict:
    """A bundle file's verdict, as if uploaded to zipped/<its name> (read only to one byte past the zip budget)."""
    with path.open("rb") as file:
        data = file.read(MAX_ZIP_BYTES + 1)
    return check_upload(str(path), quote_plus(f"zipped/{path.name}", safe="/"), data)


def render(verdicts: list[Verdict]) -> str:
    """One line per bundle accepted, one per problem: `PATH: REJECTED REASON: detail -> fix: ...`."""
    lines = []
    for verdict in verdicts:
        if verdict.accepted:
            lines.append(f"{verdict.bundle}: OK (app_uuid {verdict.app_uuid})")
        lines += [f"{verdict.bundle}: REJECTED {p.reason}: {p.detail} -> fix: {p.fix}" for p in verdict.problems]
    return "\n".join(lines)


def render_json(verdicts: list[Verdict]) -> str:
    return json.dumps([verdict.as_json() for verdict in verdicts], indent=2)


def _problem(rejection: Rejection) -> Problem:
    return Problem(str(rejection.reason), rejection.detail, fix_for(rejection))
