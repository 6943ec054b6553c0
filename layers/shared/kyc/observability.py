"""Powertools Logger, Tracer and Metrics: the one place they are made."""

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
metrics = Metrics()
