"""Figures of the embedded default: stack start, per-bundle latency upload → final status, engine time, pipeline
overhead (everything but the engines), memory, and the whole `kyc demo`; for part 1, part 2 or both compared.

    .venv/bin/python -m bench.pipeline [--workflow lambda|stepfunctions|both] [--rounds 3] [--no-demo]

Bundles go one at a time (the next after the previous settled), so a latency is one bundle's own; it ends when the
handlers' write that makes the status final returns (the probe sees it; the bench does not poll: polling through the
same moto server and interpreter lock slowed the handlers' own calls 2-3 times). Each round re-packs the UnitTests
bundles under fresh app ids (a re-upload of the same id is a duplicate and does no work). Round 1 pays the cold
starts; the medians are over the later rounds. Engine time is the engines' own (the meter's upstream time, summed);
the overhead is latency − the engines' wall time (the union of the paid calls' intervals: both workflows run
CompareFaces and AnalyzeID at once, so their sum can exceed the latency). The overhead's parts: the handlers' own
work (durations − the engines' wall time − the AWS calls'), the wall time their AWS calls to moto add to the
engines', and the runtime's gaps: the time between upload and final status when none of the bundle's handlers runs
(event dispatch, SQS pick-up, for part 2 also EventBridge and moto's Step Functions interpreter between tasks).
Handler time counts every invocation (part 2's Parallel branches overlap, e-mails may come after the final status),
so the parts may add up to more than the overhead. Writes bench/results/pipeline.json (part 1),
pipeline_stepfunctions.json (part 2) and, with `--workflow both`, pipeline_workflows.json: the two side by side.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.report import invocation_durations
from kyc_local.invocation_log import InvocationLog
from kyc_local.results import FINAL, read
from kyc_local.samples.bundles import repack
from kyc_local.stack import PROJECT_ROOT, LocalStack, StackOptions
from kyc_local.workspace import Workspace

SAMPLES = PROJECT_ROOT / "UnitTests"
RESULTS = PROJECT_ROOT / "bench" / "results"
RESULT_FILES = {"lambda": "pipeline.json", "stepfunctions": "pipeline_stepfunctions.json"}
PAID = ("rekognition.", "textract.")  # the engines' calls, timed as engine time


class _Probe:
    """Instrumentation for the bench only: handler invocations (as the runtime reports them) and the handlers' time in
    AWS calls (botocore events on the session the handlers' clients come from, kyc.adapters.aws: it sees the calls of
    the handlers and of the threads they start, and no other)."""

    def __init__(self) -> None:
        self.durations: list[tuple[str, float, float]] = []  # (function logical id, seconds, perf_counter at the end)
        self.aws: list[tuple[str, float, float]] = []  # (service.operation, seconds, perf_counter at the end)
        self._started: dict[tuple[int, str], float] = {}
        self._settling: dict[int, bool] = {}  # by thread: whether its item write in flight sets a final status
        self._settled = threading.Condition()
        self.settled: list[float] = []  # perf_counter after each of the handlers' writes of a final status
        record = InvocationLog.record

        def recorded(log: InvocationLog, spec, stream, request_id, duration, cold, error) -> None:
            self.durations.append((spec.logical_id, duration, time.perf_counter()))
            record(log, spec, stream, request_id, duration, cold, error)

        InvocationLog.record = recorded

    def watch(self, stack: LocalStack) -> None:
        """Time the handlers' AWS calls from now on (clients made before are not seen: call it before any runs)."""
        session = stack.handler_session()
        session.register("before-parameter-build.dynamodb", self._parameters)
        session.register("before-call", self._before)
        session.register("after-call", self._after)

    def _parameters(self, params, **_: object) -> None:
        names = params.get("ExpressionAttributeNames", {})
        values = params.get("ExpressionAttributeValues", {})
        statuses = [values.get(":" + name[1:], {}).get("S") for name, field in names.items()
                    if field == "APPLICATION_STATUS" and name.startswith("#s")]  # set, not compared
        statuses.append(params.get("Item", {}).get("APPLICATION_STATUS", {}).get("S"))  # a claim of a refused bundle
        self._settling[threading.get_ident()] = any(status in FINAL for status in statuses)

    def _before(self, model, **_: object) -> None:
        self._started[(threading.get_ident(), model.name)] = time.perf_counter()

    def _after(self, model, http_response, **_: object) -> None:
        started = self._started.pop((threading.get_ident(), model.name), None)
        if started is not None:
            now = time.perf_counter()
            self.aws.append((f"{model.service_model.service_name}.{model.name}", now - started, now))
            if self._settling.pop(threading.get_ident(), False) and http_response.status_code == 200:
                with self._settled:
                    self.settled.append(now)
                    self._settled.notify_all()

    def wait_settled(self, seen: int, timeout: float) -> float | None:
        """When the handlers next wrote a final status (after the `seen` ones before), or None after `timeout` s."""
        with self._settled:
            if self._settled.wait_for(lambda: len(self.settled) > seen, timeout):
                return self.settled[seen]
        return None

    def mark(self) -> tuple[int, int]:
        return len(self.durations), len(self.aws)

    def since(self, mark: tuple[int, int], uploaded: float, finished: float) -> dict[str, float]:
        """Seconds since `mark`: in the handlers (the validator runs inside the submitter's call), the paid calls'
        wall time, the wall time the other AWS calls add to it (calls made at once, or during a paid call, count
        once or not at all), and between `uploaded` and `finished` with none of the handlers running."""
        invocations = self.durations[mark[0]:]
        calls = self.aws[mark[1]:]
        paid = [(end - seconds, end) for call, seconds, end in calls if call.startswith(PAID)]
        every_call = [(end - seconds, end) for _, seconds, end in calls]
        by_operation: dict[str, float] = {}
        for call, seconds, _ in calls:
            if not call.startswith(PAID):
                by_operation[call] = by_operation.get(call, 0.0) + seconds
        return {
            "handlers": sum(s for function, s, _ in invocations if function != "ValidateLicenseLambdaFunction"),
            "aws": _covered(every_call, uploaded, math.inf) - _covered(paid, uploaded, math.inf),
            "aws_by_operation": by_operation,
            "aws_count": sum(not call.startswith(PAID) for call, _, _ in calls),
            "engine_wall": _covered(paid, uploaded, finished),
            "gaps": finished - uploaded - _covered([(end - s, end) for _, s, end in invocations], uploaded, finished),
        }


def _covered(intervals: list[tuple[float, float]], low: float, high: float) -> float:
    """The length of the union of the intervals, within [low, high]."""
    covered, reached = 0.0, low
    for start, end in sorted(intervals):
        end = min(end, high)
        if end > reached:
            covered += end - max(start, reached)
            reached = end
    return covered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workflow", choices=["lambda", "stepfunctions", "both"], default="lambda")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-demo", action="store_true", help="skip timing `kyc demo` as a user runs it")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.workflow == "both":
        _both(args.rounds, args.no_demo)
        return
    workspace = Workspace(PROJECT_ROOT / ".kyc" / "bench")
    probe = _Probe()
    with workspace.function_logs() as out:
        figures = _figures(workspace, args.workflow, args.rounds, probe, not args.no_demo)
        result = RESULTS / RESULT_FILES[args.workflow]
        result.write_text(json.dumps(figures, indent=2))
        print(json.dumps(figures["summary"], indent=2), file=out)
        print(f"details: {result}", file=out)


def _both(rounds: int, no_demo: bool) -> None:
    """Each workflow in a process of its own (one stack per process: the handlers keep their clients)."""
    measured = {}
    for workflow, result in RESULT_FILES.items():
        command = [sys.executable, "-m", "bench.pipeline", "--workflow", workflow, "--rounds", str(rounds)]
        subprocess.run(command + ["--no-demo"] * no_demo, cwd=PROJECT_ROOT, check=True)
        measured[workflow] = json.loads((RESULTS / result).read_text())
    comparison = _compare(measured["lambda"], measured["stepfunctions"])
    (RESULTS / "pipeline_workflows.json").write_text(json.dumps(comparison, indent=2))
    print(_render(comparison))
    print(f"details: {RESULTS / 'pipeline_workflows.json'}")


def _figures(workspace: Workspace, workflow: str, rounds: int, probe: _Probe, demo: bool) -> dict:
    figures: dict = {"workflow": workflow, "machine": _machine()}
    stack = LocalStack(StackOptions(workdir=workspace.folder, workflow=workflow))
    stack.start()
    probe.watch(stack)
    try:
        warm_started = time.perf_counter()
        stack.ready()
        figures["stack_start_s"] = round(stack.started_in, 3)
        figures["engine_warm_up_s"] = round(time.perf_counter() - warm_started, 3)
        figures["rss_ready_mb"] = _memory("VmRSS")
        figures["bundles"] = _bundles(stack, rounds, probe)
        figures["function_duration_ms"] = {function: round(statistics.median(durations), 1)
                                           for function, durations in invocation_durations(stack).items() if durations}
        figures["rss_peak_mb"] = _memory("VmHWM")
    finally:
        stack.stop()
    if demo:
        figures["demo"] = _demo(workflow)
    figures["summary"] = _summary(figures)
    return figures


def _bundles(stack: LocalStack, rounds: int, probe: _Probe) -> list[dict]:
    s3, dynamodb = stack.client("s3"), stack.client("dynamodb")
    bucket, table = stack.resource("DocumentBucket"), stack.resource("CustomerMetadataTable")
    rows = []
    for round_number in range(1, rounds + 1):
        for bundle in sorted(SAMPLES.glob("*.zip")):
            app_uuid = f"{bundle.stem}-r{round_number}"
            body = repack(bundle.read_bytes(), bundle.stem, app_uuid)
            engine_before = sum(stack.meter.seconds.values())
            calls_before = sum(stack.meter.calls.values())
            mark, settled_before = probe.mark(), len(probe.settled)
            started = time.perf_counter()
            s3.put_object(Bucket=bucket, Key=f"zipped/{app_uuid}.zip", Body=body)
            uploaded = time.perf_counter()
            finished = probe.wait_settled(settled_before, timeout=120) or time.perf_counter()
            result = read(dynamodb, table, app_uuid)
            latency = finished - started
            stack.settle()
            spent = probe.since(mark, uploaded, finished)
            engine = sum(stack.meter.seconds.values()) - engine_before
            rows.append({
                "round": round_number, "bundle": bundle.stem, "status": result.status,
                "latency_ms": _ms(latency), "engine_ms": _ms(engine), "engine_wall_ms": _ms(spent["engine_wall"]),
                "overhead_ms": _ms(latency - spent["engine_wall"]),
                "handlers_own_ms": _ms(spent["handlers"] - spent["engine_wall"] - spent["aws"]),
                "handlers_aws_calls_ms": _ms(spent["aws"]), "runtime_gaps_ms": _ms(spent["gaps"]),
                "handlers_aws_calls": spent["aws_count"],
                "handlers_aws_calls_ms_by_operation":
                    {op: _ms(seconds) for op, seconds in sorted(spent["aws_by_operation"].items())},
                "paid_calls": sum(stack.meter.calls.values()) - calls_before,
            })
    return rows


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _demo(workflow: str) -> dict:
    """`kyc demo` as a user runs it: process start to exit."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "kyc_local.cli", "demo", "--workflow", workflow,
               "--workdir", str(PROJECT_ROOT / ".kyc")]
    done = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT_ROOT, check=False)
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
        "engine_wall_ms_median_checked_bundles":
            statistics.median(row["engine_wall_ms"] for row in paid) if paid else 0,
        "overhead_ms_median": statistics.median(row["overhead_ms"] for row in warm),
        "overhead_ms_median_checked_bundles": statistics.median(row["overhead_ms"] for row in paid) if paid else 0,
        "of_which_handlers_own_ms_median": statistics.median(row["handlers_own_ms"] for row in warm),
        "of_which_handlers_aws_calls_ms_median": statistics.median(row["handlers_aws_calls_ms"] for row in warm),
        "of_which_runtime_gaps_ms_median": statistics.median(row["runtime_gaps_ms"] for row in warm),
        "handlers_aws_calls_median": statistics.median(row["handlers_aws_calls"] for row in warm),
        "handlers_aws_calls_ms_by_operation_median": {
            op: statistics.median(row["handlers_aws_calls_ms_by_operation"].get(op, 0.0) for row in warm)
            for op in sorted({op for row in warm for op in row["handlers_aws_calls_ms_by_operation"]})},
        "function_duration_ms_median": figures["function_duration_ms"],
        "rss_ready_mb": figures["rss_ready_mb"],
        "rss_peak_mb": figures["rss_peak_mb"],
    }
    if "demo" in figures:
        summary["demo_wall_s"] = figures["demo"]["wall_s"]
        summary["demo_exit_code"] = figures["demo"]["exit_code"]
    return summary


def _compare(part1: dict, part2: dict) -> dict:
    """Per bundle: the outcome and the median warm latency, overhead and gaps of each workflow."""
    rows = []
    for bundle in sorted({row["bundle"] for row in part1["bundles"]}):
        row: dict = {"bundle": bundle}
        for name, figures in (("lambda", part1), ("stepfunctions", part2)):
            mine = [r for r in figures["bundles"] if r["bundle"] == bundle]
            warm = [r for r in mine if r["round"] > 1] or mine
            row[name] = {
                "statuses": sorted({str(r["status"]) for r in mine}),
                **{key: statistics.median(r[key] for r in warm)
                   for key in ("latency_ms", "engine_wall_ms", "overhead_ms", "runtime_gaps_ms")},
            }
        row["latency_difference_ms"] = round(row["stepfunctions"]["latency_ms"] - row["lambda"]["latency_ms"], 1)
        rows.append(row)
    keys = ("stack_start_s", "latency_ms_median", "overhead_ms_median", "of_which_runtime_gaps_ms_median",
            "rss_peak_mb", "demo_wall_s")
    totals = {key: {"lambda": part1["summary"].get(key), "stepfunctions": part2["summary"].get(key)} for key in keys}
    return {"machine": part1["machine"], "bundles": rows, "summary": totals}


def _render(comparison: dict) -> str:
    """Milliseconds, medians of the warm rounds: part 1 | part 2 for each figure."""
    headers = ["BUNDLE", "STATUS", "LATENCY", "DIFF", "ENGINES", "OVERHEAD", "OF WHICH GAPS"]
    lines = [headers, ["", "", "lambda | sfn", "", "lambda | sfn", "lambda | sfn", "lambda | sfn"]]
    for row in comparison["bundles"]:
        part1, part2 = row["lambda"], row["stepfunctions"]
        same = part1["statuses"] == part2["statuses"]
        status = "/".join(part1["statuses"]) if same else f"{part1['statuses']} ≠ {part2['statuses']}"
        pairs = [f"{part1[key]:.0f} | {part2[key]:.0f}"
                 for key in ("latency_ms", "engine_wall_ms", "overhead_ms", "runtime_gaps_ms")]
        lines.append([row["bundle"], status, pairs[0], f"{row['latency_difference_ms']:+.0f}", *pairs[1:]])
    widths = [max(len(line[i]) for line in lines) for i in range(len(headers))]
    text = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in lines]
    text += [f"{key}: lambda {value['lambda']}, stepfunctions {value['stepfunctions']}"
             for key, value in comparison["summary"].items()]
    return "\n".join(text)


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
