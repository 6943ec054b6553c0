"""RecordErrorLambdaFunction (DocumentStateMachine): a step failed beyond its retries; ERROR, and staff told."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from kyc import bootstrap, events
from kyc.observability import logger, metrics, tracer
from kyc.services.failure import FailureDeps, record_failure


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)  # a response may name the applicant's documents
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event)


def handle(event: dict[str, Any], deps: FailureDeps | None = None) -> dict[str, Any]:
    key, etag, step, error = events.failed(event, "RecordErrorLambdaFunction")  # failed: the Catch that led here
    deps = deps or bootstrap.record_error_dependencies()
    status = record_failure(key, etag, step, error, deps)
    return {"status": str(status)}
