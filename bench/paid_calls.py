"""Paid calls per application under retries and duplicates: every bundle must cost exactly one CompareFaces and one
AnalyzeID, and every one that reaches the licence validation exactly one call of the validator, however often its
events arrive.

    .venv/bin/python -m bench.paid_calls [--bundles 10] [--workflow lambda|stepfunctions|both]

Scenarios, each on a fresh stack in a process of its own (bench.workload bundles, all of which reach both checks):
once (the control), uploaded twice at once, re-uploaded after the result and copied onto itself (each a new S3 event
for the same object), every S3/EventBridge event and SQS message delivered three times, 20 % of the handlers' AWS
calls failed as throttling or 5xx (SDK and Lambda retries), all of these together, and a new bundle for every
application rejected after its checks (its second attempt) with every event delivered three times: there the count
is per attempt. The calls are counted where
they reach the engines (the stack's meter, per application from the request's S3 key); a call the fault injector
fails never reaches them and is not billed. Shown beside: how often the entry function ran (DocumentLambdaFunction;
StartDocumentWorkflowLambdaFunction for part 2) and how many faults were injected, so that the duplicates and
retries are seen to have happened. Writes bench/results/paid_calls.json.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from bench import workload
from bench.report import invocation_durations, table, write
from kyc_local.results import Result, Runner, read_many
from kyc_local.samples.bundles import zip_members
from kyc_local.stack import PROJECT_ROOT, LocalStack, StackOptions
from kyc_local.workspace import Workspace

SCENARIOS = {
    "once": {},
    "uploaded twice at once": {"twice": True},
    "re-uploaded and copied onto itself": {"again": True},
    "events delivered 3 times": {"deliveries": 3},
    "20 % AWS call faults": {"faults": 0.2},
    "all of these": {"twice": True, "again": True, "deliveries": 3, "faults": 0.2},
    "resubmitted after a rejection, events 3 times": {"resubmit": True, "deliveries": 3},
}
TIMEOUT_S = 600  # part 2's retries back off for up to 3.5 minutes under faults
SCRATCH = PROJECT_ROOT / ".kyc" / "bench" / "paid_calls"  # one file per scenario, from its process


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bundles", type=int, default=10)
    parser.add_argument("--workflow", choices=["lambda", "stepfunctions", "both"], default="both")
    parser.add_argument("--scenario", choices=list(SCENARIOS), help=argparse.SUPPRESS)  # one, in this process
    args = parser.parse_args(argv)
    if args.scenario:
        _one(args.scenario, args.workflow, args.bundles)
        return
    workflows = ["lambda", "stepfunctions"] if args.workflow == "both" else [args.workflow]
    rows = []
    for workflow in workflows:
        for scenario in SCENARIOS:
            command = [sys.executable, "-m", "bench.paid_calls", "--scenario", scenario, "--workflow", workflow,
                       "--bundles", str(args.bundles)]
            subprocess.run(command, cwd=PROJECT_ROOT, check=True)
            rows.append(json.loads(_scratch(scenario, workflow).read_text()))
    path = write("paid_calls", {"bundles": args.bundles, "scenarios": rows})
    print(render(rows))
    print(f"wrote {path}")


def render(rows: list[dict]) -> str:
    body = [[row["workflow"], row["scenario"], row["entry_invocations"], row["faults_injected"],
             f"{row['compare_faces_min']}–{row['compare_faces_max']}", f"{row['analyze_id_min']}–{row['analyze_id_max']}",
             f"{row['validator_calls']}/{row['validated_applications']}",
             f"{row['as_expected']}/{row['applications']}", "yes" if row["exactly_one_each"] else "NO"] for row in rows]
    headers = ["workflow", "scenario", "entry invocations", "faults", "CompareFaces/app", "AnalyzeID/app",
               "validator calls/validated", "outcome as expected", "exactly 1 each"]
    return "paid calls per application (min–max over the applications)\n" + table(headers, body)


def _one(scenario: str, workflow: str, count: int) -> None:
    """One scenario on a fresh stack; writes its row to a scratch file for the parent."""
    settings = SCENARIOS[scenario]
    bundles = workload.bundles(count)
    workspace = Workspace(PROJECT_ROOT / ".kyc" / "bench")
    options = StackOptions(workdir=workspace.folder, workflow=workflow, deliveries=settings.get("deliveries", 1),
                           faults=settings.get("faults", 0.0), retry_wait=0.5)
    with workspace.function_logs(), LocalStack(options) as stack:
        stack.ready()
        s3, bucket = stack.client("s3"), stack.resource("DocumentBucket")
        runner = Runner(s3, stack.client("dynamodb"), bucket, stack.resource("CustomerMetadataTable"), timeout=TIMEOUT_S,
                        parallel=len(bundles), poll=0.25)
        if settings.get("twice"):
            for bundle in bundles:
                s3.put_object(Bucket=bucket, Key=f"zipped/{bundle.path.name}", Body=bundle.body)
        results = runner.run([bundle.path for bundle in bundles])
        if settings.get("again"):
            for bundle in bundles:
                key = f"zipped/{bundle.path.name}"
                s3.put_object(Bucket=bucket, Key=key, Body=bundle.body)
                s3.copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": key},
                               Metadata={"copied": "onto itself"}, MetadataDirective="REPLACE")
        time.sleep(2.0)  # let the last duplicates arrive before waiting for the stack to go quiet
        stack.settle(120)
        attempts = dict.fromkeys((bundle.app_uuid for bundle in bundles), 1)
        if settings.get("resubmit"):
            results = _resubmit(stack, s3, bucket, bundles, results, attempts)
        entry = "DocumentLambdaFunction" if workflow == "lambda" else "StartDocumentWorkflowLambdaFunction"
        durations = invocation_durations(stack)
        invocations = len(durations[entry])
        validator_calls = len(durations["ValidateLicenseLambdaFunction"])
        faults = sum(stack.faults.injected.values()) if stack.faults else 0
        per_app = stack.meter.applications()
    expected = {bundle.app_uuid: bundle.kind.status for bundle in bundles}
    validated = sum(result.checks.get("LICENSE_VALIDATION") is not None for result in results) + sum(
        count - 1 for count in attempts.values())  # every bundle resubmitted here had reached its validation
    faces = [per_app.get(app, {}).get("CompareFaces", 0) / attempts[app] for app in expected]
    ids = [per_app.get(app, {}).get("AnalyzeID", 0) / attempts[app] for app in expected]
    row = {
        "workflow": workflow, "scenario": scenario, "applications": len(bundles),
        "compare_faces_min": min(faces), "compare_faces_max": max(faces),
        "analyze_id_min": min(ids), "analyze_id_max": max(ids),
        "validator_calls": validator_calls,
        "validated_applications": validated,
        "exactly_one_each": set(faces) == set(ids) == {1} and validator_calls == validated,  # per attempt
        "as_expected": sum(result.status == expected[result.app_uuid] for result in results),
        "entry_invocations": invocations,
        "faults_injected": faults,
        "statuses": dict(Counter(str(result.status) for result in results)),
        "attempts": sum(attempts.values()),
    }
    _scratch(scenario, workflow).write_text(json.dumps(row))


def _resubmit(stack: LocalStack, s3: Any, bucket: str, bundles: list[workload.Bundle], results: list[Result],
              attempts: dict[str, int]) -> list[Result]:
    """A new bundle (the same members, zipped anew) for every application REJECTED after its checks: its second
    attempt, decided on its own; then the results as they are once the stack is quiet."""
    rejected = {result.app_uuid for result in results
                if result.status == "REJECTED" and result.checks.get("LICENSE_VALIDATION")}
    for bundle in bundles:
        if bundle.app_uuid in rejected:
            s3.put_object(Bucket=bucket, Key=f"zipped/{bundle.path.name}", Body=_rezipped(bundle.body))
            attempts[bundle.app_uuid] = 2
    time.sleep(2.0)
    stack.settle(TIMEOUT_S)
    table_name = stack.resource("CustomerMetadataTable")
    return list(read_many(stack.client("dynamodb"), table_name, [bundle.app_uuid for bundle in bundles]).values())


def _rezipped(body: bytes) -> bytes:
    """The same members in another order: another upload (another ETag) for the same application."""
    with zipfile.ZipFile(io.BytesIO(body)) as source:
        return zip_members({info.filename: source.read(info) for info in reversed(source.infolist())})


def _scratch(scenario: str, workflow: str) -> Path:
    folder = SCRATCH / workflow
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{re.sub(r'[^a-z0-9]+', '-', scenario)}.json"


if __name__ == "__main__":
    main()
