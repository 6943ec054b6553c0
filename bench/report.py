"""What every benchmark does with its figures: a plain-text table on screen, JSON in bench/results/."""

from __future__ import annotations

import json
import math
import os
import platform
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kyc_local.stack import LocalStack

RESULTS = Path(__file__).resolve().parent / "results"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns padded to their widest cell; numbers right-aligned."""
    cells = [[str(cell) for cell in headers], *[[_cell(cell) for cell in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(isinstance(row[i], int | float) for row in rows) for i in range(len(headers))]
    lines = []
    for row in cells:
        padded = [cell.rjust(width) if right else cell.ljust(width) for cell, width, right in zip(row, widths, numeric)]
        lines.append("  ".join(padded).rstrip())
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def write(name: str, figures: dict[str, Any]) -> Path:
    """bench/results/<name>.json with the machine the figures were measured on."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({**figures, "machine": machine()}, indent=2) + "\n")
    return path


def machine() -> dict[str, Any]:
    return {"cpus": cores(), "python": platform.python_version(), "load_average": [round(x, 2) for x in os.getloadavg()],
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def cores() -> int:
    return len(os.sched_getaffinity(0))


def cpu_seconds() -> tuple[float, float]:
    """User + system CPU time so far: (this process, every thread; its children, running — the engine workers, read
    from /proc — or ended)."""
    times = os.times()
    tick = os.sysconf("SC_CLK_TCK")
    running = sum((int(fields[11]) + int(fields[12])) / tick for _, fields in _children())  # utime, stime
    return times.user + times.system, times.children_user + times.children_system + running


def peak_rss_mb() -> dict[str, float]:
    """The highest resident memory so far (VmHWM) of this process and of its running children (the engine workers)."""
    peaks = {"this process": _peak_rss_mb(Path("/proc/self/status"))}
    for folder, _ in _children():
        try:
            peaks[f"child {folder.name}"] = _peak_rss_mb(folder / "status")
        except OSError:  # ended meanwhile
            continue
    return peaks


def invocation_durations(stack: LocalStack) -> dict[str, list[float]]:
    """Each function's invocation durations (ms), oldest first, from the REPORT lines the local runtime writes to
    CloudWatch Logs (one per invocation)."""
    logs = stack.client("logs").get_paginator("filter_log_events")
    found = {}
    for spec in stack.functions.specs:
        events = [event for page in logs.paginate(logGroupName=f"/aws/lambda/{spec.name}", filterPattern="REPORT")
                  for event in page["events"] if event["message"].startswith("REPORT ")]
        events.sort(key=lambda event: event["timestamp"])
        found[spec.logical_id] = [float(e["message"].split("Duration: ")[1].split(" ms")[0]) for e in events]
    return found


def _children() -> list[tuple[Path, list[str]]]:
    """This process's running children: (/proc folder, the fields of its stat after the name: state, ppid, …)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == os.getpid():
            found.append((stat.parent, fields))
    return found


def _peak_rss_mb(status: Path) -> float:
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def machine_busy_seconds() -> float:
    """CPU time every process of the machine has used so far (all cores, from /proc/stat)."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share 0–1) of a non-empty sequence."""
    ordered = sorted(values)
    return ordered[min(max(1, math.ceil(share * len(ordered))), len(ordered)) - 1]


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return str(value)
