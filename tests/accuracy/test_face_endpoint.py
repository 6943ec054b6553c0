"""The local CompareFaces response against botocore's output shape for rekognition CompareFaces, on real photos."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from bench.face_calibration import load
from kyc_local.vision.inputs import ImageLoader
from kyc_local.vision.rekognition import compare_faces
from tests.accuracy.aws_shapes import output_shape, violations

LANDMARKS = ["eyeLeft", "eyeRight", "nose", "mouthLeft", "mouthRight"]


def _jpeg(name: str) -> str:
    """The photo as a JPEG, base64 as Bytes travels in the JSON request."""
    buffer = io.BytesIO()
    Image.fromarray(load(name)).save(buffer, "JPEG", quality=90)
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture(scope="module")
def response(engines):
    request = {"SourceImage": {"Bytes": _jpeg("obama.jpg")}, "TargetImage": {"Bytes": _jpeg("obama2.jpg")},
               "SimilarityThreshold": 0}
    return compare_faces(engines.faces, ImageLoader(lambda: None), request)


def test_the_response_has_botocores_compare_faces_shape(response):
    assert violations(response, output_shape("rekognition", "CompareFaces")) == []


def test_each_face_has_pose_quality_and_the_five_landmarks_in_the_face(response):
    face = response["FaceMatches"][0]["Face"]
    assert [mark["Type"] for mark in face["Landmarks"]] == LANDMARKS
    box = face["BoundingBox"]
    for mark in face["Landmarks"]:
        assert box["Left"] <= mark["X"] <= box["Left"] + box["Width"]
        assert box["Top"] <= mark["Y"] <= box["Top"] + box["Height"]
    assert set(face["Pose"]) == {"Roll", "Yaw", "Pitch"} and all(-90 <= v <= 90 for v in face["Pose"].values())
    assert set(face["Quality"]) == {"Brightness", "Sharpness"} and all(0 <= v <= 100 for v in face["Quality"].values())
    assert face["Quality"]["Sharpness"] > 50  # a sharp press photo
    assert set(response["SourceImageFace"]) == {"BoundingBox", "Confidence"}
