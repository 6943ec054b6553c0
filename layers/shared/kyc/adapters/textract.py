"""IdReader on Textract AnalyzeID: the licence front (and back) into typed fields."""

from __future__ import annotations

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
    def __init__(self, bucket: str, textract=None):
        self._bucket = bucket
        self._client = textract or client("textract")

    def analyze(self, page_keys: list[str]) -> IdDocument:
        try:
            response = self._client.analyze_id(
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


def parse_analyze_id(response: dict) -> IdDocument:
    """The first identity document's fields; a field read twice keeps its most confident reading."""
    fields: dict[str, FieldReading] = {}
    for document in response.get("IdentityDocuments", [])[:1]:
        for entry in document.get("IdentityDocumentFields", []):
            name = entry.get("Type", {}).get("Text", "")
            value = entry.get("ValueDetection", {})
            reading = FieldReading(
                text=value.get("Text", ""),
                confidence=float(value.get("Confidence", 0.0)),
                normalized=value.get("NormalizedValue", {}).get("Value"),
            )
            if name and reading.text and (name not in fields or reading.confidence > fields[name].confidence):
                fields[name] = reading
    return IdDocument(fields=fields)
