"""Bundles in, results out: upload bundles to a running stack, follow their application records, report them."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kyc.adapters.dynamodb_schema import plain_item, record_from_item
from kyc.model import Check, CheckResult
from kyc.notifications import face_summary

FINAL = ("APPROVED", "REJECTED", "REVIEW", "ERROR")
CHECKS = {"LICENSE_SELFIE_MATCH": "face", "LICENSE_DETAILS_MATCH": "details", "LICENSE_VALIDATION": "licence"}
_SHOWN = ("similarity", "pass_threshold", "fail_threshold", "faces_in_selfie", "quality", "mismatched", "unreadable",
          "service", "validator_reason")
"""The detail keys a result shows besides the per-field report: names, numbers and rules, never applicant values."""
_APP_UUID = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass
class Result:
    app_uuid: str
    status: str | None = None  # None: no application record yet
    reasons: list[str] = field(default_factory=list)
    checks: dict[str, str | None] = field(default_factory=dict)  # check → PASS, FAIL, UNDECIDED, ERROR or None
    seconds: float | None = None  # upload → final status
    stopped_at: str = ""  # for a bundle that did not finish: where it stopped
    attempt: int | None = None
    status_detail: str | None = None  # why the bundle was refused or a step failed
    explained: dict[str, dict[str, Any]] = field(default_factory=dict)  # check → outcome, reasons and detail

    @property
    def final(self) -> bool:
        return self.status in FINAL

    def as_json(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if key != "stopped_at" or value}

    def why(self) -> str:
        """The result's explanation in one line: the rejection detail, or each check's deciding figures."""
        parts = [f"status detail: {self.status_detail}"] if self.status_detail else []
        for check, label in CHECKS.items():
            if (explained := self.explained.get(check)) is not None:
                parts.append(f"{label}: {_explain(explained)}")
        return "; ".join(parts)


def read(dynamodb: Any, table: str, app_uuid: str) -> Result:
    """The application's record as a Result (status None while there is no record)."""
    raw = dynamodb.get_item(TableName=table, Key={"APP_UUID": {"S": app_uuid}}, ConsistentRead=True).get("Item")
    return _result(app_uuid, raw)


def read_many(dynamodb: Any, table: str, app_uuids: list[str]) -> dict[str, Result]:
    """Several records in one BatchGetItem per 100 ids (one request per poll, however many bundles are in flight)."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(app_uuids), 100):
        keys = [{"APP_UUID": {"S": app_uuid}} for app_uuid in app_uuids[start:start + 100]]
        request = {table: {"Keys": keys, "ConsistentRead": True}}
        while request:
            response = dynamodb.batch_get_item(RequestItems=request)
            for raw in response["Responses"].get(table, []):
                found[raw["APP_UUID"]["S"]] = raw
            request = response.get("UnprocessedKeys") or {}
    return {app_uuid: _result(app_uuid, found.get(app_uuid)) for app_uuid in app_uuids}


def _result(app_uuid: str, raw: dict[str, Any] | None) -> Result:
    if not raw:
        return Result(app_uuid, checks=dict.fromkeys(CHECKS))
    record = record_from_item(plain_item(raw))  # the record as the handlers' own adapter reads it
    checks = {str(check): str(result.outcome) if (result := record.results.get(check)) else None for check in Check}
    explained = {str(check): _explained(result) for check, result in record.results.items()}
    return Result(app_uuid, str(record.status), [str(reason) for reason in record.reasons], checks,
                  attempt=record.attempt, status_detail=record.status_detail, explained=explained)


def _explained(result: CheckResult) -> dict[str, Any]:
    """A check's outcome, reasons and detail as recorded: per field its verdict and rule, never a value."""
    shown: dict[str, Any] = {"outcome": str(result.outcome), "reasons": [str(reason) for reason in result.reasons]}
    shown |= {key: result.detail[key] for key in _SHOWN if key in result.detail}
    fields = result.detail.get("fields")
    if isinstance(fields, dict):
        shown["fields"] = {name: {"match": verdict.get("match"), "rule": verdict.get("rule")}
                           for name, verdict in fields.items() if isinstance(verdict, dict)}
    return shown


def _explain(explained: dict[str, Any]) -> str:
    """`FAIL (SELFIE_MISMATCH), similarity 12.5 (pass at >= 99.3, fail below 70)`, or per field for details."""
    text = explained["outcome"] + (f" ({', '.join(explained['reasons'])})" if explained["reasons"] else "")
    if face := face_summary(explained):
        text += f", similarity {face}"
    fields = explained.get("fields", {})
    if fields:
        verdicts = {True: "match", False: "MISMATCH", None: "unreadable"}
        off = [f"{name} {verdicts[verdict['match']]} ({verdict['rule']})"
               for name, verdict in fields.items() if verdict["match"] is not True]
        text += ", " + (", ".join(off) if off else f"all {len(fields)} fields match")
    if service := explained.get("service"):
        text += f", failed service {service}"
    if reason := explained.get("validator_reason"):
        text += f", validator: {reason}"
    return text


def app_uuid_of(bundle: Path) -> str:
    """The app id the pipeline takes from the key `zipped/<app_uuid>.zip`."""
    return bundle.stem


def valid_app_uuid(app_uuid: str) -> bool:
    return _APP_UUID.fullmatch(app_uuid) is not None


class Runner:
    """Uploads bundles (at most `parallel` in flight) and waits for each to reach a final status.

    Each bundle has `timeout` seconds from its upload; one that does not finish is reported with where it stopped.
    """

    def __init__(self, s3: Any, dynamodb: Any, bucket: str, table: str, timeout: float = 60.0, parallel: int = 4,
                 locate: Callable[[Result], str] | None = None, poll: float = 0.05):
        self._s3 = s3
        self._dynamodb = dynamodb
        self._bucket = bucket
        self._table = table
        self._timeout = timeout
        self.parallel = parallel
        self._locate = locate or (lambda result: "")
        self._poll = poll

    def run(self, bundles: list[Path], progress: Callable[[int, int], None] | None = None) -> list[Result]:
        waiting = list(bundles)
        in_flight: dict[str, float] = {}
        results: dict[str, Result] = {}
        while waiting or in_flight:
            while waiting and len(in_flight) < self.parallel:
                bundle = waiting.pop(0)
                app_uuid = app_uuid_of(bundle)
                self._s3.put_object(Bucket=self._bucket, Key=f"zipped/{bundle.name}", Body=bundle.read_bytes())
                in_flight[app_uuid] = time.monotonic()
            time.sleep(self._poll)
            current = read_many(self._dynamodb, self._table, list(in_flight))
            for app_uuid, uploaded in list(in_flight.items()):
                result = current[app_uuid]
                elapsed = time.monotonic() - uploaded
                if result.final:
                    result.seconds = round(elapsed, 3)
                elif elapsed > self._timeout:
                    result.stopped_at = self._stopped_at(result)
                else:
                    continue
                results[app_uuid] = result
                del in_flight[app_uuid]
                if progress:
                    progress(len(results), len(bundles))
        return [results[app_uuid_of(bundle)] for bundle in bundles]

    def _stopped_at(self, result: Result) -> str:
        where = f"status {result.status}" if result.status else "no application record"
        located = self._locate(result)
        return f"{where}; {located}" if located else where


def dead_letters(sqs: Any, queues: dict[str, str]) -> Callable[[Result], str]:
    """A `locate` for Runner: names the dead-letter queue holding a message about the application, if any."""

    def locate(result: Result) -> str:
        found = []
        for name, url in queues.items():
            response = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
            if any(result.app_uuid in message["Body"] for message in response.get("Messages", [])):
                found.append(f"a message is in {name}")
        return ", ".join(found)

    return locate


def render_table(results: list[Result]) -> str:
    headers = ["APP_UUID", "STATUS", "REASONS", *[label.upper() for label in CHECKS.values()], "SECONDS"]
    rows = [headers]
    for result in results:
        checks = [result.checks.get(check) or "-" for check in CHECKS]
        seconds = f"{result.seconds:.2f}" if result.seconds is not None else "-"
        if result.final:
            status = str(result.status)
        elif result.stopped_at:
            status = f"NOT FINISHED ({result.stopped_at})"
        else:
            status = f"{result.status or 'NO RECORD'} (in progress)"
        rows.append([result.app_uuid, status, ",".join(result.reasons) or "-", *checks, seconds])
    widths = [max(len(row[i]) for row in rows) for i in range(len(headers))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    reasons = [f"  {result.app_uuid}: {why}" for result in results if (why := result.why())]
    return "\n".join(lines + (["", "WHY", *reasons] if reasons else []))


def render_json(results: list[Result]) -> str:
    return json.dumps([result.as_json() for result in results], indent=2)
