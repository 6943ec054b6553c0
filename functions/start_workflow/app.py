"""StartDocumentWorkflowFunction: an upload's S3 Object Created event (EventBridge) starts its own execution."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from kyc import bootstrap, events
from kyc.observability import logger, metrics, tracer
from kyc.services.workflow_start import StartDeps, start_document_workflow


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)  # a response may name the applicant's documents
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event)


def handle(event: dict[str, Any], deps: StartDeps | None = None) -> dict[str, Any]:
    key, etag = events.object_created(event, "StartDocumentWorkflowLambdaFunction")
    deps = deps or bootstrap.start_workflow_dependencies()
    started = start_document_workflow(key, etag, deps)
    return {"execution_name": started.execution_name, "started": started.started}
