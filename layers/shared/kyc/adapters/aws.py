"""boto3 clients with timeouts and bounded retries, one per service and process (reused while warm)."""

from __future__ import annotations

import os
import threading
from functools import cache

import boto3
from botocore.config import Config

from kyc.observability import trace_library

_creating = threading.Lock()  # a boto3 session is not thread-safe; a client made on first use may race another


def session() -> boto3.Session:
    """boto3's default session: every client and the SigV4 signer share its loaded data and credentials."""
    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    return boto3.DEFAULT_SESSION


@cache
def client(service: str):
    trace_library("botocore")
    config = Config(
        connect_timeout=float(os.environ.get("AWS_CONNECT_TIMEOUT", "3")),
        read_timeout=float(os.environ.get("AWS_READ_TIMEOUT", "20")),
        retries={"mode": "standard", "max_attempts": int(os.environ.get("AWS_MAX_ATTEMPTS", "4"))},
    )
    with _creating:
        return session().client(service, config=config)


def error_code(error: Exception) -> str:
    """The AWS error code of a botocore ClientError, else the exception's class name."""
    response = getattr(error, "response", None) or {}
    return response.get("Error", {}).get("Code") or type(error).__name__
