"""IdReader on Textract AnalyzeID: the licence front (and back) into typed fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from kyc.adapters.aws import client, error_code
from kyc.model import FieldReading, IdDocument, Reason, Rejection, ServiceFailure

_UNREADABLE_ERRORS = {
    "BadDocumentException",
    "UnsupportedDocumentException",
    "DocumentTooLargeException",
    "InvalidS3ObjectException",
}


class TextractIdReader:
    def __init__(self, bucket: str, textract: Any = None) -> None:
        self._bucket = bucket
        self._client: Any = textract or client("textract")

    def analyze(self, page_keys: list[str]) -> IdDocument:
        try:
            response: Mapping[str, Any] = self._client.analyze_id(
                DocumentPages=[{"S3Object": {"Bucket": self._bucket, "Name": key}} for key in page_keys]
            )
        except ClientError as error:
            code = error_code(error)
            if code in _UNREADABLE_ERRORS:
                raise Rejection(Reason.LICENSE_UNREADABLE, f"Textract: {code}") from None
            raise ServiceFailure("textract", code) from None
        except BotoCoreError as error:
            raise ServiceFailure("textract", type(error).__name__) from None
        return parse_analyze_id(response)


def parse_analyze_id(response: Mapping[str, Any]) -> IdDocument:
    """The fields of every identity document (AWS returns one per page: front and back), merged: a field read on
    several pages keeps its most confident non-empty reading."""
    fields: dict[str, FieldReading] = {}
    for document in response.get("IdentityDocuments") or []:
        for entry in document.get("IdentityDocumentFields") or []:
            name = str((entry.get("Type") or {}).get("Text", ""))
            reading = _reading(entry.get("ValueDetection") or {})
            if name and reading.text.strip() and (name not in fields or reading.confidence > fields[name].confidence):
                fields[name] = reading
    return IdDocument(fields=fields)


def _reading(value: Mapping[str, Any]) -> FieldReading:
    normalized = (value.get("NormalizedValue") or {}).get("Value")
    return FieldReading(
        text=str(value.get("Text", "")),
        confidence=float(value.get("Confidence", 0.0)),
        normalized=str(normalized) if normalized is not None else None,
    )
