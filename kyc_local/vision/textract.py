"""Textract.AnalyzeID on the local licence reader: AWS request and response shapes and errors.

As AWS answers: one IdentityDocument per page (DocumentIndex from 1, in the request's order), every field type in
each, `Type` with its Text only, `ValueDetection` with Text and Confidence (a field the page does not carry comes back
empty with a high confidence, as AWS reports it), NormalizedValue for dates, and per document the Blocks of the text read on its page: one PAGE, its LINEs, each
LINE's WORDs (kyc_local.vision.blocks), from the same OCR pass that read the fields.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kyc_local.vision import images
from kyc_local.vision.blocks import blocks
from kyc_local.vision.engines import PooledReader
from kyc_local.vision.fields import Document, Reading
from kyc_local.vision.inputs import ApiError, ImageLoader

MAX_BYTES = 10 * 1024 * 1024  # synchronous Textract documents, in memory or in S3
MODEL_VERSION = "1.0"
EMPTY_CONFIDENCE = 99.0  # AWS reports a field it found absent with high confidence (89–100 observed), never 0
FIELD_TYPES = (
    "FIRST_NAME", "LAST_NAME", "MIDDLE_NAME", "SUFFIX", "CITY_IN_ADDRESS", "ZIP_CODE_IN_ADDRESS", "STATE_IN_ADDRESS",
    "STATE_NAME", "DOCUMENT_NUMBER", "EXPIRATION_DATE", "DATE_OF_BIRTH", "DATE_OF_ISSUE", "ID_TYPE", "ENDORSEMENTS",
    "VETERAN", "RESTRICTIONS", "CLASS", "ADDRESS", "COUNTY", "PLACE_OF_BIRTH", "MRZ_CODE", "COUNTRY",
)


def analyze_id(reader: PooledReader, loader: ImageLoader, request: dict[str, Any]) -> dict[str, Any]:
    """The AnalyzeID response for a request body."""
    pages = request.get("DocumentPages")
    if not isinstance(pages, list) or not 1 <= len(pages) <= 2:
        raise ApiError("InvalidParameterException", "DocumentPages must hold 1 or 2 documents")
    decoded = [_page(loader, page, f"DocumentPages.{index}") for index, page in enumerate(pages, 1)]
    return {
        "IdentityDocuments": [_document(index, document)
                              for index, document in enumerate(reader.read_documents(decoded), 1)],
        "DocumentMetadata": {"Pages": len(pages)},
        "AnalyzeIDModelVersion": MODEL_VERSION,
    }


def _document(index: int, document: Document) -> dict[str, Any]:
    fields = [{"Type": {"Text": name}, "ValueDetection": _value(document.fields.get(name))} for name in FIELD_TYPES]
    return {"DocumentIndex": index, "IdentityDocumentFields": fields, "Blocks": blocks(document.lines)}


def _value(reading: Reading | None) -> dict[str, Any]:
    if reading is None:
        return {"Text": "", "Confidence": EMPTY_CONFIDENCE}
    value: dict[str, Any] = {"Text": reading.text, "Confidence": reading.confidence}
    if reading.normalized:
        value["NormalizedValue"] = {"Value": f"{reading.normalized}T00:00:00", "ValueType": "DATE"}
    return value


def _page(loader: ImageLoader, spec: Any, field: str) -> np.ndarray:
    data = loader.load(spec, field=field, max_bytes=MAX_BYTES, max_s3_bytes=MAX_BYTES,
                       too_large="DocumentTooLargeException")
    try:
        return images.decode(data)
    except images.UnsupportedImage as exc:
        raise ApiError("UnsupportedDocumentException", "Request has unsupported document format") from exc
    except images.CorruptImage as exc:
        raise ApiError("BadDocumentException", "Unable to read the document") from exc
