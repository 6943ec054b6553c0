"""DocumentLambdaFunction: an uploaded bundle (S3 ObjectCreated on zipped/) through every check."""

from aws_lambda_powertools.utilities.typing import LambdaContext
from kyc import bootstrap
from kyc.observability import logger, metrics, tracer
from kyc.services.documents import DocumentDeps, process_upload


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)  # a response may name the applicant's documents
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return handle(event)


def handle(event: dict, deps: DocumentDeps | None = None) -> dict:
    deps = deps or bootstrap.document_dependencies()
    results = []
    for record in event["Records"]:
        raw_key = record["s3"]["object"]["key"]  # URL-encoded; the core decodes it once
        results.append(str(process_upload(raw_key, deps)))
    return {"statuses": results}
