"""Throughput of the whole local stack with the real engines: N lab-size bundles uploaded at once.

    .venv/bin/python -m bench.throughput [--bundles 60] [--concurrency 4] [--workflow lambda] [--no-lab] [--png-licence]

The bundles (bench.workload: 1920×1080 licence photo, 900×1200 selfie, seven in ten in order) are generated before
the stack starts, then all uploaded in one burst (`kyc run`'s Runner with every bundle in flight); the clock runs
from the first upload to the last final status. Latency is each bundle's upload → final status (polled every
0.5 s). CPU use is the CPU time of the process (every thread: moto, handlers, endpoints) and of its engine worker
processes over wall time and cores; the CPU other processes of the machine took meanwhile is shown beside it.
Then, in the same process, the lab's way on the same bundles and ours with the engines only (bench.compare_lab).
Writes bench/results/throughput.json.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter

from bench import compare_lab, workload
from bench.report import cores, cpu_seconds, machine_busy_seconds, percentile, table, write
from kyc_local.results import Runner
from kyc_local.stack import PROJECT_ROOT, LocalStack, StackOptions
from kyc_local.workspace import Workspace

TARGET_PER_MIN = 120
POLL_SECONDS = 0.5
TIMEOUT_SECONDS = 600


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bundles", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent invocations per function")
    parser.add_argument("--workflow", choices=["lambda", "stepfunctions"], default="lambda")
    parser.add_argument("--no-lab", action="store_true", help="skip the comparison with the lab's way")
    parser.add_argument("--png-licence", action="store_true",
                        help="licence photos as 1920x1080 PNG, as the lab's own bundles send them (default JPEG)")
    args = parser.parse_args(argv)

    bundles = workload.bundles(args.bundles, shot_format="PNG" if args.png_licence else "JPEG")
    workspace = Workspace(PROJECT_ROOT / ".kyc" / "bench")
    with workspace.function_logs() as out:
        figures = {"bundles": args.bundles, "workflow": args.workflow, "concurrency": args.concurrency,
                   "licence_format": "PNG" if args.png_licence else "JPEG",
                   "stack": stack_run(bundles, StackOptions(workdir=workspace.folder, workflow=args.workflow,
                                                            concurrency=args.concurrency))}
        if not args.no_lab:
            figures["engines_only"] = compare_lab.ours(bundles)
            figures["lab"] = compare_lab.lab(bundles)
            figures["ratio_stack_to_lab"] = round(figures["stack"]["bundles_per_min"]
                                                  / figures["lab"]["bundles_per_min"], 2)
        path = write("throughput", figures)
        print(render(figures), file=out)
        print(f"wrote {path}", file=out)


def stack_run(bundles: list[workload.Bundle], options: StackOptions) -> dict:
    """Every bundle uploaded at once to a fresh stack; rate, latencies, CPU, outcomes and paid calls."""
    with LocalStack(options) as stack:
        stack.ready()
        runner = Runner(stack.client("s3"), stack.client("dynamodb"), stack.resource("DocumentBucket"),
                        stack.resource("CustomerMetadataTable"), timeout=TIMEOUT_SECONDS, parallel=len(bundles),
                        poll=POLL_SECONDS)
        cpu, busy, started = cpu_seconds(), machine_busy_seconds(), time.perf_counter()
        results = runner.run([bundle.path for bundle in bundles])
        wall = time.perf_counter() - started
        own, engines = (after - before for after, before in zip(cpu_seconds(), cpu, strict=True))
        others = machine_busy_seconds() - busy - own - engines
        stack.settle()
        calls = {op: stack.meter.count(op) for op in ("CompareFaces", "AnalyzeID")}
        engine = {target.rsplit(".", 1)[-1]: seconds for target, seconds in stack.meter.seconds.items()}
    latencies = [result.seconds for result in results if result.seconds is not None]
    expected = {bundle.app_uuid: bundle.kind.status for bundle in bundles}
    return {
        "bundles_per_min": round(len(bundles) / wall * 60, 1),
        "wall_s": round(wall, 2),
        "latency_p50_s": round(statistics.median(latencies), 2) if latencies else None,
        "latency_p95_s": round(percentile(latencies, 0.95), 2) if latencies else None,
        "cpu_use": round((own + engines) / wall / cores(), 3),
        "cpu_s_per_bundle": round((own + engines) / len(bundles), 3),
        "cpu_s_per_bundle_engine_workers": round(engines / len(bundles), 3),
        "cpu_s_per_bundle_stack_process": round(own / len(bundles), 3),
        "other_processes_cpu_use": round(max(others, 0.0) / wall / cores(), 3),
        "statuses": dict(Counter(str(result.status) for result in results)),
        "as_expected": sum(result.status == expected[result.app_uuid] for result in results),
        "unexpected": [{"app_uuid": r.app_uuid, "status": r.status, "reasons": r.reasons, "checks": r.checks}
                       for r in results if r.status != expected[r.app_uuid]],
        "paid_calls": calls,
        "engine_s_per_call": {op: round(engine.get(op, 0.0) / max(n, 1), 3) for op, n in calls.items()},
    }


def render(figures: dict) -> str:
    stack = figures["stack"]
    rows = [
        ["bundles/min (whole stack)", stack["bundles_per_min"], f">= {TARGET_PER_MIN}"],
        ["latency p50 upload→final (s)", stack["latency_p50_s"], ""],
        ["latency p95 upload→final (s)", stack["latency_p95_s"], ""],
        ["CPU use (CPU time / wall / cores)", stack["cpu_use"], ""],
        ["CPU s per bundle", stack["cpu_s_per_bundle"], ""],
        ["  of which engine workers", stack["cpu_s_per_bundle_engine_workers"], ""],
        ["  of which the stack's process", stack["cpu_s_per_bundle_stack_process"], ""],
        ["other processes' CPU use meanwhile", stack["other_processes_cpu_use"], "0 on a quiet machine"],
        ["outcomes as expected", f"{stack['as_expected']}/{figures['bundles']}", ""],
        ["paid calls CompareFaces / AnalyzeID",
         f"{stack['paid_calls']['CompareFaces']} / {stack['paid_calls']['AnalyzeID']}", ""],
        ["engine s per call CompareFaces / AnalyzeID",
         f"{stack['engine_s_per_call']['CompareFaces']} / {stack['engine_s_per_call']['AnalyzeID']}", ""],
    ]
    if "lab" in figures:
        rows += [
            ["bundles/min, ours engines only", figures["engines_only"]["bundles_per_min"], ""],
            ["bundles/min, the lab's way (engines only)", figures["lab"]["bundles_per_min"], ""],
            ["ratio whole stack / lab's way", figures["ratio_stack_to_lab"], ""],
        ]
    title = (f"throughput: {figures['bundles']} lab-size bundles ({figures['licence_format']} licence photos) at once, "
             f"workflow {figures['workflow']}, concurrency {figures['concurrency']}, {cores()} cores")
    return title + "\n" + table(["figure", "value", "target"], rows)


if __name__ == "__main__":
    main()
