"""A burst through the whole local stack: N bundles uploaded at once, optionally with injected faults and duplicate
deliveries. Reports what a bank would ask after a bad day: lost bundles, final statuses, paid calls and notifications
per application, dead letters, time and peak memory.

    .venv/bin/python -m bench.burst [--bundles 1000] [--faults 0.2] [--deliveries 3] [--workflow lambda]

The bundles are the UnitTests samples repacked under fresh app ids (their outcomes are known), so nothing is
generated at run time. A bundle is lost when it has no final status by the deadline. Writes bench/results/burst.json.
"""

from __future__ import annotations

import argparse
import email
import json
import time
from collections import Counter

from bench.report import peak_rss_mb
from kyc_local.results import read_many
from kyc_local.samples.bundles import repack
from kyc_local.stack import PROJECT_ROOT, LocalStack, StackOptions
from kyc_local.workspace import Workspace

SAMPLES = PROJECT_ROOT / "UnitTests"
RESULTS = PROJECT_ROOT / "bench" / "results" / "burst.json"
DEAD_LETTER_QUEUES = ("LicenseDeadLetterQueue", "DocumentDeadLetterQueue")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundles", type=int, default=1000)
    parser.add_argument("--faults", type=float, default=0.0)
    parser.add_argument("--deliveries", type=int, default=1)
    parser.add_argument("--workflow", choices=["lambda", "stepfunctions"], default="lambda")
    parser.add_argument("--deadline", type=float, default=3600.0, help="seconds for the whole burst")
    parser.add_argument("--retry-wait", type=float, default=45.0,
                        help="seconds before a failed event is retried (× attempt); AWS waits about 60 and 120 s, and "
                             "a retry must come after a crashed invocation's 90 s lease has run out")
    args = parser.parse_args()

    samples = {sample.stem: sample.read_bytes() for sample in sorted(SAMPLES.glob("*.zip"))}
    names = list(samples)
    bundles = {f"b{index:05d}{names[index % len(names)]}": names[index % len(names)] for index in range(args.bundles)}

    workspace = Workspace(PROJECT_ROOT / ".kyc" / "bench-burst")
    options = StackOptions(workdir=workspace.folder, workflow=args.workflow, faults=args.faults,
                           deliveries=args.deliveries, retry_wait=args.retry_wait)
    with workspace.function_logs(), LocalStack(options) as stack:
        stack.ready()
        s3, dynamodb = stack.client("s3"), stack.client("dynamodb")
        bucket, table = stack.deployment.physical["DocumentBucket"], stack.deployment.physical["CustomerMetadataTable"]
        started = time.monotonic()
        for app_uuid, sample in bundles.items():  # repacked one at a time: the bench holds no burst in memory
            s3.put_object(Bucket=bucket, Key=f"zipped/{app_uuid}.zip", Body=repack(samples[sample], sample, app_uuid))
        uploaded = time.monotonic() - started
        results = {}
        while len(results) < len(bundles) and time.monotonic() - started < args.deadline:
            time.sleep(1.0)
            pending = [app_uuid for app_uuid in bundles if app_uuid not in results]
            for start in range(0, len(pending), 100):
                for app_uuid, result in read_many(dynamodb, table, pending[start:start + 100]).items():
                    if result.final:
                        results[app_uuid] = result
        elapsed = time.monotonic() - started
        stack.settle(60.0)
        sqs = stack.client("sqs")
        dead = {name: int(sqs.get_queue_attributes(
            QueueUrl=stack.deployment.physical[name],  # a queue's physical id is its URL, as CloudFormation's Ref
            AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"])
            for name in DEAD_LETTER_QUEUES if name in stack.deployment.physical}
        paid = stack.meter.applications() if stack.meter else {}
        notes = Counter()
        for path in stack.outbox.files:
            message = email.message_from_bytes(path.read_bytes())
            notes[(message["X-SNS-Attribute-app_uuid"], message["X-SNS-Attribute-check"])] += 1
        injected = sum(stack.faults.injected.values()) if stack.faults else 0
        peaks = peak_rss_mb()  # before the stack stops its engine workers

    figures = {
        "bundles": len(bundles), "workflow": args.workflow, "faults": args.faults, "deliveries": args.deliveries,
        "lost": len(bundles) - len(results),
        "statuses": dict(Counter(result.status for result in results.values())),
        "service_errors": sum("SERVICE_ERROR" in result.reasons for result in results.values()),
        "faults_injected": injected,
        "max_paid_calls_per_application": max((max(calls.values()) for calls in paid.values()), default=0),
        "max_notifications_per_check": max(notes.values(), default=0),
        "dead_letters": dead,
        "upload_s": round(uploaded, 1), "all_final_s": round(elapsed, 1),
        "bundles_per_minute": round(len(results) / elapsed * 60, 1) if elapsed else 0.0,
        "peak_rss_mb_stack": peaks.pop("this process"),
        "peak_rss_mb_engine_workers": sorted(peaks.values()),
    }
    for name, value in figures.items():
        print(f"{name:34} {value}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
