"""Budget figures: each hostile upload, and the costliest inputs the budgets still accept, through read_bundle.

`python -m tests.hostile.figures [NAME...]` prints, per input, the outcome, CPU seconds, Python heap peak, resident
set growth and detail length (the figures docs/reliability.md records). The pipeline-level bounds are asserted by
tests/hostile/test_corpus.py; this measures the bundle check alone, where the budgets live.
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable

from kyc.applicant import MAX_CSV_BYTES
from kyc.bundle import read_bundle
from kyc.images import MAX_JPEG_SCANS
from kyc.model import Rejection
from PIL import Image

from tests.hostile.corpus import APP, MB, cases, details_csv, png_zero_pixels, stored_bundle
from tests.hostile.support import measured


def _progressive_at_budget(mode: str, size: tuple[int, int]) -> bytes:
    """A progressive JPEG as large as the decode budget allows, its last scan repeated up to the scan budget."""
    out = io.BytesIO()
    Image.new(mode, size, 128).save(out, "JPEG", progressive=True)
    data = out.getvalue()
    last = data.rindex(b"\xff\xda")
    return data[:-2] + data[last:-2] * (MAX_JPEG_SCANS - data.count(b"\xff\xda")) + data[-2:]


def _noise_jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 64).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


AT_BUDGET: dict[str, Callable[[], bytes]] = {
    "accepted: grey progressive JPEG 5700x5700, 32 scans (64 MB of coefficients)": lambda: stored_bundle(
        license_png=_progressive_at_budget("L", (5700, 5700))
    ),
    "accepted: colour progressive JPEG 4600x4600, 32 scans": lambda: stored_bundle(
        license_png=_progressive_at_budget("RGB", (4600, 4600))
    ),
    "accepted: RGBA PNG 4096x4096 (64 MB decoded)": lambda: stored_bundle(selfie_png=png_zero_pixels(4096, 4096)),
    "accepted: baseline JPEG of noise 3000x2000 (~7 MB)": lambda: stored_bundle(license_png=_noise_jpeg((3000, 2000))),
    "accepted: CSV padded to 32 KB": lambda: stored_bundle(
        details_csv=details_csv() + b" \n" * ((MAX_CSV_BYTES - len(details_csv())) // 2)
    ),
}


def measure(data: bytes) -> tuple[str, float, float, float | None, int]:
    """Outcome, CPU seconds, heap peak MB, RSS growth MB (None where unsupported) and detail bytes of one input."""
    with measured() as memory:
        started = time.process_time()
        try:
            read_bundle(data, APP)
            outcome, detail = "ACCEPTED", ""
        except Rejection as rejection:
            outcome, detail = f"{rejection.reason}: {rejection.detail}", rejection.detail
        cpu = time.process_time() - started
    rss = None if memory.rss_growth is None else memory.rss_growth / MB
    return outcome, cpu, memory.python_peak / MB, rss, len(detail.encode())


def main(names: list[str]) -> None:
    inputs: dict[str, Callable[[], bytes]] = {}
    for case in cases():
        if case.object_key == f"zipped/{APP}.zip" and (not names or case.name in names):
            inputs[case.name] = case.build
    inputs |= {name: build for name, build in AT_BUDGET.items() if not names or name in names}
    print("| Input | Outcome | CPU s | Heap peak MB | RSS growth MB | Detail bytes |\n|---|---|---|---|---|---|")
    for name, build in inputs.items():
        outcome, cpu, heap, rss, detail = measure(build())
        rss_text = "n/a" if rss is None else f"{rss:.0f}"
        print(f"| {name} | {outcome[:80]} | {cpu:.2f} | {heap:.0f} | {rss_text} | {detail} |")


if __name__ == "__main__":
    main(sys.argv[1:])
