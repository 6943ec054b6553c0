"""Request inputs shared by both APIs: AWS-style errors and images given as `Bytes` or `S3Object`."""

from __future__ import annotations

import base64
import binascii
import threading
from collections.abc import Callable
from typing import Any

S3_ERROR = "Unable to get object metadata from S3. Check object key, region and/or access permissions."


class ApiError(Exception):
    """An error the endpoint returns as `{"__type", "message"}` with an HTTP status, like AWS."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def _default_s3_client() -> Any:
    import boto3

    return boto3.client("s3")


class ImageLoader:
    """Reads image bytes from a request's `Bytes` (base64 in JSON) or `S3Object {Bucket, Name, Version?}`."""

    def __init__(self, s3_client_factory: Callable[[], Any] | None = None):
        self._factory = s3_client_factory or _default_s3_client
        self._client: Any = None
        self._lock = threading.Lock()

    def load(self, spec: Any, *, field: str, max_bytes: int, max_s3_bytes: int, too_large: str) -> bytes:
        """The image bytes; ApiError `too_large` past the limits, InvalidS3ObjectException when S3 cannot serve it."""
        if not isinstance(spec, dict) or ("Bytes" in spec) == ("S3Object" in spec):
            raise ApiError("InvalidParameterException", f"{field} needs exactly one of Bytes or S3Object")
        if "Bytes" in spec:
            data = _base64(spec["Bytes"], field)
            if len(data) > max_bytes:
                raise ApiError(too_large, f"{field} is larger than {max_bytes} bytes")
            return data
        return self._from_s3(spec["S3Object"], field, max_s3_bytes, too_large)

    def _from_s3(self, obj: Any, field: str, limit: int, too_large: str) -> bytes:
        if not isinstance(obj, dict) or not obj.get("Bucket") or not obj.get("Name"):
            raise ApiError("InvalidParameterException", f"{field}.S3Object needs Bucket and Name")
        extra = {"VersionId": obj["Version"]} if obj.get("Version") else {}
        try:
            response = self._s3().get_object(Bucket=obj["Bucket"], Key=obj["Name"], **extra)
            if response.get("ContentLength", 0) > limit:
                response["Body"].close()
                raise ApiError(too_large, f"{field} is larger than {limit} bytes")
            data = response["Body"].read(limit + 1)
        except ApiError:
            raise
        except Exception as exc:  # botocore ClientError, connection errors: S3 could not serve the object
            raise ApiError("InvalidS3ObjectException", S3_ERROR) from exc
        if len(data) > limit:
            raise ApiError(too_large, f"{field} is larger than {limit} bytes")
        return data

    def _s3(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = self._factory()
            return self._client


def _base64(value: Any, field: str) -> bytes:
    if not isinstance(value, str):
        raise ApiError("InvalidParameterException", f"{field}.Bytes must be base64 text")
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ApiError("InvalidParameterException", f"{field}.Bytes is not valid base64") from exc
    if not data:
        raise ApiError("InvalidParameterException", f"{field}.Bytes is empty")
    return data
