"""Cold start of each Lambda handler as it runs on AWS: the package `sam build` made (`make build`, .aws-sam/build),
in a fresh interpreter of the runtime's Python (3.12) that sees only the function's folder and the layer (no
site-packages) and, like Lambda's read-only file system, writes no bytecode. Measured: the handler module's import
(the init phase) and its dependencies' build on the first call (settings, the clients of the function's normal path,
and the young-generation garbage collections the build leaves pending); the engines are not part of it. SETUP is
what an application that passes costs; LAZY adds the clients made on first use on failure paths (a notifier's).

    make build && .venv/bin/python -m bench.cold_start [--runs 5]

Each function of template.yaml runs `--runs` times with a Lambda-like environment (function name, a trace header,
the stack's settings); the medians are reported against the 250 ms target. Writes bench/results/cold_start.json.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
from pathlib import Path

from kyc_local.template import load_template

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / ".aws-sam" / "build"
LAYER = BUILD / "SharedLayer" / "python"  # /opt/python on AWS
RESULTS = ROOT / "bench" / "results" / "cold_start.json"
TARGET_MS = 250
RUNTIME = "python3.12"

PROBE = """
import gc, importlib.util, json, sys, time
sys.path[:0] = [sys.argv[1], sys.argv[2]]  # /var/task, then /opt/python
start = time.perf_counter()
spec = importlib.util.spec_from_file_location("app", sys.argv[1] + "/app.py")
app = importlib.util.module_from_spec(spec)
spec.loader.exec_module(app)
imported = time.perf_counter()
from kyc import bootstrap
builder = sys.argv[3]
deps = getattr(bootstrap, builder)() if builder else None
gc.collect(1)  # the young collections the set-up leaves pending would fall on the first invocation: count them
ready = time.perf_counter()
for adapter in vars(deps).values() if hasattr(deps, "__dict__") else ():
    getattr(adapter, "_client", None)  # an adapter's client made on first use, as a failure path would
gc.collect(1)
every = time.perf_counter()
print(json.dumps({"import_ms": (imported - start) * 1000, "setup_ms": (ready - imported) * 1000,
                  "lazy_ms": (every - ready) * 1000}))
"""


def runtime_python() -> str:
    """The Lambda runtime's Python: a pyenv install, else on PATH (the Makefile's order for `sam build`)."""
    pyenv = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    found = next(iter(sorted(glob.glob(f"{pyenv}/versions/3.12*/bin/{RUNTIME}"))), None) or shutil.which(RUNTIME)
    if not found:
        raise SystemExit(f"the cold start runs on the Lambda runtime's Python: put {RUNTIME} on PATH")
    return found


def functions() -> dict[str, Path]:
    """Each AWS::Serverless::Function of the template → its built code folder (/var/task on AWS)."""
    resources = load_template(ROOT / "template.yaml")["Resources"]
    built = {name: BUILD / name for name, resource in resources.items()
             if resource["Type"] == "AWS::Serverless::Function"}
    missing = [name for name, folder in built.items() if not (folder / "app.py").is_file()] + \
        ([] if LAYER.is_dir() else ["SharedLayer"])
    if missing:
        raise SystemExit(f"not built: {', '.join(missing)}; run `make build` first")
    return built


def lambda_environment(function: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LAMBDA_TASK_ROOT": "/var/task",
        "AWS_LAMBDA_FUNCTION_NAME": function,
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
        "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "POWERTOOLS_SERVICE_NAME": "kyc-onboarding",
        "POWERTOOLS_METRICS_NAMESPACE": "KycOnboarding",
        "DOCUMENT_BUCKET": "documentbucket-123456789012",
        "CUSTOMER_TABLE": "CustomerMetadataTable",
        "NOTIFICATION_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:ApplicationNotifications",
        "LICENSE_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/LicenseQueue",
        "VALIDATOR_URL": "https://example.execute-api.us-east-1.amazonaws.com/license",
        "STATE_MACHINE_ARN": "arn:aws:states:us-east-1:123456789012:stateMachine:DocumentStateMachine",
    }


def measure(function: str, code: Path, runs: int, python: str) -> dict:
    builder = re.search(r"bootstrap\.(\w+)\(", (code / "app.py").read_text())
    samples = []
    for _ in range(runs):
        output = subprocess.run(
            [python, "-S", "-B", "-c", PROBE, str(code), str(LAYER), builder.group(1) if builder else ""],
            env=lambda_environment(function),
            cwd=code,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        samples.append(json.loads(output.strip().splitlines()[-1]))
    import_ms = statistics.median(s["import_ms"] for s in samples)
    setup_ms = statistics.median(s["setup_ms"] for s in samples)
    lazy_ms = statistics.median(s["lazy_ms"] for s in samples)
    return {"function": function, "import_ms": round(import_ms, 1), "setup_ms": round(setup_ms, 1),
            "total_ms": round(import_ms + setup_ms, 1), "lazy_ms": round(lazy_ms, 1), "target_ms": TARGET_MS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    python = runtime_python()
    rows = [measure(name, code, args.runs, python) for name, code in sorted(functions().items())]
    print(f"{'FUNCTION':42} {'IMPORT ms':>9} {'SETUP ms':>9} {'TOTAL ms':>9}  {'TARGET':10} {'+LAZY ms':>8}")
    for row in rows:
        verdict = "ok" if row["total_ms"] <= TARGET_MS else "over"
        print(f"{row['function']:42} {row['import_ms']:9.0f} {row['setup_ms']:9.0f} {row['total_ms']:9.0f}  "
              f"≤ {TARGET_MS} {verdict:4} {row['lazy_ms']:8.0f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"runs": args.runs, "functions": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
