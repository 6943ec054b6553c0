"""FaceComparer on Rekognition CompareFaces (licence as source, selfie as target)."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from kyc.adapters.aws import client, error_code
from kyc.model import FaceComparison, Reason, Rejection, ServiceFailure

_IMAGE_ERRORS = {"InvalidImageFormatException", "ImageTooLargeException", "InvalidS3ObjectException"}


class RekognitionFaces:
    def __init__(self, bucket: str, rekognition=None):
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
        faces = len(matches) + len(response.get("UnmatchedFaces", []))
        best = max((match["Similarity"] for match in matches), default=0.0 if faces else None)
        return FaceComparison(source_has_face=True, target_face_count=faces, similarity=best, threshold=threshold)
