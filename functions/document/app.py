"""DocumentLambdaFunction: an uploaded bundle (S3 ObjectCreated on zipped/) through every check."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from kyc import bootstrap
from kyc.observability import logger, metrics, tracer
from kyc.services.documents import DocumentDeps, process_upload

NO_UPLOAD = "NO_UPLOAD"  # the event names no existing object: nothing recorded


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)  # a response may name the applicant's documents
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event)


def handle(event: dict[str, Any], deps: DocumentDeps | None = None) -> dict[str, Any]:
    deps = deps or bootstrap.document_dependencies()
    results = []
    for record in event["Records"]:
        raw_key = record["s3"]["object"]["key"]  # URL-encoded; the core decodes it once
        status = process_upload(raw_key, deps)
        results.append(str(status) if status else NO_UPLOAD)
    return {"statuses": results}
