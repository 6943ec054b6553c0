"""The lab's way of working on the same bundles, for the throughput benchmark's ratio: one bundle after another, one
engine instance in this process, each image through its engine once, OCR over the whole photograph (no card crop)
with RapidOCR's own detection size. Engines only: it leaves out S3, DynamoDB, SNS and SQS, which flatters the lab.

Also ours on the same bundles, engines only: the worker processes with the card crop.
"""

from __future__ import annotations

import io
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from bench.report import cpu_seconds
from bench.workload import Bundle
from kyc_local.vision import images
from kyc_local.vision.aamva import parse_front
from kyc_local.vision.engines import Engines
from kyc_local.vision.faces import FaceEngine
from kyc_local.vision.ocr import OcrEngine

LAB_DETECTION = {"Det.limit_type": "min", "Det.limit_side_len": 736}  # RapidOCR's defaults


def pages(bundle: Bundle) -> tuple[np.ndarray, np.ndarray]:
    """The bundle's licence and selfie, decoded."""
    with zipfile.ZipFile(io.BytesIO(bundle.body)) as archive:
        named = {name.rsplit("_", 1)[-1].split(".")[0]: archive.read(name) for name in archive.namelist()}
    return images.decode(named["license"]), images.decode(named["selfie"])


def lab(bundles: list[Bundle]) -> dict[str, float]:
    """The lab's way: bundles per minute and CPU seconds per bundle."""
    faces, ocr = FaceEngine(), OcrEngine(LAB_DETECTION)
    faces.warm()
    ocr.warm()

    def one(bundle: Bundle) -> None:
        license, selfie = pages(bundle)
        faces.faces(license, limit=1)
        faces.faces(selfie)
        parse_front(ocr.words(license), license.shape[0])

    return _timed(lambda: [one(bundle) for bundle in bundles], len(bundles))


def ours(bundles: list[Bundle]) -> dict[str, float]:
    """Ours, engines only: two threads per engine worker (one decodes while the other's bundle is in the engines),
    each bundle's images decoded once."""
    engines = Engines()
    engines.warm()

    def one(bundle: Bundle) -> None:
        license, selfie = pages(bundle)
        engines.faces.faces(license, limit=1)
        engines.faces.faces(selfie)
        engines.id_reader.read([license])

    try:
        with ThreadPoolExecutor(max_workers=2 * engines.workers) as pool:
            return _timed(lambda: list(pool.map(one, bundles)), len(bundles))
    finally:
        engines.stop()


def _timed(run, count: int) -> dict[str, float]:
    cpu, started = sum(cpu_seconds()), time.perf_counter()
    run()
    wall, cpu = time.perf_counter() - started, sum(cpu_seconds()) - cpu
    return {"bundles_per_min": round(count / wall * 60, 1), "wall_s": round(wall, 2),
            "cpu_s_per_bundle": round(cpu / count, 3)}
