"""Textract.AnalyzeID on the local licence reader: AWS request and response shapes and errors."""

from __future__ import annotations

from typing import Any

from kyc_local.vision import images
from kyc_local.vision.engines import PooledReader
from kyc_local.vision.inputs import ApiError, ImageLoader

MAX_BYTES = 10 * 1024 * 1024  # synchronous Textract documents, in memory or in S3
MODEL_VERSION = "1.0"
FIELD_TYPES = (
    "FIRST_NAME", "LAST_NAME", "MIDDLE_NAME", "SUFFIX", "CITY_IN_ADDRESS", "ZIP_CODE_IN_ADDRESS", "STATE_IN_ADDRESS",
    "STATE_NAME", "DOCUMENT_NUMBER", "EXPIRATION_DATE", "DATE_OF_BIRTH", "DATE_OF_ISSUE", "ID_TYPE", "ENDORSEMENTS",
    "VETERAN", "RESTRICTIONS", "CLASS", "ADDRESS", "COUNTY", "PLACE_OF_BIRTH", "MRZ_CODE",
)


def analyze_id(reader: PooledReader, loader: ImageLoader, request: dict[str, Any]) -> dict[str, Any]:
    """The AnalyzeID response for a request body: every field type, unread ones with empty text (confidence 0)."""
    pages = request.get("DocumentPages")
    if not isinstance(pages, list) or not 1 <= len(pages) <= 2:
        raise ApiError("InvalidParameterException", "DocumentPages must hold 1 or 2 documents")
    decoded = [_page(loader, page, f"DocumentPages.{index}") for index, page in enumerate(pages, 1)]
    readings = reader.read(decoded)
    fields = []
    for name in FIELD_TYPES:
        reading = readings.get(name)
        value: dict[str, Any] = {"Text": reading.text if reading else "", "Confidence": reading.confidence if reading
                                 else 0.0}
        if reading and reading.normalized:
            value["NormalizedValue"] = {"Value": f"{reading.normalized}T00:00:00", "ValueType": "Date"}
        fields.append({"Type": {"Text": name, "Confidence": value["Confidence"]}, "ValueDetection": value})
    return {
        "IdentityDocuments": [{"DocumentIndex": 1, "IdentityDocumentFields": fields, "Blocks": []}],
        "DocumentMetadata": {"Pages": len(pages)},
        "AnalyzeIDModelVersion": MODEL_VERSION,
    }


def _page(loader: ImageLoader, spec: Any, field: str):
    data = loader.load(spec, field=field, max_bytes=MAX_BYTES, max_s3_bytes=MAX_BYTES,
                       too_large="DocumentTooLargeException")
    try:
        return images.decode(data)
    except images.UnsupportedImage as exc:
        raise ApiError("UnsupportedDocumentException", "Request has unsupported document format") from exc
    except images.CorruptImage as exc:
        raise ApiError("BadDocumentException", "Unable to read the document") from exc
