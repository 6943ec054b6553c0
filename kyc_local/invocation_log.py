"""What the Lambda service writes to CloudWatch Logs for each invocation: START, END and REPORT (and the error).

Written to moto's CloudWatch Logs in the background, so `aws logs tail /aws/lambda/<function>` shows invocations
as on AWS and another process can count them. The handlers' own output goes to the runtime's log file.
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


class InvocationLog:
    def __init__(self, logs_client: Any):
        self._logs = logs_client
        self._queue: queue.Queue[tuple[str, str, list[str]] | None] = queue.Queue()
        self._streams: set[tuple[str, str]] = set()
        self._thread = threading.Thread(target=self._run, name="invocation-log", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Write what is queued, then stop."""
        self._queue.put(None)
        self._thread.join()

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
        self._queue.put((f"/aws/lambda/{spec.name}", stream, lines))

    def _run(self) -> None:
        while (entry := self._queue.get()) is not None:
            group, stream, lines = entry
            try:
                self._write(group, stream, lines)
            except Exception:
                logger.exception("could not write the invocation log of %s", group)

    def _write(self, group: str, stream: str, lines: list[str]) -> None:
        if (group, stream) not in self._streams:
            for create, kwargs in ((self._logs.create_log_group, {}), (self._logs.create_log_stream,
                                                                         {"logStreamName": stream})):
                try:
                    create(logGroupName=group, **kwargs)
                except self._logs.exceptions.ResourceAlreadyExistsException:
                    pass
            self._streams.add((group, stream))
        now = int(time.time() * 1000)
        self._logs.put_log_events(logGroupName=group, logStreamName=stream,
                                  logEvents=[{"timestamp": now, "message": line} for line in lines])
