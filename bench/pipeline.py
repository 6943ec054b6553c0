"""Figures of the embedded default: stack start, per-bundle latency upload → final status, engine time, pipeline
overhead (everything but the engines), memory, and the whole `kyc demo`.

    .venv/bin/python -m bench.pipeline [--rounds 3] [--no-demo]

Bundles go one at a time (the next after the previous settled), so a latency is one bundle's own. Each round
re-packs the UnitTests bundles under fresh app ids (a re-upload of the same id is a duplicate and does no work).
Round 1 pays the cold starts; the medians are over the later rounds. The overhead is latency − engine time. The
overhead's parts: the handlers' own work (durations − engine − AWS calls), their AWS calls to moto, and the runtime's
gaps: upload returned → DocumentLambdaFunction started (S3 event dispatch) plus licence message sent →
SubmitLicenseLambdaFunction started (SQS pick-up); a function that started before its caller had the API's answer
counts 0. The parts cover the whole processing (e-mails after the final status too), so they may add up to more
than the overhead. Writes bench/results/pipeline.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import boto3

from kyc_local.invocation_log import InvocationLog
from kyc_local.results import read
from kyc_local.stack import PROJECT_ROOT, LocalStack, StackOptions
from kyc_local.workspace import Workspace

SAMPLES = PROJECT_ROOT / "UnitTests"
RESULTS = PROJECT_ROOT / "bench" / "results" / "pipeline.json"


class _Probe:
    """Instrumentation for the bench only: handler durations (as the runtime reports them) and the handlers' time in
    AWS calls (botocore events on the default session, which the handlers' clients use)."""

    def __init__(self) -> None:
        self.durations: list[tuple[str, float, float]] = []  # (function logical id, seconds, perf_counter at the end)
        self.aws: list[tuple[str, float, float]] = []  # (service.operation, seconds, perf_counter at the end)
        self._started: dict[tuple[int, str], float] = {}
        record = InvocationLog.record

        def recorded(log: InvocationLog, spec, stream, request_id, duration, cold, error) -> None:
            self.durations.append((spec.logical_id, duration, time.perf_counter()))
            record(log, spec, stream, request_id, duration, cold, error)

        InvocationLog.record = recorded
        boto3.setup_default_session()
        boto3.DEFAULT_SESSION.events.register("before-call", self._before)
        boto3.DEFAULT_SESSION.events.register("after-call", self._after)

    def _before(self, model, **_: object) -> None:
        self._started[(threading.get_ident(), model.name)] = time.perf_counter()

    def _after(self, model, **_: object) -> None:
        started = self._started.pop((threading.get_ident(), model.name), None)
        # only the functions' threads: the vision endpoint reads images from S3 with the same session
        if started is not None and threading.current_thread().name.startswith(("lambda-async", "sqs-poller")):
            now = time.perf_counter()
            self.aws.append((f"{model.service_model.service_name}.{model.name}", now - started, now))

    def mark(self) -> tuple[int, int]:
        return len(self.durations), len(self.aws)

    def since(self, mark: tuple[int, int], uploaded: float) -> dict[str, float]:
        """Seconds since `mark`: in the document and submit handlers (the validator runs inside the submitter's
        call), in their AWS calls other than the paid ones, and the two dispatch gaps."""
        invocations = self.durations[mark[0]:]
        calls = self.aws[mark[1]:]
        started = {function: end - seconds for function, seconds, end in reversed(invocations)}  # first start
        sent = [end for call, _, end in calls if call == "sqs.SendMessage"]
        gaps = max(0.0, started.get("DocumentLambdaFunction", uploaded) - uploaded)
        if sent and "SubmitLicenseLambdaFunction" in started:
            gaps += max(0.0, started["SubmitLicenseLambdaFunction"] - sent[0])
        return {
            "handlers": sum(s for function, s, _ in invocations if function != "ValidateLicenseLambdaFunction"),
            "aws": sum(s for call, s, _ in calls if not call.startswith(("rekognition.", "textract."))),
            "gaps": gaps,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-demo", action="store_true", help="skip timing `kyc demo` as a user runs it")
    args = parser.parse_args()
    workspace = Workspace(PROJECT_ROOT / ".kyc" / "bench")
    figures: dict = {"machine": _machine()}
    probe = _Probe()
    with workspace.function_logs() as out:
        stack = LocalStack(StackOptions(workdir=workspace.folder))
        stack.start()
        try:
            warm_started = time.perf_counter()
            stack.ready()
            figures["stack_start_s"] = round(stack.started_in, 3)
            figures["engine_warm_up_s"] = round(time.perf_counter() - warm_started, 3)
            figures["rss_ready_mb"] = _memory("VmRSS")
            figures["bundles"] = _bundles(stack, args.rounds, probe)
            figures["function_duration_ms"] = _durations(stack)
            figures["rss_peak_mb"] = _memory("VmHWM")
        finally:
            stack.stop()
    if not args.no_demo:
        figures["demo"] = _demo()
    figures["summary"] = _summary(figures)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures["summary"], indent=2), file=out)
    print(f"details: {RESULTS}", file=out)


def _bundles(stack: LocalStack, rounds: int, probe: _Probe) -> list[dict]:
    s3, dynamodb = stack.client("s3"), stack.client("dynamodb")
    bucket, table = stack.resource("DocumentBucket"), stack.resource("CustomerMetadataTable")
    rows = []
    for round_number in range(1, rounds + 1):
        for bundle in sorted(SAMPLES.glob("*.zip")):
            app_uuid = f"{bundle.stem}-r{round_number}"
            body = _repack(bundle.read_bytes(), bundle.stem, app_uuid)
            engine_before = sum(stack.meter.seconds.values())
            calls_before = sum(stack.meter.calls.values())
            mark = probe.mark()
            started = time.perf_counter()
            s3.put_object(Bucket=bucket, Key=f"zipped/{app_uuid}.zip", Body=body)
            uploaded = time.perf_counter()
            while not (result := read(dynamodb, table, app_uuid)).final:
                if time.perf_counter() - started > 120:
                    break
                time.sleep(0.005)
            latency = time.perf_counter() - started
            stack.settle()
            spent = probe.since(mark, uploaded)
            engine = sum(stack.meter.seconds.values()) - engine_before
            rows.append({
                "round": round_number, "bundle": bundle.stem, "status": result.status,
                "latency_ms": _ms(latency), "engine_ms": _ms(engine), "overhead_ms": _ms(latency - engine),
                "handlers_own_ms": _ms(spent["handlers"] - engine - spent["aws"]),
                "handlers_aws_calls_ms": _ms(spent["aws"]), "runtime_gaps_ms": _ms(spent["gaps"]),
                "paid_calls": sum(stack.meter.calls.values()) - calls_before,
            })
    return rows


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _repack(body: bytes, old: str, new: str) -> bytes:
    """The same bundle under another app id (member names follow the id)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(body)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            name = new + member.filename[len(old):] if member.filename.startswith(old) else member.filename
            target.writestr(name, source.read(member))
    return out.getvalue()


def _durations(stack: LocalStack) -> dict[str, float]:
    """Median handler duration per function, from the REPORT lines the runtime wrote to CloudWatch Logs."""
    logs = stack.client("logs")
    medians = {}
    for spec in stack.functions.specs:
        events = logs.filter_log_events(logGroupName=f"/aws/lambda/{spec.name}").get("events", [])
        durations = [float(e["message"].split("Duration: ")[1].split(" ms")[0]) for e in events
                     if e["message"].startswith("REPORT ")]
        if durations:
            medians[spec.logical_id] = round(statistics.median(durations), 1)
    return medians


def _demo() -> dict:
    """`kyc demo` as a user runs it: process start to exit."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kyc_local.cli", "demo", "--workdir", str(PROJECT_ROOT / ".kyc")],
                          capture_output=True, text=True, cwd=PROJECT_ROOT, check=False)
    return {"wall_s": round(time.perf_counter() - started, 2), "exit_code": done.returncode,
            "output": done.stdout + done.stderr}


def _summary(figures: dict) -> dict:
    rows = figures["bundles"]
    warm = [row for row in rows if row["round"] > 1] or rows
    paid = [row for row in warm if row["paid_calls"]]
    summary = {
        "stack_start_s": figures["stack_start_s"],
        "engine_warm_up_s": figures["engine_warm_up_s"],
        "latency_ms_median": statistics.median(row["latency_ms"] for row in warm),
        "latency_ms_max": max(row["latency_ms"] for row in warm),
        "latency_ms_first_bundle_cold": rows[0]["latency_ms"],
        "engine_ms_median_checked_bundles": statistics.median(row["engine_ms"] for row in paid) if paid else 0,
        "overhead_ms_median": statistics.median(row["overhead_ms"] for row in warm),
        "overhead_ms_median_checked_bundles": statistics.median(row["overhead_ms"] for row in paid) if paid else 0,
        "of_which_handlers_own_ms_median": statistics.median(row["handlers_own_ms"] for row in warm),
        "of_which_handlers_aws_calls_ms_median": statistics.median(row["handlers_aws_calls_ms"] for row in warm),
        "of_which_runtime_gaps_ms_median": statistics.median(row["runtime_gaps_ms"] for row in warm),
        "function_duration_ms_median": figures["function_duration_ms"],
        "rss_ready_mb": figures["rss_ready_mb"],
        "rss_peak_mb": figures["rss_peak_mb"],
    }
    if "demo" in figures:
        summary["demo_wall_s"] = figures["demo"]["wall_s"]
        summary["demo_exit_code"] = figures["demo"]["exit_code"]
    return summary


def _memory(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _machine() -> dict:
    load = Path("/proc/loadavg").read_text().split()[:3]
    return {"cpus": len(os.sched_getaffinity(0)), "load_average": load, "python": sys.version.split()[0]}


if __name__ == "__main__":
    main()
