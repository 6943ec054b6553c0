"""AWS cost per 1,000 applications, from what the local stack measures per application and public list prices.

    .venv/bin/python -m bench.cost [--bundles 10] [--workflow lambda|stepfunctions|both]

Measured (bench.workload bundles, one at a time through a fresh stack per workflow, each in a process of its own):
every function's invocations and durations (the REPORT lines in CloudWatch Logs) at its MemorySize from
template.yaml; the handlers' own AWS calls by operation (S3, DynamoDB, SQS, SNS); the paid calls; the application
item's size; the bundle's size; part 2's state transitions (the executions' StateEntered events). Priced with the
constants below; ASSUMPTIONS are printed beside the table. Writes bench/results/cost.json.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

from bench import workload
from bench.report import invocation_durations, table, write
from kyc_local.results import Runner
from kyc_local.stack import PROJECT_ROOT, LocalStack, StackOptions
from kyc_local.workspace import Workspace

# us-east-1 list prices (USD), first tier, no free tier, as listed on the services' pricing pages in 2025
# (not re-read for this run: the machine has no internet; check them before quoting a figure).
PRICES_AS_OF = "2025"
PRICES = {
    "lambda_gb_s": (0.0000166667, "https://aws.amazon.com/lambda/pricing/ (x86, per GB-second)"),
    "lambda_request": (0.20 / 1e6, "https://aws.amazon.com/lambda/pricing/ (per request)"),
    "compare_faces": (0.001, "https://aws.amazon.com/rekognition/pricing/ (Group 1 image API, first 1M images/month)"),
    "analyze_id_page": (0.025, "https://aws.amazon.com/textract/pricing/ (Analyze ID, first 100K pages/month)"),
    "s3_put": (0.005 / 1000, "https://aws.amazon.com/s3/pricing/ (Standard PUT, COPY, POST, LIST)"),
    "s3_get": (0.0004 / 1000, "https://aws.amazon.com/s3/pricing/ (Standard GET and other requests)"),
    "s3_gb_month": (0.023, "https://aws.amazon.com/s3/pricing/ (Standard, first 50 TB)"),
    "dynamodb_wru": (0.625 / 1e6, "https://aws.amazon.com/dynamodb/pricing/on-demand/ (write request unit)"),
    "dynamodb_rru": (0.125 / 1e6, "https://aws.amazon.com/dynamodb/pricing/on-demand/ (read request unit)"),
    "sqs_request": (0.40 / 1e6, "https://aws.amazon.com/sqs/pricing/ (standard queue, per 64 KB request)"),
    "sns_publish": (0.50 / 1e6, "https://aws.amazon.com/sns/pricing/ (publish)"),
    "sns_email": (2.00 / 100_000, "https://aws.amazon.com/sns/pricing/ (e-mail delivery)"),
    "http_api_request": (1.00 / 1e6, "https://aws.amazon.com/api-gateway/pricing/ (HTTP API, first 300M)"),
    "sfn_transition": (0.025 / 1000, "https://aws.amazon.com/step-functions/pricing/ (Standard workflow)"),
}
ASSUMPTIONS = (
    ("Durations are the local handlers' (one bundle at a time, warm); on AWS a handler waits for Rekognition and "
    "Textract instead of the local engines, so its GB-s scale with those services' latency."),
    "Every application reaches both checks (the workload's mix: 7 in 10 approved, 3 in 10 failing one check).",
    ("DynamoDB: each write costs ceil(item KB) WRU, each read ceil(item KB / 4) RRU (strongly consistent); "
    "storage and point-in-time recovery (≈ $0.45 per GB-month together) are left out: a few KB per application."),
    ("S3: the upload's PUT, the handlers' calls, and Rekognition's and Textract's reads of the images (3 GETs) are "
    "billed; the bundle and its extracted members are kept RetentionDays = 30 days (about one month)."),
    ("SQS: one licence message per SubmitLicenseLambdaFunction invocation (bundles go one at a time), sent, received "
     "and deleted once (3 requests); the event source mapping's idle polling (~$0.25 a month per queue) is left out."),
    "SNS: one e-mail subscriber per topic; S3 → EventBridge events (part 2) are free (AWS service events).",
    "Left out: free tiers, CloudWatch Logs and metrics, X-Ray traces, KMS requests, data transfer.",
)
SCRATCH = PROJECT_ROOT / ".kyc" / "bench" / "cost"
_WRITES = {"PutItem", "UpdateItem", "DeleteItem"}
_READS = {"GetItem", "Query", "Scan"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bundles", type=int, default=10)
    parser.add_argument("--workflow", choices=["lambda", "stepfunctions", "both"], default="both")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)  # one workflow, in this process
    args = parser.parse_args(argv)
    if args.measure:
        _scratch(args.workflow).write_text(json.dumps(measure(args.workflow, args.bundles), indent=2))
        return
    figures = {"prices_as_of": PRICES_AS_OF, "prices": PRICES, "assumptions": ASSUMPTIONS, "workflows": {}}
    for workflow in ["lambda", "stepfunctions"] if args.workflow == "both" else [args.workflow]:
        command = [sys.executable, "-m", "bench.cost", "--measure", "--workflow", workflow,
                   "--bundles", str(args.bundles)]
        subprocess.run(command, cwd=PROJECT_ROOT, check=True)
        usage = json.loads(_scratch(workflow).read_text())
        figures["workflows"][workflow] = {"usage_per_application": usage, "per_1000": price(usage)}
    path = write("cost", figures)
    print(render(figures))
    print(f"wrote {path}")


def price(usage: dict) -> list[dict]:
    """Line items per 1,000 applications: what, quantity, unit price, cost."""
    n = 1000
    item_kb = math.ceil(usage["item_bytes"] / 1024)
    calls = Counter(usage["aws_calls"])
    submissions = usage["functions"].get("SubmitLicenseLambdaFunction", {}).get("invocations", 0)  # a message each
    lines = []
    for function, measured in usage["functions"].items():
        gb_s = measured["invocations"] * measured["mean_billed_ms"] / 1000 * measured["memory_mb"] / 1024
        lines.append((f"Lambda GB-s {function} ({measured['memory_mb']} MB, {measured['mean_billed_ms']:.0f} ms)",
                      gb_s * n, "lambda_gb_s"))
    lines += [
        ("Lambda requests", sum(f["invocations"] for f in usage["functions"].values()) * n, "lambda_request"),
        ("Rekognition CompareFaces", usage["paid_calls"]["CompareFaces"] * n, "compare_faces"),
        ("Textract AnalyzeID pages", usage["analyze_id_pages"] * n, "analyze_id_page"),
        ("S3 PUT/COPY/LIST", (1 + sum(calls[c] for c in ("s3.PutObject", "s3.CopyObject", "s3.ListObjectsV2")))
         * n, "s3_put"),
        ("S3 GET/HEAD (+3 service reads)", (3 + calls["s3.GetObject"] + calls["s3.HeadObject"]) * n, "s3_get"),
        ("S3 storage, GB-month", usage["stored_bytes"] / 1e9 * n, "s3_gb_month"),
        ("DynamoDB write request units", sum(v for k, v in calls.items() if _op(k, "dynamodb", _WRITES)) * item_kb * n,
         "dynamodb_wru"),
        ("DynamoDB read request units", sum(v for k, v in calls.items() if _op(k, "dynamodb", _READS))
         * math.ceil(item_kb / 4) * n, "dynamodb_rru"),
        ("SQS requests (send, receive, delete)", 3 * submissions * n, "sqs_request"),
        ("SNS publishes", calls["sns.Publish"] * n, "sns_publish"),
        ("SNS e-mails", calls["sns.Publish"] * n, "sns_email"),
        ("HTTP API requests (validator)", usage["functions"].get("ValidateLicenseLambdaFunction", {})
         .get("invocations", 0) * n, "http_api_request"),
    ]
    if usage.get("state_transitions"):
        lines.append(("Step Functions state transitions", usage["state_transitions"] * n, "sfn_transition"))
    return [{"item": item, "quantity": round(quantity, 3), "unit_price": PRICES[key][0],
             "cost_usd": round(quantity * PRICES[key][0], 4)} for item, quantity, key in lines]


def render(figures: dict) -> str:
    parts = []
    for workflow, measured in figures["workflows"].items():
        lines = measured["per_1000"]
        rows = [[line["item"], line["quantity"], f"{line['unit_price']:.8g}", line["cost_usd"]] for line in lines]
        rows.append(["TOTAL per 1,000 applications", "", "", round(sum(line["cost_usd"] for line in lines), 2)])
        parts.append(f"AWS cost per 1,000 applications, workflow {workflow} (us-east-1 list prices, "
                     f"{figures['prices_as_of']})\n" + table(["item", "quantity", "unit USD", "USD"], rows))
    parts.append("assumptions:\n" + "\n".join(f"- {text}" for text in figures["assumptions"]))
    return "\n\n".join(parts)


def measure(workflow: str, count: int) -> dict:
    """Usage per application: bundles one at a time through a fresh stack."""
    bundles = workload.bundles(count)
    workspace = Workspace(PROJECT_ROOT / ".kyc" / "bench")
    with workspace.function_logs(), LocalStack(StackOptions(workdir=workspace.folder, workflow=workflow)) as stack:
        calls = _count_handler_calls(stack)
        stack.ready()
        table_name = stack.resource("CustomerMetadataTable")
        runner = Runner(stack.client("s3"), stack.client("dynamodb"), stack.resource("DocumentBucket"), table_name,
                        timeout=120, parallel=1)
        runner.run([bundles[0].path])  # the cold start is not an application's cost
        stack.settle(60)
        calls.clear()
        before = invocation_durations(stack)
        runner.run([bundle.path for bundle in bundles[1:]])
        stack.settle(60)
        apps = len(bundles) - 1
        reports = {name: durations[len(before.get(name, [])):]
                   for name, durations in invocation_durations(stack).items()}
        memory = {spec.logical_id: spec.memory for spec in stack.functions.specs}
        items = [stack.client("dynamodb").get_item(TableName=table_name, Key={"APP_UUID": {"S": b.app_uuid}})["Item"]
                 for b in bundles[1:]]
        paid = {op: stack.meter.count(op) for op in ("CompareFaces", "AnalyzeID")}
        transitions = _transitions(stack)
    stored = statistics.mean(b.path.stat().st_size for b in bundles[1:]) * 2  # the zip and its members
    return {
        "applications": apps,
        "functions": {name: {"invocations": len(durations) / apps, "memory_mb": memory[name],
                             "mean_billed_ms": statistics.mean(math.ceil(ms) for ms in durations)}
                      for name, durations in reports.items() if durations},
        "aws_calls": {call: n / apps for call, n in sorted(calls.items())},
        "paid_calls": {op: (n - 1) / apps for op, n in paid.items()},  # less the cold-start bundle's
        "analyze_id_pages": (paid["AnalyzeID"] - 1) / apps,  # the workload's bundles have one page (the front)
        "item_bytes": statistics.mean(_item_size(item) for item in items),
        "stored_bytes": stored,
        "state_transitions": transitions / len(bundles) if transitions else 0,
    }


def _count_handler_calls(stack: LocalStack) -> Counter[str]:
    """The handlers' AWS calls by service and operation, counted by a hook on the session their clients come from."""
    calls: Counter[str] = Counter()
    lock = threading.Lock()

    def before_call(model, **_: object) -> None:
        with lock:
            calls[f"{model.service_model.service_name}.{model.name}"] += 1

    stack.handler_session().register("before-call", before_call)
    return calls


def _transitions(stack: LocalStack) -> int:
    """State transitions of every execution (StateEntered events), 0 without a state machine."""
    sfn, total = stack.client("stepfunctions"), 0
    for machine in stack.deployment.state_machines:
        for execution in sfn.list_executions(stateMachineArn=machine)["executions"]:
            history = sfn.get_execution_history(executionArn=execution["executionArn"], maxResults=1000)["events"]
            total += sum(1 for event in history if event["type"].endswith("StateEntered"))
    return total


def _item_size(item: dict) -> int:
    """DynamoDB's item size, roughly: attribute names plus values as text."""
    return sum(len(name) + len(json.dumps(value)) for name, value in item.items())


def _op(call: str, service: str, names: set[str]) -> bool:
    prefix, _, operation = call.partition(".")
    return prefix == service and operation in names


def _scratch(workflow: str) -> Path:
    SCRATCH.mkdir(parents=True, exist_ok=True)
    return SCRATCH / f"{workflow}.json"


if __name__ == "__main__":
    main()
