"""Presigned S3 GET URLs for the evidence images the console shows (signed with the caller's credentials)."""

from __future__ import annotations

from typing import Any

from kyc.adapters.aws import client

MAX_SECONDS = 300  # a presigned URL of the console never outlives five minutes


class S3Presigner:
    def __init__(self, bucket: str, s3: Any = None):
        self._bucket = bucket
        self._client = s3 or client("s3")

    def url(self, key: str, seconds: int) -> str:
        url: str = self._client.generate_presigned_url(
            "get_object", Params={"Bucket": self._bucket, "Key": key}, ExpiresIn=min(seconds, MAX_SECONDS)
        )
        return url
