"""`make bench`: every benchmark in turn, each printing its table and writing bench/results/<name>.json.

    .venv/bin/python -m bench [--quick]
"""

from __future__ import annotations

import subprocess
import sys

BENCHES = {
    "cold_start": ["--runs", "5"],
    "vision": ["--rounds", "10"],
    "pipeline": ["--workflow", "both", "--rounds", "3"],
    "burst": ["--bundles", "1000"],
    "throughput": ["--bundles", "60"],
    "paid_calls": ["--bundles", "10", "--workflow", "both"],
    "cost": ["--bundles", "10", "--workflow", "both"],
}
QUICK = {"cold_start": ["--runs", "2"], "vision": ["--rounds", "3"], "pipeline": ["--rounds", "1", "--no-demo"],
         "burst": ["--bundles", "50", "--faults", "0.2", "--deliveries", "3"],
         "throughput": ["--bundles", "20"], "paid_calls": ["--bundles", "3", "--workflow", "lambda"],
         "cost": ["--bundles", "4", "--workflow", "lambda"]}


def main() -> int:
    arguments = QUICK if "--quick" in sys.argv[1:] else BENCHES
    failed = []
    for name, args in arguments.items():
        print(f"\n== bench.{name} {' '.join(args)}", flush=True)
        if subprocess.run([sys.executable, "-m", f"bench.{name}", *args], check=False).returncode:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
