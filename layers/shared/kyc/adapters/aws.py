"""botocore clients with timeouts and bounded retries, one per service and process (reused while warm).

botocore itself, not boto3: importing boto3 also imports s3transfer, ~17 ms of every cold start spent on nothing the
adapters use."""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

import botocore.session
from botocore.config import Config

from kyc.observability import trace_library
from kyc.settings import get_settings

_creating = threading.Lock()  # a botocore session is not thread-safe; a client made on first use may race another


def session() -> botocore.session.Session:
    """The handlers' session: every client and the SigV4 signer share its loaded data and credentials."""
    with _creating:
        return _session()


@cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@cache
def client(service: str) -> Any:
    settings = get_settings()
    return _created(service, settings.aws_connect_timeout, settings.aws_read_timeout, settings.aws_max_attempts)


def bounded_client(service: str, seconds: float, attempts: int = 2) -> Any:
    """A client whose call, retries included, ends within about `seconds` (a request that must answer in time)."""
    per_attempt = seconds / attempts
    connect = min(2.0, per_attempt / 4)
    return _created(service, connect, per_attempt - connect, attempts)


def _created(service: str, connect_timeout: float, read_timeout: float, attempts: int) -> Any:
    trace_library("botocore")
    config = Config(
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retries={"mode": "standard", "max_attempts": attempts},
    )
    with _creating:
        return _session().create_client(service, config=config)


def error_code(error: Exception) -> str:
    """The AWS error code of a botocore ClientError, else the exception's class name."""
    response = getattr(error, "response", None) or {}
    return response.get("Error", {}).get("Code") or type(error).__name__
