"""DocumentLambdaFunction: an uploaded bundle (S3 ObjectCreated on zipped/) through every check."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from kyc import bootstrap, events
from kyc.observability import logger, metrics, tracer
from kyc.services.documents import DocumentDeps, process_upload

NO_UPLOAD = "NO_UPLOAD"  # the event names no existing object: nothing recorded


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)  # a response may name the applicant's documents
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event)


def handle(event: dict[str, Any], deps: DocumentDeps | None = None) -> dict[str, Any]:
    raw_keys = events.s3_keys(event, "DocumentLambdaFunction")  # URL-encoded; the core decodes each once
    deps = deps or bootstrap.document_dependencies()
    results = []
    for raw_key in raw_keys:
        status = process_upload(raw_key, deps)
        results.append(str(status) if status else NO_UPLOAD)
    return {"statuses": results}
