"""What CompareFaces reports about a face besides its box, from dlib's 68 landmarks and the pixels: the five
landmarks (eyeLeft, eyeRight, nose, mouthLeft, mouthRight, as ratios of the image), Pose (Roll, Yaw, Pitch in
degrees, from a generic 3-D face fitted with solvePnP) and Quality (Brightness, Sharpness, 0–100)."""

from __future__ import annotations

import math
from typing import NamedTuple

import cv2
import numpy as np

# A generic head (mm): nose tip, chin, outer eye corners, mouth corners; and their indices in dlib's 68 points.
_MODEL = np.array([(0, 0, 0), (0, -330, -65), (-225, 170, -135), (225, 170, -135), (-150, -150, -125),
                   (150, -150, -125)], dtype=np.float64)
_MODEL_POINTS = [30, 8, 36, 45, 48, 54]
_CROP = 128  # the face is judged for sharpness at this width, whatever its size in the image
_SHARPNESS_SCALE = 150.0  # variance of the Laplacian at which Sharpness is 63


class Pose(NamedTuple):
    roll: float
    yaw: float
    pitch: float


def landmarks(points: np.ndarray, width: int, height: int) -> dict[str, tuple[float, float]]:
    """The five landmarks Rekognition returns from CompareFaces, from dlib's 68 points (pixels)."""
    eyes = sorted([points[36:42].mean(axis=0), points[42:48].mean(axis=0)], key=lambda p: float(p[0]))
    mouth = sorted([points[48], points[54]], key=lambda p: float(p[0]))
    named = {"eyeLeft": eyes[0], "eyeRight": eyes[1], "nose": points[30], "mouthLeft": mouth[0], "mouthRight": mouth[1]}
    return {name: (float(x) / width, float(y) / height) for name, (x, y) in named.items()}


def head_pose(points: np.ndarray, width: int, height: int) -> Pose:
    """Roll from the line of the eyes; yaw and pitch from the generic head fitted to six landmarks."""
    left, right = points[36:42].mean(axis=0), points[42:48].mean(axis=0)
    roll = math.degrees(math.atan2(right[1] - left[1], right[0] - left[0]))
    focal = float(max(width, height))
    camera = np.array([[focal, 0, width / 2], [0, focal, height / 2], [0, 0, 1]], dtype=np.float64)
    found, rotation, _ = cv2.solvePnP(_MODEL, points[_MODEL_POINTS], camera, None, flags=cv2.SOLVEPNP_ITERATIVE)
    if not found:
        return Pose(round(roll, 2), 0.0, 0.0)
    angles = cv2.RQDecomp3x3(cv2.Rodrigues(rotation)[0])[0]
    pitch, yaw = _half_turn(angles[0]), _half_turn(angles[1])
    return Pose(round(roll, 2), round(yaw, 2), round(pitch, 2))


def brightness(image: np.ndarray, box: tuple[int, int, int, int]) -> float:
    """Mean luminance of the face box, 0 (black) to 100 (white)."""
    face = _gray(image, box)
    return round(float(face.mean()) / 255 * 100, 2) if face.size else 0.0


def sharpness(image: np.ndarray, box: tuple[int, int, int, int]) -> float:
    """0 (no edges: blurred) to 100: the variance of the Laplacian of the face scaled to a fixed width."""
    face = _gray(image, box)
    if face.shape[0] < 8 or face.shape[1] < 8:
        return 0.0
    face = cv2.resize(face, (_CROP, max(1, round(face.shape[0] * _CROP / face.shape[1]))), interpolation=cv2.INTER_AREA)
    variance = float(cv2.Laplacian(face, cv2.CV_64F).var())
    return round(100 * (1 - math.exp(-variance / _SHARPNESS_SCALE)), 2)


def _gray(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    left, top, right, bottom = box
    crop = image[top:bottom, left:right]
    return cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) if crop.ndim == 3 and crop.size else crop


def _half_turn(degrees: float) -> float:
    """An angle folded into -90..90 (solvePnP may answer with the head turned half a turn)."""
    if degrees > 90:
        return degrees - 180
    if degrees < -90:
        return degrees + 180
    return degrees
