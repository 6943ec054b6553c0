"""The vision endpoint through real boto3 clients: images as Bytes and as S3Object (moto server), AWS errors."""

from __future__ import annotations

import base64
import json
import random
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError
from PIL import Image

from kyc_local.samples.cards import photograph, render_back, render_front
from kyc_local.samples.designs import DESIGNS
from kyc_local.samples.identity import make_identity
from kyc_local.samples.photos import load_photo, selfie_from
from kyc_local.vision.server import VisionServer
from tests.accuracy.aws_shapes import block_problems, output_shape, violations
from tests.accuracy.helpers import TODAY, encoded, expected_fields

BUCKET = "documents"
CREDENTIALS = {"region_name": "us-east-1", "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="module")
def person():
    return make_identity(random.Random(51), "FL", TODAY)


@pytest.fixture(scope="module")
def s3(moto_url, person):
    client = boto3.client("s3", endpoint_url=moto_url, **CREDENTIALS)
    client.create_bucket(Bucket=BUCKET)
    rng = random.Random(52)
    card = photograph(render_front(person, load_photo("obama"), rng), rng)
    client.put_object(Bucket=BUCKET, Key="licence.jpg", Body=encoded(card, "JPEG", quality=90))
    client.put_object(Bucket=BUCKET, Key="back.png", Body=encoded(render_back(person)))
    client.put_object(Bucket=BUCKET, Key="huge.png", Body=b"\x89PNG\r\n\x1a\n" + bytes(16 * 1024 * 1024))
    return client


@pytest.fixture(scope="module")
def url(engines, moto_url, s3):
    server = VisionServer(lambda: boto3.client("s3", endpoint_url=moto_url, **CREDENTIALS), engines=engines)
    yield server.start()
    server.stop()


@pytest.fixture(scope="module")
def rekognition(url):
    return boto3.client("rekognition", endpoint_url=url, **CREDENTIALS)


@pytest.fixture(scope="module")
def textract(url):
    return boto3.client("textract", endpoint_url=url, **CREDENTIALS)


def _selfie(photo: str) -> bytes:
    return encoded(selfie_from(load_photo(photo), random.Random(photo)), "JPEG", quality=90)


def _code(call) -> str:
    with pytest.raises(ClientError) as error:
        call()
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return error.value.response["Error"]["Code"]


def test_compare_faces_same_person_from_s3_licence_and_bytes_selfie(rekognition):
    response = rekognition.compare_faces(SourceImage={"S3Object": {"Bucket": BUCKET, "Name": "licence.jpg"}},
                                         TargetImage={"Bytes": _selfie("obama2")}, SimilarityThreshold=80)
    assert len(response["FaceMatches"]) == 1 and not response["UnmatchedFaces"]
    match = response["FaceMatches"][0]
    assert match["Similarity"] >= 80
    box = match["Face"]["BoundingBox"]
    assert 0 < box["Left"] < 1 and 0 < box["Top"] < 1 and 0.1 < box["Width"] < 1 and 0 < box["Height"] < 1
    assert {mark["Type"] for mark in match["Face"]["Landmarks"]} == {"eyeLeft", "eyeRight", "nose", "mouthLeft", "mouthRight"}
    source = response["SourceImageFace"]
    centre = source["BoundingBox"]["Left"] + source["BoundingBox"]["Width"] / 2
    assert source["Confidence"] > 90 and 0.1 < centre < 0.5  # the portrait sits on the card's left


def test_compare_faces_other_person_is_an_unmatched_face(rekognition):
    response = rekognition.compare_faces(SourceImage={"S3Object": {"Bucket": BUCKET, "Name": "licence.jpg"}},
                                         TargetImage={"Bytes": _selfie("grace_hopper")})
    assert response["FaceMatches"] == [] and len(response["UnmatchedFaces"]) == 1


def test_compare_faces_errors_are_the_aws_ones(rekognition):
    blank = encoded(Image.new("RGB", (400, 300), "white"))
    selfie = {"Bytes": _selfie("obama")}
    assert _code(lambda: rekognition.compare_faces(SourceImage={"Bytes": blank}, TargetImage=selfie)) == (
        "InvalidParameterException")
    assert _code(lambda: rekognition.compare_faces(SourceImage={"Bytes": b"GIF89a not a jpeg"}, TargetImage=selfie)) \
        == "InvalidImageFormatException"
    missing = {"S3Object": {"Bucket": BUCKET, "Name": "nothing-here.png"}}
    assert _code(lambda: rekognition.compare_faces(SourceImage=missing, TargetImage=selfie)) == (
        "InvalidS3ObjectException")
    huge = {"S3Object": {"Bucket": BUCKET, "Name": "huge.png"}}
    assert _code(lambda: rekognition.compare_faces(SourceImage=huge, TargetImage=selfie)) == "ImageTooLargeException"


def test_analyze_id_front_from_s3_and_back_as_bytes(textract, person):
    response = textract.analyze_id(DocumentPages=[{"S3Object": {"Bucket": BUCKET, "Name": "licence.jpg"}},
                                                  {"Bytes": encoded(render_back(person))}])
    assert response["DocumentMetadata"] == {"Pages": 2} and response["AnalyzeIDModelVersion"]
    front, back = response["IdentityDocuments"]  # one document per page, as AWS answers
    assert (front["DocumentIndex"], back["DocumentIndex"]) == (1, 2)
    fields = {entry["Type"]["Text"]: entry["ValueDetection"] for entry in front["IdentityDocumentFields"]}
    assert len(fields) == 22 and fields["MRZ_CODE"]["Text"] == "" and fields["SUFFIX"]["Text"] == ""
    assert fields["COUNTRY"]["Text"] == "USA"  # printed in the card's header
    expected = expected_fields(person)
    for name in ("FIRST_NAME", "LAST_NAME", "ADDRESS", "CITY_IN_ADDRESS", "STATE_IN_ADDRESS", "DOCUMENT_NUMBER"):
        assert fields[name]["Text"] == expected[name] and fields[name]["Confidence"] > 95
    assert fields["DATE_OF_BIRTH"]["NormalizedValue"] == {"Value": f"{expected['DATE_OF_BIRTH']}T00:00:00",
                                                          "ValueType": "DATE"}
    assert fields["DATE_OF_BIRTH"]["Text"] == person.date_of_birth.strftime("%m/%d/%Y")
    coded = {entry["Type"]["Text"]: entry["ValueDetection"] for entry in back["IdentityDocumentFields"]}
    assert coded["DOCUMENT_NUMBER"]["Text"] == expected["DOCUMENT_NUMBER"] and coded["ID_TYPE"]["Text"] == ""


def _raw_analyze_id(url: str, pages: list[bytes]) -> dict:
    """The endpoint's JSON as sent (boto3 would drop keys its model does not know)."""
    body = json.dumps({"DocumentPages": [{"Bytes": base64.b64encode(page).decode()} for page in pages]}).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "X-Amz-Target": "Textract.AnalyzeID", "Content-Type": "application/x-amz-json-1.1"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


def test_analyze_id_responses_have_exactly_the_shape_aws_documents(url, s3, person):
    front = s3.get_object(Bucket=BUCKET, Key="licence.jpg")["Body"].read()
    shape = output_shape("textract", "AnalyzeID")
    for pages in ([front], [front, encoded(render_back(person))], [encoded(render_back(person)), front]):
        response = _raw_analyze_id(url, pages)
        assert violations(response, shape) == []
        documents = response["IdentityDocuments"]
        assert [document["DocumentIndex"] for document in documents] == list(range(1, len(pages) + 1))
        for document in documents:
            assert block_problems(document["Blocks"]) == []
            for entry in document["IdentityDocumentFields"]:
                assert set(entry["Type"]) == {"Text"}  # AWS: no Confidence on the type
                value = entry["ValueDetection"]
                assert value["Confidence"] >= 50 or value["Text"], entry  # an empty field is reported as sure
        read = documents[pages.index(front)]["Blocks"]  # the front's text; the back's barcode has none
        lines = [block["Text"] for block in read if block["BlockType"] == "LINE"]
        assert len(lines) >= 12 and any(person.document_number in line for line in lines), lines


def test_analyze_id_words_lie_where_the_card_prints_them(url, person):
    card = render_front(person, load_photo("biden"), random.Random(53))
    larger = card.resize((card.width * 3 // 2, card.height * 3 // 2), Image.Resampling.LANCZOS)  # OCR reads it scaled
    (document,) = _raw_analyze_id(url, [encoded(larger)])["IdentityDocuments"]
    assert block_problems(document["Blocks"]) == []
    place = next(place for place in DESIGNS[person.state].fields if place.key == "4d")
    number = [block["Geometry"]["BoundingBox"] for block in document["Blocks"]
              if block["BlockType"] == "WORD" and block["Text"] == person.document_number]
    assert len(number) == 1
    box, baseline = number[0], place.y / card.height  # values print on the place's baseline, after its label
    assert box["Top"] < baseline <= box["Top"] + box["Height"] + 0.01
    assert place.x / card.width < box["Left"] < box["Left"] + box["Width"] <= (place.x + place.width) / card.width


def test_analyze_id_errors_are_the_aws_ones(textract):
    assert _code(lambda: textract.analyze_id(DocumentPages=[{"Bytes": b"%PDF-1.7 not an image"}])) == (
        "UnsupportedDocumentException")
    assert _code(lambda: textract.analyze_id(DocumentPages=[{"Bytes": b"\x89PNG\r\n\x1a\n broken"}])) == (
        "BadDocumentException")
    missing = {"S3Object": {"Bucket": BUCKET, "Name": "nothing-here.png"}}
    assert _code(lambda: textract.analyze_id(DocumentPages=[missing])) == "InvalidS3ObjectException"
    huge = {"S3Object": {"Bucket": BUCKET, "Name": "huge.png"}}
    assert _code(lambda: textract.analyze_id(DocumentPages=[huge])) == "DocumentTooLargeException"


def test_unknown_target_and_bad_json_are_client_errors(url):
    for target, body in (("RekognitionService.DetectLabels", b"{}"), ("Textract.AnalyzeID", b"{not json")):
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"})
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=10)
        assert error.value.code == 400
        assert error.value.headers["Content-Type"] == "application/x-amz-json-1.1"
        assert json.loads(error.value.read())["__type"] in {"UnknownOperationException", "SerializationException"}
