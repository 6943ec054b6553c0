"""What the Lambda service writes to CloudWatch Logs for each invocation: START, END and REPORT (and the error).

Written to moto's CloudWatch Logs, so `aws logs tail /aws/lambda/<function>` shows invocations as on AWS and another
process can count them. As on AWS, the lines arrive a moment after the invocation: they are written in batches, once
no invocation has ended for `quiet` seconds (at most `longest` seconds after the oldest unwritten one), so that the
writes do not take turns with the handlers' own calls to moto. The handlers' own output goes to the runtime's log file.
"""

from __future__ import annotations

import json
import logging
import math
import queue
import threading
import time
from typing import Any

from kyc_local.lambdas import FunctionSpec

logger = logging.getLogger(__name__)

Entry = tuple[str, str, list[dict[str, Any]]]  # log group, log stream, events


class InvocationLog:
    def __init__(self, logs_client: Any, quiet: float = 0.05, longest: float = 1.0):
        self._logs = logs_client
        self._quiet, self._longest = quiet, longest
        self._queue: queue.Queue[Entry | None] = queue.Queue()
        self._streams: set[tuple[str, str]] = set()
        self._thread = threading.Thread(target=self._run, name="invocation-log", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Write what is queued, then stop."""
        self._queue.put(None)
        self._thread.join()

    def drained(self) -> bool:
        """Whether every invocation recorded so far is written."""
        return self._queue.unfinished_tasks == 0

    def record(self, spec: FunctionSpec, stream: str, request_id: str, duration: float, cold: float | None,
               error: dict[str, Any] | None) -> None:
        """One invocation: `duration` and `cold` (the handler's import, when this one paid for it) in seconds."""
        milliseconds = duration * 1000
        report = (f"REPORT RequestId: {request_id}\tDuration: {milliseconds:.2f} ms\t"
                  f"Billed Duration: {math.ceil(milliseconds)} ms\tMemory Size: {spec.memory} MB")
        if cold is not None:
            report += f"\tInit Duration: {cold * 1000:.2f} ms"
        lines = [f"START RequestId: {request_id} Version: $LATEST"]
        if error is not None:
            lines.append(json.dumps(error))
        lines += [f"END RequestId: {request_id}", report]
        now = int(time.time() * 1000)
        self._queue.put((f"/aws/lambda/{spec.name}", stream, [{"timestamp": now, "message": line} for line in lines]))

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch, stopping = self._next_batch()
            self._write(batch)
            for _ in range(len(batch) + int(stopping)):  # the stop sentinel counts as a task too
                self._queue.task_done()

    def _next_batch(self) -> tuple[list[Entry], bool]:
        """The entries recorded until none comes for a quiet spell (or the longest wait after the first one), and
        whether the log was told to stop."""
        batch: list[Entry] = []
        deadline: float | None = None
        while True:
            timeout = None if deadline is None else max(0.0, min(self._quiet, deadline - time.monotonic()))
            try:
                entry = self._queue.get(timeout=timeout)
            except queue.Empty:
                return batch, False
            if entry is None:
                return batch, True
            batch.append(entry)
            if deadline is None:
                deadline = time.monotonic() + self._longest

    def _write(self, batch: list[Entry]) -> None:
        by_stream: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for group, stream, events in batch:
            by_stream.setdefault((group, stream), []).extend(events)
        for (group, stream), events in by_stream.items():
            events.sort(key=lambda event: event["timestamp"])  # two invocations of a sandbox may end out of order
            try:
                self._ensure_stream(group, stream)
                self._logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
            except Exception:
                logger.exception("could not write the invocation log of %s", group)

    def _ensure_stream(self, group: str, stream: str) -> None:
        if (group, stream) in self._streams:
            return
        for create, kwargs in ((self._logs.create_log_group, {}), (self._logs.create_log_stream,
                                                                     {"logStreamName": stream})):
            try:
                create(logGroupName=group, **kwargs)
            except self._logs.exceptions.ResourceAlreadyExistsException:
                pass
        self._streams.add((group, stream))
