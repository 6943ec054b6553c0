"""Face engine: dlib HOG detector, 5-point landmarks and the ResNet embedding, with a Rekognition-like similarity.

Similarity (0–100) is a logistic of the embedding distance d:

    similarity(d) = 100 / (1 + exp(SLOPE * (d - MIDPOINT)))

with SLOPE = 30 and MIDPOINT chosen so that d = 0.55 maps to exactly 80, so the AWS default threshold keeps its
meaning: 0.45 → 98, 0.52 → 90, 0.62 → 33, 0.70 → 6. On licence portraits (flat, printed small, JPEG, low contrast,
photographed) against selfies of the generator's six photos; on real photos of many people the same person can
score far lower and two different people higher, which is why the core decides with a band calibrated on them
(docs/accuracy.md, bench/face_calibration.py).

Each face also carries what CompareFaces reports: the five landmarks, Pose and Quality (kyc_local.vision.pose).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import dlib
import face_recognition_models
import numpy as np

from kyc_local.vision.pose import Pose, brightness, head_pose, landmarks, sharpness

DISTANCE_AT_80 = 0.55
SLOPE = 30.0
MIDPOINT = DISTANCE_AT_80 + math.log(100 / 80 - 1) / -SLOPE
DETECTION_SIDE = 1000  # the detector sees the image scaled so its long side is about this many pixels
MAX_UPSAMPLE = 2.5  # small images (a printed licence portrait) are enlarged at most this much
MAX_FACES = 100  # Rekognition compares at most the 100 largest target faces


def similarity(distance: float) -> float:
    """Rekognition-like similarity 0–100 of an embedding distance (monotonic decreasing; 0.55 → 80)."""
    return 100.0 / (1.0 + math.exp(SLOPE * (distance - MIDPOINT)))


def detection_confidence(score: float) -> float:
    """HOG score (≥ 0 when accepted) to 0–100: 0 → 90, 1 → 99, 2 → 99.9."""
    return 100.0 - 10.0 * 10.0 ** -max(score, 0.0)


@dataclass(frozen=True)
class Face:
    """One detected face: box and landmarks as ratios of the image size (like Rekognition), and its embedding."""

    left: float
    top: float
    width: float
    height: float
    confidence: float
    landmarks: dict[str, tuple[float, float]]
    descriptor: np.ndarray
    pose: Pose
    brightness: float
    sharpness: float

    def distance(self, other: Face) -> float:
        return float(np.linalg.norm(self.descriptor - other.descriptor))


class FaceEngine:
    """The dlib models, loaded once, for one caller at a time; one detector pass per image."""

    def __init__(self) -> None:
        self._detector = dlib.get_frontal_face_detector()
        self._shapes = dlib.shape_predictor(face_recognition_models.pose_predictor_five_point_model_location())
        self._points = dlib.shape_predictor(face_recognition_models.pose_predictor_model_location())  # 68 points
        self._encoder = dlib.face_recognition_model_v1(face_recognition_models.face_recognition_model_location())

    def faces(self, image: np.ndarray, limit: int = MAX_FACES) -> list[Face]:
        """The faces in an RGB image, largest first, at most `limit` of them."""
        height, width = image.shape[:2]
        scale = min(DETECTION_SIDE / max(height, width), MAX_UPSAMPLE)
        if abs(scale - 1.0) < 0.05:
            scale = 1.0
        small = image if scale == 1.0 else _resize(image, scale)
        rects, scores, _ = self._detector.run(small, 0, 0.0)
        found = sorted(zip(rects, scores), key=lambda pair: pair[0].area(), reverse=True)[:limit]
        return [self._describe(image, _rescale(rect, 1 / scale), score) for rect, score in found]

    def warm(self) -> None:
        """Run the models once so the first request does not pay for lazy initialisation."""
        image = np.full((200, 200, 3), 128, np.uint8)
        self._detector.run(image, 0, 0.0)
        shape = self._shapes(image, dlib.rectangle(50, 50, 150, 150))
        self._points(image, dlib.rectangle(50, 50, 150, 150))
        self._encoder.compute_face_descriptor(image, shape)

    def _describe(self, image: np.ndarray, rect: dlib.rectangle, score: float) -> Face:
        height, width = image.shape[:2]
        descriptor = np.asarray(self._encoder.compute_face_descriptor(image, self._shapes(image, rect)))
        points = np.array([(p.x, p.y) for p in self._points(image, rect).parts()], dtype=np.float64)
        box = (max(rect.left(), 0), max(rect.top(), 0), min(rect.right(), width), min(rect.bottom(), height))
        return Face(
            left=rect.left() / width,
            top=rect.top() / height,
            width=rect.width() / width,
            height=rect.height() / height,
            confidence=detection_confidence(score),
            landmarks=landmarks(points, width, height),
            descriptor=descriptor,
            pose=head_pose(points, width, height),
            brightness=brightness(image, box),
            sharpness=sharpness(image, box),
        )


def _resize(image: np.ndarray, scale: float) -> np.ndarray:
    height, width = image.shape[:2]
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)


def _rescale(rect: dlib.rectangle, factor: float) -> dlib.rectangle:
    return dlib.rectangle(
        round(rect.left() * factor), round(rect.top() * factor), round(rect.right() * factor),
        round(rect.bottom() * factor),
    )
