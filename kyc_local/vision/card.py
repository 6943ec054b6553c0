"""Find an ID card in a photograph (background, perspective, glare) and flatten it to an upright card image."""

from __future__ import annotations

import cv2
import numpy as np

CARD_ASPECT = 85.60 / 53.98  # ISO/IEC 7810 ID-1
FIND_WIDTH = 320  # the segmentation runs on a copy this wide
MARGIN = 0.03  # GrabCut starts from everything but this border being the card
GRABCUT_SEED = 7
MIN_AREA = 0.15  # a card covers at least this share of the photo
FULL_FRAME = 0.90  # a card covering more than this share means the image already is the card
ASPECT_RANGE = (1.35, 1.85)  # card width / height, allowing for perspective
FLAT_TOLERANCE = 0.03  # an image within 3 % of the card's aspect is taken to be the card itself
FLAT_RANGE = (1.50, 1.68)  # an image of this aspect may itself be the card ...
SNAP_REACH = 0.12  # how far a side may move onto the card's edge, of the card's short side
SNAP_SHARE = 0.3  # an edge at least this share of the strongest near a side may be the card's
FLAT_FOUND = 0.35  # ... and then a "card" found inside covering less than this share is a part of the card


def locate(image: np.ndarray) -> np.ndarray | None:
    """The card's corners (tl, tr, br, bl) in pixels, or None when the image is a flat card or none is found.

    GrabCut separates the card from the table (colour models of the border and of the middle), then the outline of
    the largest foreground region is reduced to four corners.
    """
    height, width = image.shape[:2]
    if abs(max(width, height) / min(width, height) / CARD_ASPECT - 1) < FLAT_TOLERANCE:
        return None  # a flat card, landscape or vertical
    scale = FIND_WIDTH / width
    small = cv2.resize(image, (FIND_WIDTH, max(1, round(height * scale))), interpolation=cv2.INTER_AREA)
    rows, cols = small.shape[:2]
    margin = max(2, round(MARGIN * cols))
    mask = np.zeros((rows, cols), np.uint8)
    models = (np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64))
    cv2.setRNGSeed(GRABCUT_SEED)  # GrabCut's k-means starts from OpenCV's RNG: the same photo, the same corners
    cv2.grabCut(small, mask, (margin, margin, cols - 2 * margin, rows - 2 * margin), *models, 3,
                cv2.GC_INIT_WITH_RECT)
    foreground = np.where((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD), 255, 0).astype(np.uint8)
    foreground = cv2.morphologyEx(foreground, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(foreground, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    quad = _quadrilateral(max(contours, key=cv2.contourArea))
    if quad is None:
        return None
    share = cv2.contourArea(quad) / (rows * cols)
    corners = _order(_snap(small, _order(quad.reshape(4, 2).astype(np.float32))) / scale)
    if not (MIN_AREA <= share <= FULL_FRAME and _card_shaped(corners)):
        return None
    if FLAT_RANGE[0] <= width / height <= FLAT_RANGE[1] and share < FLAT_FOUND:
        return None
    return corners


def flatten(image: np.ndarray, corners: np.ndarray | None, height: int,
            turn: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The card `height` pixels on its short side, and the 3×3 homography from image pixels to card pixels.

    Perspective-corrected from `corners`, or the whole image resized. The card keeps the orientation it was
    photographed in (a vertical card stays vertical) unless `turn` (1: its top is on the right in the photo, -1: on
    the left): then a card standing on its side is turned landscape.
    """
    if corners is None:
        scale = height / min(image.shape[:2])
        width, tall = round(image.shape[1] * scale), round(image.shape[0] * scale)
        interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        matrix = np.diag([width / image.shape[1], tall / image.shape[0], 1.0])
        return cv2.resize(image, (width, tall), interpolation=interpolation), matrix
    portrait = standing(corners)
    if portrait and turn:  # start from the corner that makes it landscape
        corners, portrait = np.roll(corners, -turn, axis=0), False
    width, tall = (height, round(height * CARD_ASPECT)) if portrait else (round(height * CARD_ASPECT), height)
    target = np.array([[0, 0], [width - 1, 0], [width - 1, tall - 1], [0, tall - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    flat = cv2.warpPerspective(image, matrix, (width, tall), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    return flat, matrix.astype(np.float64)


def standing(corners: np.ndarray | None) -> bool:
    """Whether the located card stands on its short side in the photo (portrait)."""
    if corners is None:
        return False
    return bool(np.linalg.norm(corners[2] - corners[1]) > np.linalg.norm(corners[1] - corners[0]))


def _snap(image: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The corners moved so that each side lies on the outermost strong straight edge near it (each end shifted up
    to SNAP_REACH of the card's short side across the side; strong: a local peak of the brightness step along the
    line, at least SNAP_SHARE of the strongest): segmentation gets the card's region roughly, a patch of table it
    stuck to the card bends the outline, and the card's edge is where the brightness steps; the outermost, because
    a card prints edges of its own inside (a header band) that may step more than the card against the table."""
    gray = cv2.GaussianBlur(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32), (3, 3), 0)
    gx, gy = cv2.Sobel(gray, cv2.CV_32F, 1, 0), cv2.Sobel(gray, cv2.CV_32F, 0, 1)
    sides = [float(np.linalg.norm(corners[i] - corners[i - 1])) for i in range(4)]
    reach = max(2, round(SNAP_REACH * min(sides)))
    shifts = np.arange(-reach, reach + 1, dtype=np.float32)
    along = np.linspace(0.1, 0.9, 40, dtype=np.float32)  # the rounded corners are left out
    lines = []
    for start, end in zip(corners, np.roll(corners, -1, axis=0)):
        normal = np.array([start[1] - end[1], end[0] - start[0]], np.float32)
        normal /= max(float(np.linalg.norm(normal)), 1e-6)
        ends = [start + shifts[:, None] * normal, end + shifts[:, None] * normal]  # (shifts, 2) each
        points = (ends[0][:, None, None, :] * (1 - along[None, None, :, None])
                  + ends[1][None, :, None, :] * along[None, None, :, None])  # (from, to, along, 2)
        xs = np.clip(points[..., 0], 0, gray.shape[1] - 1).reshape(-1, len(along))
        ys = np.clip(points[..., 1], 0, gray.shape[0] - 1).reshape(-1, len(along))
        step = np.abs(cv2.remap(gx, xs, ys, cv2.INTER_LINEAR) * normal[0]
                      + cv2.remap(gy, xs, ys, cv2.INTER_LINEAR) * normal[1])
        score = step.mean(axis=1).reshape(len(shifts), len(shifts))
        # the outermost peak (shifts run from outside the card inwards)
        peaks = (score >= cv2.dilate(score, np.ones((3, 3), np.uint8))) & (score >= SNAP_SHARE * score.max())
        first, second = min(zip(*np.nonzero(peaks)), key=lambda ends: (ends[0] + ends[1], -score[ends]))
        lines.append((ends[0][first], ends[1][second] - ends[0][first]))
    snapped = []
    for (point, direction), (other, turn) in zip(lines[-1:] + lines[:-1], lines):  # corner i: sides i-1 and i
        cross = float(direction[0] * turn[1] - direction[1] * turn[0])
        if abs(cross) < 1e-6:
            return corners
        step = float((other[0] - point[0]) * turn[1] - (other[1] - point[1]) * turn[0]) / cross
        snapped.append(point + step * direction)
    return np.array(snapped, np.float32)


def _quadrilateral(contour: np.ndarray) -> np.ndarray | None:
    """Four corners of a convex, card-like outline, or None."""
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    for tolerance in (0.02, 0.04, 0.06):
        approx = cv2.approxPolyDP(hull, tolerance * perimeter, True)
        if len(approx) == 4:
            return approx
    rect = cv2.minAreaRect(hull)
    if cv2.contourArea(hull) < 0.9 * rect[1][0] * rect[1][1]:
        return None
    return cv2.boxPoints(rect).reshape(4, 1, 2).astype(np.int32)


def _card_shaped(corners: np.ndarray) -> bool:
    sides = [float(np.linalg.norm(corners[i] - corners[i - 1])) for i in range(4)]
    long, short = (sides[0] + sides[2]) / 2, (sides[1] + sides[3]) / 2
    aspect = max(long, short) / max(min(long, short), 1.0)
    return ASPECT_RANGE[0] <= aspect <= ASPECT_RANGE[1]


def _order(points: np.ndarray) -> np.ndarray:
    """Corners ordered top-left, top-right, bottom-right, bottom-left."""
    total, diff = points.sum(axis=1), np.diff(points, axis=1).ravel()
    return np.array([points[np.argmin(total)], points[np.argmin(diff)], points[np.argmax(total)],
                     points[np.argmax(diff)]], np.float32)
