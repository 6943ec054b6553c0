"""FaceComparer on Rekognition CompareFaces (licence as source, selfie as target)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from kyc.adapters.aws import client, error_code
from kyc.model import FaceComparison, FaceQuality, Reason, Rejection, ServiceFailure

_IMAGE_ERRORS = {"InvalidImageFormatException", "ImageTooLargeException", "InvalidS3ObjectException"}


class RekognitionFaces:
    def __init__(self, bucket: str, rekognition: Any = None):
        self._bucket = bucket
        self._client = rekognition or client("rekognition")

    def compare(self, source_key: str, target_key: str, threshold: float) -> FaceComparison:
        try:
            response = self._client.compare_faces(
                SourceImage={"S3Object": {"Bucket": self._bucket, "Name": source_key}},
                TargetImage={"S3Object": {"Bucket": self._bucket, "Name": target_key}},
                SimilarityThreshold=threshold,
            )
        except ClientError as error:
            code = error_code(error)
            if code == "InvalidParameterException":
                # Rekognition's answer when the source (licence) image has no face.
                return FaceComparison(source_has_face=False, target_face_count=0, similarity=None, threshold=threshold)
            if code in _IMAGE_ERRORS:
                raise Rejection(Reason.IMAGE_INVALID, f"Rekognition: {code}") from None
            raise ServiceFailure("rekognition", code) from None
        except BotoCoreError as error:
            raise ServiceFailure("rekognition", type(error).__name__) from None
        matches = response.get("FaceMatches", [])
        faces = [match["Face"] for match in matches] + response.get("UnmatchedFaces", [])
        best = max((match["Similarity"] for match in matches), default=0.0 if faces else None)
        selfie = _quality(faces[0]) if len(faces) == 1 else None
        return FaceComparison(True, len(faces), best, threshold, selfie)


def _quality(face: dict[str, Any]) -> FaceQuality | None:
    """The face's size, confidence, Quality and Pose; None when Rekognition left any of them out."""
    try:
        box, quality, pose = face["BoundingBox"], face["Quality"], face["Pose"]
        return FaceQuality(
            width=float(box["Width"]), height=float(box["Height"]), confidence=float(face["Confidence"]),
            brightness=float(quality["Brightness"]), sharpness=float(quality["Sharpness"]),
            roll=float(pose["Roll"]), yaw=float(pose["Yaw"]), pitch=float(pose["Pitch"]),
        )
    except (KeyError, TypeError, ValueError):
        return None
