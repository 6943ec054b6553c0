"""What the hostile and personal-data tests observe: S3 events, the functions' log lines, peak memory."""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kyc.observability import logger

from tests.integration.conftest import load_event

_CLEAR_REFS = Path("/proc/self/clear_refs")


def s3_event(key: str) -> dict:
    """The sample S3 PUT event for another key (given URL-encoded, as S3 sends it)."""
    event = load_event("s3_put_8d247914.json")
    event["Records"][0]["s3"]["object"]["key"] = key
    return event


def drain(sqs, url: str) -> list[dict]:
    """Every message waiting on a queue (deleted as read), bodies parsed as JSON where they are JSON."""
    found = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            try:
                found.append(json.loads(message["Body"]))
            except ValueError:
                found.append(message["Body"])
    return found


@contextmanager
def log_lines(level: str = "INFO") -> Iterator[io.StringIO]:
    """Everything the functions' Powertools logger writes (its JSON lines), at `level` and above."""
    handler, previous_level = logger.registered_handler, logger.log_level
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    logger.setLevel(level)
    try:
        yield buffer
    finally:
        handler.setStream(previous)
        logger.setLevel(previous_level)


@dataclass
class Memory:
    python_peak: int = 0  # bytes, tracemalloc: every Python allocation, bytes objects included
    rss_growth: int | None = None  # bytes, peak RSS over the starting RSS (C allocations too); None if unsupported


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def _reset_rss_peak() -> bool:
    try:
        _CLEAR_REFS.write_text("5")  # Linux: reset VmHWM to the current RSS
    except OSError:
        return False
    return True


@contextmanager
def measured() -> Iterator[Memory]:
    """Peak memory of the block: traced Python allocations and, where Linux allows, resident set growth."""
    memory = Memory()
    rss_tracked = _reset_rss_peak()
    start_rss = _status_kb("VmRSS") if rss_tracked else 0
    tracemalloc.start()
    try:
        yield memory
    finally:
        memory.python_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        if rss_tracked:
            memory.rss_growth = (_status_kb("VmHWM") - start_rss) * 1024


def sqs_event(messages: list[dict], receive_count: int | None = None) -> dict:
    """The event Lambda's SQS event source mapping builds from received messages."""
    records = []
    for message in messages:
        attributes = dict(message["Attributes"])
        if receive_count is not None:
            attributes["ApproximateReceiveCount"] = str(receive_count)
        records.append(
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": attributes,
                "messageAttributes": {},
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:LicenseQueue",
                "awsRegion": "us-east-1",
            }
        )
    return {"Records": records}
