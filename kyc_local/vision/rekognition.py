"""RekognitionService.CompareFaces on the local face engine: AWS request and response shapes and errors."""

from __future__ import annotations

from typing import Any

from kyc_local.vision import images
from kyc_local.vision.engines import PooledFaces
from kyc_local.vision.faces import Face, similarity
from kyc_local.vision.inputs import ApiError, ImageLoader

MAX_BYTES = 5 * 1024 * 1024  # Image.Bytes
MAX_S3_BYTES = 15 * 1024 * 1024  # Image.S3Object
QUALITY_FILTERS = {"NONE", "AUTO", "LOW", "MEDIUM", "HIGH"}


def compare_faces(engine: PooledFaces, loader: ImageLoader, request: dict[str, Any]) -> dict[str, Any]:
    """The CompareFaces response for a request body; raises ApiError like Rekognition."""
    threshold = request.get("SimilarityThreshold", 80.0)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 <= threshold <= 100:
        raise ApiError("InvalidParameterException", "SimilarityThreshold must be a number from 0 to 100")
    if request.get("QualityFilter", "NONE") not in QUALITY_FILTERS:
        raise ApiError("InvalidParameterException", "QualityFilter is not one of " + ", ".join(sorted(QUALITY_FILTERS)))
    source = _image(loader, request.get("SourceImage"), "SourceImage")
    target = _image(loader, request.get("TargetImage"), "TargetImage")
    source_faces = engine.faces(source, limit=1)
    if not source_faces:
        raise ApiError("InvalidParameterException", "Request has invalid parameters")
    source_face = source_faces[0]
    matches, unmatched = [], []
    for face in engine.faces(target):
        score = similarity(source_face.distance(face))
        if score >= threshold:
            matches.append({"Similarity": round(score, 4), "Face": _compared_face(face)})
        else:
            unmatched.append(_compared_face(face))
    matches.sort(key=lambda match: match["Similarity"], reverse=True)
    return {
        "SourceImageFace": {"BoundingBox": _box(source_face), "Confidence": round(source_face.confidence, 4)},
        "FaceMatches": matches,
        "UnmatchedFaces": unmatched,
    }


def _image(loader: ImageLoader, spec: Any, field: str):
    if spec is None:
        raise ApiError("InvalidParameterException", f"{field} is required")
    data = loader.load(spec, field=field, max_bytes=MAX_BYTES, max_s3_bytes=MAX_S3_BYTES,
                       too_large="ImageTooLargeException")
    try:
        return images.decode(data)
    except (images.UnsupportedImage, images.CorruptImage) as exc:
        raise ApiError("InvalidImageFormatException", "Request has invalid image format") from exc


def _box(face: Face) -> dict[str, float]:
    return {"Width": face.width, "Height": face.height, "Left": face.left, "Top": face.top}


def _compared_face(face: Face) -> dict[str, Any]:
    """A ComparedFace as AWS documents it (Emotions and Smile are only returned when asked for)."""
    return {
        "BoundingBox": _box(face),
        "Confidence": round(face.confidence, 4),
        "Landmarks": [{"Type": kind, "X": x, "Y": y} for kind, (x, y) in face.landmarks.items()],
        "Pose": {"Roll": face.pose.roll, "Yaw": face.pose.yaw, "Pitch": face.pose.pitch},
        "Quality": {"Brightness": face.brightness, "Sharpness": face.sharpness},
    }
