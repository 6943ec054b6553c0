"""Per-call time of the local vision endpoint, warm, through real boto3 clients, and its start-up.

    .venv/bin/python -m bench.vision [--rounds 10]

Rows: start-up (engines loaded and one inference each); CompareFaces of a 1920×1080 photograph of a licence against
a 1200 px selfie; AnalyzeID of a 1920×1080 licence photograph, of a 1000 px flat licence, and of a photographed
front with its back (PDF417). Images go as Bytes, so S3 is not in the figures. Medians and 90th percentiles over
`--rounds` calls after one warm-up call. Writes bench/results/vision.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import statistics
import time
from datetime import date
from pathlib import Path

import boto3
from PIL import Image

from kyc_local.samples.cards import photograph, render_back, render_front
from kyc_local.samples.identity import make_identity
from kyc_local.samples.photos import load_photo, selfie_from
from kyc_local.vision.server import VisionServer

RESULTS = Path(__file__).resolve().parent / "results" / "vision.json"
TARGETS = {"CompareFaces": 0.5, "AnalyzeID 1920x1080": 0.8}
CREDENTIALS = {"region_name": "us-east-1", "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def _bytes(image: Image.Image, kind: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **({"quality": 90} if kind == "JPEG" else {}))
    return buffer.getvalue()


def _timed(call, rounds: int) -> dict[str, float]:
    call()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    times.sort()
    return {"median_s": round(statistics.median(times), 3), "p90_s": round(times[int(0.9 * (len(times) - 1))], 3),
            "min_s": round(times[0], 3), "calls": rounds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    rng = random.Random(7)
    person = make_identity(rng, "CA", date(2026, 3, 1))
    card = render_front(person, load_photo("obama"), rng)
    card_photo = _bytes(photograph(card, rng), "JPEG")
    flat_card = _bytes(card, "PNG")
    back = _bytes(render_back(person), "PNG")
    selfie_image = selfie_from(load_photo("obama2"), rng)
    selfie = _bytes(selfie_image, "JPEG")

    start = time.perf_counter()
    server = VisionServer()
    url = server.start()
    startup = time.perf_counter() - start
    try:
        rekognition = boto3.client("rekognition", endpoint_url=url, **CREDENTIALS)
        textract = boto3.client("textract", endpoint_url=url, **CREDENTIALS)
        rows = {
            "CompareFaces": _timed(lambda: rekognition.compare_faces(
                SourceImage={"Bytes": card_photo}, TargetImage={"Bytes": selfie}, SimilarityThreshold=80), args.rounds),
            "AnalyzeID 1920x1080": _timed(lambda: textract.analyze_id(DocumentPages=[{"Bytes": card_photo}]),
                                          args.rounds),
            "AnalyzeID 1000px flat": _timed(lambda: textract.analyze_id(DocumentPages=[{"Bytes": flat_card}]),
                                            args.rounds),
            "AnalyzeID front+back": _timed(lambda: textract.analyze_id(
                DocumentPages=[{"Bytes": card_photo}, {"Bytes": back}]), args.rounds),
        }
    finally:
        server.stop()

    print(f"{'call':<24}{'median s':>10}{'p90 s':>10}{'min s':>10}{'aim s':>8}")
    print(f"{'start-up (warm)':<24}{startup:>10.3f}")
    for name, row in rows.items():
        aim = f"{TARGETS[name]:.1f}" if name in TARGETS else ""
        print(f"{name:<24}{row['median_s']:>10.3f}{row['p90_s']:>10.3f}{row['min_s']:>10.3f}{aim:>8}")
    report = {
        "startup_s": round(startup, 3),
        "calls": rows,
        "aims_s": TARGETS,
        "inputs": {"card_photo": "1920x1080 JPEG", "selfie": f"{selfie_image.width}x{selfie_image.height} JPEG",
                   "flat_card": f"{card.width}x{card.height} PNG", "back": "PDF417 PNG"},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_1min": os.getloadavg()[0]},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")


if __name__ == "__main__":
    main()
