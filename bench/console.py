"""The review console's server time with many applications in the table: the queue, a case page and "take next".

    .venv/bin/python -m bench.console [--applications 10000] [--requests 60]

A local stack (no vision engines) is filled through the application record's own adapter: one application in ten in
REVIEW, one in fifty in ERROR, the rest REJECTED, each with a face and a details result; the cases in REVIEW and ERROR wait
in the review queue. "take next" assigns the reviewer a case each time: measured as a reviewer who decides each case
(released untimed) and as one who holds every case she takes. Each request is invoked as
API Gateway invokes ConsoleFunction after its JWT authorizer (the verified token's claims in the request context),
and timed around the invocation: the function's server time, the runtime's dispatch included. Targets (issue 23):
queue and case page p95 ≤ 150 ms, take next ≤ 100 ms. Writes bench/results/console.json.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from kyc import console_session
from kyc.adapters.dynamodb import DynamoApplications
from kyc.model import Check, CheckResult, Outcome, Reason, Status
from kyc.ports import Claim

from bench.report import percentile, table, write
from kyc_local.stack import PROJECT_ROOT, LocalStack, StackOptions
from kyc_local.workspace import Workspace

TARGETS_MS = {"queue": 150.0, "queue filtered": 150.0, "case page": 150.0, "take next": 100.0,
              "take next, cases held": 100.0}
FILTERED = {"unassigned": "1", "overdue": "1", "reason": "FACE_UNCERTAIN"}  # a filtered view of the review queue
REVIEWER = {"cognito:username": "rita", "cognito:groups": "[reviewer]", "jti": "bench"}
FIELDS = {"FIRST_NAME": {"match": True, "rule": "name", "confidence": 98.0},
          "ZIP_CODE_IN_ADDRESS": {"match": False, "rule": "zip5", "confidence": 97.0}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args(argv)
    workspace = Workspace(PROJECT_ROOT / ".kyc" / "bench")
    with workspace.function_logs() as out, LocalStack(StackOptions(workdir=workspace.folder, vision=False)) as stack:
        stack.ready()
        started = time.monotonic()
        applications = DynamoApplications(stack.resource("CustomerMetadataTable"), stack.client("dynamodb"))
        seed(applications, args.applications)
        seeded_s = time.monotonic() - started
        function = stack.resource("ConsoleFunction")
        case_id = "bench-00010"  # in REVIEW
        timed = {
            "queue": measure(lambda: stack.invoke(function, request("GET", "/console/queue")), args.requests),
            "queue filtered": measure(lambda: stack.invoke(function, request("GET", "/console/queue", FILTERED)),
                                      args.requests),
            "case page": measure(lambda: stack.invoke(function, request("GET", f"/console/cases/{case_id}")),
                                 args.requests),
            # a reviewer who decides each case she takes (released here, untimed): the queue's head stays unassigned
            "take next": measure(lambda: stack.invoke(function, request("POST", "/console/next")), args.requests,
                                 after=lambda answer: release(applications, answer)),
            # ... and one who takes a case each time and decides none: take next reads past all she holds
            "take next, cases held": measure(lambda: stack.invoke(function, request("POST", "/console/next")),
                                             args.requests),
        }
        figures = {"applications": args.applications, "requests": args.requests, "seeded_s": round(seeded_s, 1),
                   **timed}
        path = write("console", figures)
        rows = [[kind, f"{summary['p50_ms']:.1f}", f"{summary['p95_ms']:.1f}", f"<= {TARGETS_MS[kind]:.0f}"]
                for kind, summary in timed.items()]
        print(f"review console, {args.applications} applications, {args.requests} requests each", file=out)
        print(table(["request", "p50 ms", "p95 ms", "target p95"], rows), file=out)
        print(f"wrote {path}", file=out)


def seed(applications: DynamoApplications, count: int) -> None:
    """`count` applications through the record's own writes: claimed, both document results, a final status."""
    now = datetime(2026, 12, 1, tzinfo=UTC)

    def one(index: int) -> None:
        app_uuid, at = f"bench-{index:05d}", now + timedelta(seconds=index)
        applications.claim(Claim(app_uuid, "etag", at, at, at + timedelta(days=30), details={"FIRST_NAME": "Bench"}))
        status = Status.REVIEW if index % 10 == 0 else Status.ERROR if index % 50 == 1 else Status.REJECTED
        for result in (CheckResult(Check.FACE, Outcome.UNDECIDED, (Reason.FACE_UNCERTAIN,), {"similarity": 88.0}),
                       CheckResult(Check.DETAILS, Outcome.FAIL, (Reason.DETAILS_MISMATCH,), {"fields": FIELDS})):
            applications.record_result(app_uuid, "etag", result, at)
        applications.settle(app_uuid, status, (Reason.FACE_UNCERTAIN,), at, etag="etag")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(one, range(count)))


def request(method: str, path: str, query: dict[str, str] | None = None) -> dict[str, Any]:
    """The HTTP API (payload 2.0) event of a signed-in reviewer's request."""
    event: dict[str, Any] = {
        "version": "2.0", "routeKey": f"{method} {path}", "rawPath": path, "rawQueryString": urlencode(query or {}),
        "headers": {"content-type": "application/x-www-form-urlencoded"},
        "requestContext": {"http": {"method": method, "path": path, "sourceIp": "127.0.0.1"}, "stage": "$default",
                           "requestId": "bench", "routeKey": f"{method} {path}",
                           "authorizer": {"jwt": {"claims": REVIEWER, "scopes": None}}},
        "isBase64Encoded": False,
    }
    if query:
        event["queryStringParameters"] = query
    if method == "POST":
        event["body"] = urlencode({"csrf": console_session.csrf_token(REVIEWER)})
    return event


def release(applications: DynamoApplications, answer: dict[str, Any]) -> None:
    """Unassign the case a take next answered with (as its decision would take it out of the queue)."""
    taken = re.search(r"<h1>Case ([\w-]+)</h1>", answer["body"])
    assert taken, "take next found no case"
    assert applications.assign(taken.group(1), "review", None, REVIEWER["cognito:username"])


def measure(call: Callable[[], Any], rounds: int, after: Callable[[Any], None] | None = None) -> dict[str, float]:
    """p50 and p95 of the calls' wall time (ms), after one warm-up call; `after` runs, untimed, after each."""
    warm = call()
    assert warm["statusCode"] == 200
    if after:
        after(warm)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        answer = call()
        times.append((time.perf_counter() - started) * 1000)
        assert answer["statusCode"] == 200, answer["statusCode"]
        if after:
            after(answer)
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 0.95), 1)}


if __name__ == "__main__":
    main()
