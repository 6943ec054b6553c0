"""The template's functions, imported from their files and invoked in-process like the Lambda runtime would."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from contextvars import Context, ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

logger = logging.getLogger(__name__)
LATENCY_VARIABLE = "KYC_LOCAL_LATENCY"
"""Test-only: `LogicalId=seconds,...` adds that many seconds to each AWS call those functions make (a slow dependency),
so that a test can make an invocation outrun its Timeout."""
_invocation: ContextVar[tuple[float, float] | None] = ContextVar("kyc_local_invocation", default=None)
_LATE_CALLS_HOOK = "kyc-local-refuse-late-calls"


@dataclass
class FunctionSpec:
    """One AWS::Lambda::Function of the translated template, resolved."""

    logical_id: str
    name: str
    arn: str
    code_dir: Path
    handler: str
    environment: dict[str, str] = field(default_factory=dict)
    timeout: int = 3
    memory: int = 128
    maximum_retry_attempts: int = 2
    on_failure: str | None = None  # EventInvokeConfig OnFailure destination (an SQS queue ARN locally)
    dead_letter: str | None = None  # DeadLetterConfig TargetArn


class FunctionError(Exception):
    """The function raised (AWS: FunctionError "Unhandled"); `payload` is what Lambda would return."""

    def __init__(self, function: str, request_id: str, error_type: str, message: str, trace: list[str]):
        super().__init__(f"{function} failed: {error_type}")
        self.payload = {"errorMessage": message, "errorType": error_type, "requestId": request_id, "stackTrace": trace}


class InvocationTimedOut(BaseException):
    """Raised into a handler's AWS call made after its invocation's deadline. On AWS the sandbox is stopped at the
    deadline and nothing the handler would do afterwards happens; here the handler's thread cannot be stopped, so its
    later calls are refused, and as a BaseException no `except Exception` of the handler carries on past it."""


def refuse_late_calls(**_: Any) -> None:
    """botocore `before-call` hook on the handlers' session: each call of an invocation waits out the function's test
    latency (LATENCY_VARIABLE), and once the invocation is past its deadline no call reaches a service."""
    invocation = _invocation.get()
    if invocation is None:
        return
    deadline, latency = invocation
    time.sleep(latency)
    if time.monotonic() > deadline:
        raise InvocationTimedOut("the invocation ran past its timeout")


def _latencies(text: str) -> dict[str, float]:
    pairs = (item.partition("=") for item in text.split(",") if item.strip())
    return {name.strip(): float(seconds) for name, _, seconds in pairs}


class LambdaContext:
    """The attributes and method of the Lambda runtime's context object that handlers and Powertools use."""

    def __init__(self, spec: FunctionSpec, request_id: str):
        self.function_name = spec.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = spec.arn
        self.memory_limit_in_mb = spec.memory
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{spec.name}"
        self.log_stream_name = f"local/[$LATEST]{request_id.replace('-', '')}"
        self.identity = None
        self.client_context = None
        self.deadline = time.monotonic() + spec.timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


Observer = Callable[[FunctionSpec, str, str, float, "float | None", "dict[str, Any] | None"], None]
"""Told of each invocation: (spec, log stream, request id, duration s, init duration s on the first one, error)."""


class _Sandbox:
    """One function's loaded handler. The first invocation runs alone (like a cold start), later ones concurrently."""

    def __init__(self, spec: FunctionSpec, concurrency: int, observer: Observer | None, latency: float = 0.0):
        self.spec = spec
        self._latency = latency
        self.stream = f"{time.strftime('%Y/%m/%d')}/[$LATEST]{uuid.uuid4().hex}"
        self._observer = observer
        self._handler: Callable[[Any, Any], Any] | None = None
        self._slots = threading.BoundedSemaphore(concurrency)
        self._cold = threading.Lock()
        self._warm = False
        self._init_seconds: float | None = None

    def load(self) -> None:
        if self._handler is None:
            started = time.monotonic()
            module_path, _, attribute = self.spec.handler.rpartition(".")
            path = self.spec.code_dir / (module_path.replace(".", "/") + ".py")
            name = f"kyc_local_functions.{self.spec.logical_id}.{module_path}"
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None:
                raise FileNotFoundError(f"handler module of {self.spec.logical_id} not found: {path}")
            module: ModuleType = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            self._handler = getattr(module, attribute)
            self._init_seconds = time.monotonic() - started

    def run(self, event: Any, request_id: str) -> Any:
        with self._slots:
            if self._warm:
                return self._call(event, request_id)
            with self._cold:
                self.load()
                try:
                    return self._call(event, request_id)
                finally:
                    self._warm = True

    def _call(self, event: Any, request_id: str) -> Any:
        context = LambdaContext(self.spec, request_id)
        started = time.monotonic()
        error: FunctionError | None = None
        try:
            # the event arrives as JSON on AWS; a context of its own keeps the invocation's log keys (kyc.observability)
            # and its deadline (refuse_late_calls)
            result = Context().run(self._within_deadline, json.loads(json.dumps(event)), context)
            payload = json.loads(json.dumps(result))  # and the result leaves as JSON
        except (Exception, InvocationTimedOut) as exc:
            logger.warning("%s %s raised %s", self.spec.name, request_id, type(exc).__name__, exc_info=True)
            trace = traceback.format_exception(exc)[1:]
            error = FunctionError(self.spec.name, request_id, type(exc).__name__, str(exc), trace)
        elapsed = time.monotonic() - started
        if elapsed > self.spec.timeout:  # Lambda stops the function at its timeout, whatever it was doing then
            message = f"Task timed out after {self.spec.timeout:.2f} seconds"
            error = FunctionError(self.spec.name, request_id, "Sandbox.Timedout", message, [])
        if self._observer:
            init, self._init_seconds = self._init_seconds, None
            self._observer(self.spec, self.stream, request_id, elapsed, init, error.payload if error else None)
        if error is not None:
            raise error
        return payload

    def _within_deadline(self, event: Any, context: LambdaContext) -> Any:
        assert self._handler is not None
        _invocation.set((context.deadline, self._latency))
        return self._handler(event, context)


class Functions:
    """The registry: find a function by name or ARN, invoke it synchronously."""

    def __init__(self, specs: list[FunctionSpec], concurrency: int = 2, observer: Observer | None = None):
        latency = _latencies(os.environ.get(LATENCY_VARIABLE, ""))
        self._sandboxes = {
            spec.name: _Sandbox(spec, concurrency, observer, latency.get(spec.logical_id, 0.0)) for spec in specs
        }

    @property
    def specs(self) -> list[FunctionSpec]:
        return [sandbox.spec for sandbox in self._sandboxes.values()]

    def find(self, name_or_arn: str) -> FunctionSpec | None:
        sandbox = self._sandboxes.get(_function_name(name_or_arn))
        return sandbox.spec if sandbox else None

    def environment(self) -> dict[str, str]:
        """The union of every function's variables; they run in one process, so a conflict is an error."""
        merged: dict[str, str] = {}
        for spec in self.specs:
            for key, value in spec.environment.items():
                if merged.setdefault(key, value) != value:
                    raise ValueError(f"functions disagree on environment variable {key}")
        return merged

    def load(self) -> None:
        """Import every handler now, so that a broken one fails the start rather than the first bundle; from now on
        an invocation past its timeout reaches no AWS service (refuse_late_calls)."""
        for sandbox in self._sandboxes.values():
            sandbox.load()
        from kyc.adapters import aws  # the handlers' session (kyc_local.stack.LocalStack.handler_session)

        aws.session().register("before-call", refuse_late_calls, unique_id=_LATE_CALLS_HOOK)

    def invoke(self, name_or_arn: str, event: Any, request_id: str | None = None) -> Any:
        sandbox = self._sandboxes.get(_function_name(name_or_arn))
        if sandbox is None:
            raise KeyError(f"no function {name_or_arn}")
        return sandbox.run(event, request_id or str(uuid.uuid4()))


def _function_name(name_or_arn: str) -> str:
    """`name`, `name:qualifier` or `arn:aws:lambda:region:account:function:name[:qualifier]` → name."""
    parts = name_or_arn.split(":")
    if name_or_arn.startswith("arn:") and len(parts) >= 7:
        return parts[6]
    return parts[0]
