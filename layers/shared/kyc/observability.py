"""Powertools Logger, Tracer and Metrics: the one place they are made."""

from __future__ import annotations

from contextvars import ContextVar
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter


class InvocationKeysFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON formatter, its appended keys (the Lambda context, the app id) held per contextvars context.

    On AWS a process serves one invocation at a time and this is Powertools' own behaviour. Where invocations share a
    process (the local runtime runs each in a context of its own) each labels only its own lines; a thread that logs
    for an invocation runs in a copy of its context (`contextvars.copy_context`).
    """

    def __init__(self, **options: Any):
        self._keys: ContextVar[dict[str, Any]] = ContextVar("invocation_log_keys")
        self._initial: dict[str, Any] = {}
        super().__init__(**options)
        self._initial = dict(self.log_format)  # what every context starts from

    @property
    def log_format(self) -> dict[str, Any]:
        try:
            return self._keys.get()
        except LookupError:  # a context that has appended nothing yet: the keys the formatter started with
            keys = dict(self._initial)
            self._keys.set(keys)
            return keys

    @log_format.setter
    def log_format(self, keys: dict[str, Any]) -> None:
        self._keys.set(keys)


logger = Logger(logger_formatter=InvocationKeysFormatter())
tracer = Tracer(auto_patch=False)  # client libraries are instrumented when an adapter first uses them
metrics = Metrics()


@cache
def trace_library(module: str) -> None:
    """Instrument a client library (botocore, requests) for X-Ray once, only in the functions that use it."""
    tracer.patch([module])
