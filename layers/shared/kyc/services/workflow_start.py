"""Part 2's start: one Step Functions execution per upload, named after it, so a duplicate event starts nothing."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import quote_plus

from kyc.observability import logger
from kyc.ports import Workflows

MAX_NAME_CHARS = 80
_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_DIGEST_CHARS = 16


@dataclass
class StartDeps:
    workflows: Workflows


@dataclass(frozen=True)
class Started:
    execution_name: str
    started: bool  # False: an execution for this upload exists already


def execution_name(key: str, etag: str) -> str:
    """`<app_uuid>-<etag>` for an upload key `zipped/<app_uuid>.zip`; any other key or a longer name is made safe
    (only A-Z, a-z, 0-9, '-' and '_'), cut and suffixed with a digest of key and ETag, so distinct uploads never share
    a name."""
    stem = key.removeprefix("zipped/").removesuffix(".zip")
    name = f"{stem}-{etag}"
    if key == f"zipped/{stem}.zip" and _NAME.fullmatch(name):
        return name
    digest = hashlib.sha256(f"{key}\0{etag}".encode()).hexdigest()[:_DIGEST_CHARS]
    return _UNSAFE.sub("_", name)[: MAX_NAME_CHARS - _DIGEST_CHARS - 1] + "-" + digest


def start_document_workflow(key: str, etag: str, deps: StartDeps) -> Started:
    """Start the document workflow for an upload (its key as EventBridge gives it: not URL-encoded).

    The execution's input carries the key URL-encoded, the form S3 notifications use, so that both workflows give
    the core the same string.
    """
    name = execution_name(key, etag)
    started = deps.workflows.start(name, {"key": quote_plus(key, safe="/"), "etag": etag})
    logger.info(
        "document workflow started" if started else "duplicate event: execution exists", extra={"execution_name": name}
    )
    return Started(name, started)
