"""Lab-size application bundles for the benchmarks: a 1920×1080 photo of the licence front (JPEG, or PNG as the
lab's own bundles send it) and a 900×1200 JPEG selfie with the details CSV (no back page, like the lab's bundles), in
a fixed mix of expected outcomes.

Generated once per day and generator version into .cache/bench/ (several processes in parallel), then read back.
"""

from __future__ import annotations

import hashlib
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kyc_local.samples import bundles as generator
from kyc_local.samples.cards import STATE_LAYOUTS
from kyc_local.stack import PROJECT_ROOT

CACHE = PROJECT_ROOT / ".cache" / "bench"
SAMPLES_CODE = PROJECT_ROOT / "kyc_local" / "samples"


@dataclass(frozen=True)
class Kind:
    name: str
    status: str  # the final status the system must give
    selfie: str
    license: str
    options: tuple[tuple[str, object], ...] = ()


# Seven in ten applications are in order; the rest fail one check each (every check still runs and is paid for).
MIX = (
    Kind("match", "APPROVED", "obama2", "obama"),
    Kind("match", "APPROVED", "obama", "obama3"),
    Kind("match", "APPROVED", "astronaut", "astronaut"),
    Kind("match", "APPROVED", "obama3", "obama2"),
    Kind("match", "APPROVED", "grace_hopper", "grace_hopper"),
    Kind("details", "REJECTED", "obama3", "obama", (("csv_changes", (("LAST_NAME", "Whitfield"),)),)),
    Kind("match", "APPROVED", "obama", "obama2"),
    Kind("selfie", "REJECTED", "biden", "obama"),
    Kind("match", "APPROVED", "obama2", "obama3"),
    Kind("expired", "REJECTED", "obama", "obama2", (("expired", True),)),
)


@dataclass(frozen=True)
class Bundle:
    app_uuid: str
    kind: Kind
    path: Path

    @property
    def body(self) -> bytes:
        return self.path.read_bytes()


def bundles(count: int, today: date | None = None, workers: int = 2, shot_format: str = "JPEG") -> list[Bundle]:
    """`count` bundles (ids `bench-0000-<kind>`, …), generated where not cached yet."""
    today = today or date.today()
    folder = CACHE / f"{today.isoformat()}-{_generator_version()}-{shot_format.lower()}"
    folder.mkdir(parents=True, exist_ok=True)
    wanted = [_bundle(index, folder) for index in range(count)]
    missing = [(bundle.app_uuid, index, today, bundle.path, shot_format) for index, bundle in enumerate(wanted)
               if not bundle.path.exists()]
    if missing:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            list(pool.map(_write, *zip(*missing, strict=True)))
    return wanted


def _bundle(index: int, folder: Path) -> Bundle:
    kind = MIX[index % len(MIX)]
    app_uuid = f"bench-{index:04d}-{kind.name}"
    return Bundle(app_uuid, kind, folder / f"{app_uuid}.zip")


def _write(app_uuid: str, index: int, today: date, path: Path, shot_format: str) -> None:
    kind = MIX[index % len(MIX)]
    options = dict(kind.options)
    if "csv_changes" in options:
        options["csv_changes"] = dict(options["csv_changes"])
    body = generator.make_application(
        app_uuid, random.Random(f"bench-{index}"), state=STATE_LAYOUTS[index % len(STATE_LAYOUTS)], today=today,
        selfie_photo=kind.selfie, license_photo=kind.license, with_back=False, shot_format=shot_format, **options,
    )
    partial = path.with_suffix(".part")
    partial.write_bytes(body)
    partial.replace(path)


def _generator_version() -> str:
    """A digest of the generator's code, so that a change to it makes new bundles."""
    digest = hashlib.sha256()
    for source in sorted(SAMPLES_CODE.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:10]
