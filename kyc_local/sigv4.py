"""Checks an AWS Signature Version 4 request the way API Gateway's IAM authoriser does, for the local credentials."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request,"
    r"\s*SignedHeaders=(?P<signed>[^,]+),\s*Signature=(?P<signature>[0-9a-f]{64})"
)
_ANY_KEY = re.compile(r"AWS4-HMAC-SHA256\s+Credential=(?P<v4>[^/\s,]+)/|AWS (?P<v2>[^:\s]+):")
_MAX_SKEW = timedelta(minutes=5)


class SignatureError(Exception):
    """The request is not signed, or not signed by the local identity: API Gateway answers 403."""


def access_key(headers: dict[str, str], query: str = "") -> str | None:
    """The access key a request claims (SigV4 or SigV2, header or presigned URL), or None when it is unsigned."""
    lowered = {name.lower(): value for name, value in headers.items()}
    authorization = lowered.get("authorization", "").strip()
    if found := _ANY_KEY.match(authorization):
        return found["v4"] or found["v2"]
    parameters = parse_qs(query)
    claimed = (parameters.get("X-Amz-Credential") or parameters.get("AWSAccessKeyId") or [None])[0]
    return claimed.split("/")[0] if claimed else None


def precheck(headers: dict[str, str], access_key: str, service: str = "execute-api") -> None:
    """What can be checked before the body is read (signed by the local key, for the service, lately, the host
    signed); raise SignatureError. `verify` then checks the signature itself, which covers the body."""
    _checked({name.lower(): value for name, value in headers.items()}, access_key, service)


def verify(method: str, url: str, headers: dict[str, str], body: bytes, access_key: str, secret_key: str,
           service: str = "execute-api") -> str:
    """Return the caller's access key when `Authorization` is a valid SigV4 signature; raise SignatureError."""
    lowered = {name.lower(): value for name, value in headers.items()}
    match = _checked(lowered, access_key, service)
    timestamp, signed = lowered["x-amz-date"], match["signed"].split(";")
    claimed = lowered.get("x-amz-content-sha256")
    if claimed not in (None, "UNSIGNED-PAYLOAD", hashlib.sha256(body).hexdigest()):
        raise SignatureError("The provided 'x-amz-content-sha256' header does not match what was computed.")
    request = AWSRequest(method=method, url=url, headers={name: lowered[name] for name in signed}, data=body)
    request.context["timestamp"] = timestamp
    auth = SigV4Auth(Credentials(access_key, secret_key), service, match["region"])
    expected = auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)
    if not hmac.compare_digest(expected, match["signature"]):
        raise SignatureError("The request signature we calculated does not match the signature you provided.")
    return access_key


def _checked(lowered: dict[str, str], access_key: str, service: str) -> re.Match[str]:
    match = _AUTHORIZATION.fullmatch(lowered.get("authorization", "").strip())
    if match is None:
        raise SignatureError("Missing Authentication Token")
    if match["key"] != access_key:
        raise SignatureError("The security token included in the request is invalid.")
    if match["service"] != service:
        raise SignatureError(f"Credential should be scoped to correct service: '{service}'.")
    timestamp = lowered.get("x-amz-date", "")
    try:
        signed_at = datetime.strptime(timestamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError as exc:
        raise SignatureError("Authorization header requires existence of either a 'X-Amz-Date' header.") from exc
    if abs(datetime.now(UTC) - signed_at) > _MAX_SKEW or not timestamp.startswith(match["date"]):
        raise SignatureError("Signature expired.")
    signed = match["signed"].split(";")
    missing = [name for name in signed if name not in lowered]
    if missing or "host" not in signed:
        raise SignatureError("The request signature we calculated does not match the signature you provided.")
    return match
