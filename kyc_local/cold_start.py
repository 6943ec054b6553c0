"""One invocation in a fresh interpreter, as in a new Lambda sandbox: what `kyc invoke` runs for each invocation.

The environment is the function's already (the handler's modules read it on import); standard output and standard
error are the function's log stream. Standard input carries the job: {"spec", "event", "request_id", "aws_url",
"region", "response_file"}. The response, or Lambda's error payload, is written to `response_file`; the exit status
is 1 when the function failed. START/END/REPORT go to the log stream and to the stack's CloudWatch Logs.
"""

from __future__ import annotations

import json
import logging
import math
import resource
import sys
from pathlib import Path
from typing import Any

import boto3

from kyc_local.invocation_log import InvocationLog
from kyc_local.lambdas import FunctionError, Functions, FunctionSpec


def main() -> int:
    job = json.load(sys.stdin)
    spec = FunctionSpec(**{**job["spec"], "code_dir": Path(job["spec"]["code_dir"])})
    handler = logging.StreamHandler(sys.stderr)  # the runtime's own warnings, as Lambda's runtime logs them
    handler.setLevel(logging.WARNING)
    handler.addFilter(lambda record: record.name != "kyc_local.lambdas")  # its note of a failure: the [ERROR] line
    logging.getLogger().addHandler(handler)
    logs = boto3.session.Session().client("logs", endpoint_url=job["aws_url"], region_name=job["region"])
    stack_log = InvocationLog(logs)
    stack_log.start()
    functions = Functions([spec], concurrency=1, observer=_Report(stack_log).record)
    print(f"START RequestId: {job['request_id']} Version: $LATEST", flush=True)
    try:
        response, failed = _call(functions, spec, job["event"], job["request_id"])
    finally:
        stack_log.stop()
    Path(job["response_file"]).write_text(json.dumps(response), encoding="utf-8")
    return 1 if failed else 0


def _call(functions: Functions, spec: FunctionSpec, event: Any, request_id: str) -> tuple[Any, bool]:
    """(the response, False), or (Lambda's error payload, True) when the handler failed or could not be imported."""
    try:
        functions.load()
    except Exception as error:  # noqa: BLE001 (reported as Lambda does)
        message = f"Unable to import module '{spec.handler.rpartition('.')[0]}': {error}"
        print(f"[ERROR] Runtime.ImportModuleError: {message}", flush=True)
        return {"errorMessage": message, "errorType": "Runtime.ImportModuleError", "requestId": request_id,
                "stackTrace": []}, True
    try:
        return functions.invoke(spec.name, event, request_id), False
    except FunctionError as error:
        return error.payload, True


class _Report:
    """The error, END and REPORT (Max Memory Used: this process's peak) after the handler's own output."""

    def __init__(self, stack_log: InvocationLog):
        self._stack_log = stack_log

    def record(self, spec: FunctionSpec, stream: str, request_id: str, duration: float, init: float | None,
               error: dict[str, Any] | None) -> None:
        self._stack_log.record(spec, stream, request_id, duration, init, error)
        if error is not None:
            trace = "".join(error["stackTrace"])
            print(f"[ERROR] {error['errorType']}: {error['errorMessage']}\n{trace}".rstrip())
        milliseconds = duration * 1000
        used = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # KiB on Linux
        init_part = f"Init Duration: {init * 1000:.2f} ms\t" if init is not None else ""
        print(f"END RequestId: {request_id}")
        print(f"REPORT RequestId: {request_id}\t{init_part}Duration: {milliseconds:.2f} ms\t"
              f"Billed Duration: {math.ceil(milliseconds)} ms\tMemory Size: {spec.memory} MB\t"
              f"Max Memory Used: {used} MB", flush=True)


if __name__ == "__main__":
    sys.exit(main())
