"""CompareDetailsLambdaFunction (DocumentStateMachine): the CSV against the licence (AnalyzeID), recorded."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from kyc import bootstrap, events
from kyc.observability import logger, metrics, tracer
from kyc.services.checks import DetailsCheckDeps, details_step


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)  # a response may name the applicant's documents
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event)


def handle(event: dict[str, Any], deps: DetailsCheckDeps | None = None) -> dict[str, Any]:
    app_uuid, etag, members = events.task(event, "CompareDetailsLambdaFunction", ("license",))
    deps = deps or bootstrap.compare_details_dependencies()
    logger.append_keys(app_uuid=app_uuid)
    result = details_step(app_uuid, etag, members, deps)
    return {"check": str(result.check), "outcome": str(result.outcome)}
