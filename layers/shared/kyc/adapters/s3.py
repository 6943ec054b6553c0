"""DocumentStore on S3: reads an upload with a hard size cap, writes extracted members."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from kyc.adapters.aws import client, error_code
from kyc.model import Reason, Rejection, ServiceFailure, UploadMissing
from kyc.ports import Upload


class S3DocumentStore:
    def __init__(self, bucket: str, s3: Any = None):
        self._bucket = bucket
        self._client = s3 or client("s3")

    def read_upload(self, key: str, max_bytes: int) -> Upload:
        try:
            response = self._client.get_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error_code(error) in {"NoSuchKey", "404"}:
                raise UploadMissing(key) from None
            raise ServiceFailure("s3", error_code(error)) from None
        except BotoCoreError as error:
            raise ServiceFailure("s3", type(error).__name__) from None
        body = response["Body"]
        try:
            if response.get("ContentLength", 0) > max_bytes:
                raise Rejection(Reason.BUNDLE_INVALID, f"zip larger than {max_bytes} bytes")
            data = body.read(max_bytes + 1)
        finally:
            body.close()
        if len(data) > max_bytes:
            raise Rejection(Reason.BUNDLE_INVALID, f"zip larger than {max_bytes} bytes")
        return Upload(key=key, etag=response.get("ETag", "").strip('"'), body=data)

    def put_member(self, key: str, body: bytes, content_type: str) -> None:
        try:
            self._client.put_object(Bucket=self._bucket, Key=key, Body=body, ContentType=content_type)
        except (ClientError, BotoCoreError) as error:
            raise ServiceFailure("s3", error_code(error)) from None

    def has_member(self, key: str) -> bool:
        try:
            self._client.head_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error_code(error) in {"NoSuchKey", "404", "NotFound"}:
                return False
            raise ServiceFailure("s3", error_code(error)) from None
        except BotoCoreError as error:
            raise ServiceFailure("s3", type(error).__name__) from None
        return True
