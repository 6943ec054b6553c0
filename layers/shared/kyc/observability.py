"""Powertools Logger, Tracer and Metrics: the one place they are made."""

from functools import cache

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer(auto_patch=False)  # client libraries are instrumented when an adapter first uses them
metrics = Metrics()


@cache
def trace_library(module: str) -> None:
    """Instrument a client library (botocore, requests) for X-Ray once, only in the functions that use it."""
    tracer.patch([module])
