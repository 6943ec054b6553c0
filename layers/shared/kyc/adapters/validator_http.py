"""LicenseValidator over HTTPS: POST /license signed with SigV4 (IAM auth), with timeouts and retries."""

from __future__ import annotations

import json
from typing import Any

import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from kyc.adapters import aws
from kyc.model import ServiceFailure, ValidationResult
from kyc.observability import trace_library


def _session() -> requests.Session:
    retry = Retry(total=3, backoff_factor=0.3, status_forcelist=(429, 500, 502, 503, 504), allowed_methods=None)
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


class HttpLicenseValidator:
    def __init__(self, url: str, region: str, timeout: tuple[float, float] = (3.05, 10.0)):
        trace_library("requests")
        self._url = url
        self._timeout = timeout
        self._client = _session()
        credentials = aws.session().get_credentials()
        if credentials is None:
            raise ServiceFailure("validator", "no AWS credentials to sign with")
        self._credentials = credentials
        self._region = region

    def validate(self, request: dict[str, Any]) -> ValidationResult:
        body = json.dumps(request)
        signed = AWSRequest(method="POST", url=self._url, data=body, headers={"Content-Type": "application/json"})
        SigV4Auth(self._credentials.get_frozen_credentials(), "execute-api", self._region).add_auth(signed)
        try:
            response = self._client.post(self._url, data=body, headers=dict(signed.headers), timeout=self._timeout)
        except requests.RequestException as error:
            raise ServiceFailure("validator", type(error).__name__) from None
        if response.status_code != 200:
            raise ServiceFailure("validator", f"HTTP {response.status_code}")
        try:
            answer = response.json()
            return ValidationResult(valid=bool(answer["valid"]), reason=str(answer.get("reason", "")))
        except (ValueError, KeyError, TypeError):
            raise ServiceFailure("validator", "malformed response") from None
