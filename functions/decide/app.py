"""DecideLambdaFunction (DocumentStateMachine): the status from both checks; the licence message for ValidateSend."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from kyc import bootstrap, events
from kyc.model import Status
from kyc.observability import logger, metrics, tracer
from kyc.services.conclusion import ConclusionDeps, decide, license_message


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)  # a response may name the applicant's documents
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event)


def handle(event: dict[str, Any], deps: ConclusionDeps | None = None) -> dict[str, Any]:
    app_uuid, etag, checks = events.decide(event, "DecideLambdaFunction")
    deps = deps or bootstrap.decide_dependencies()
    logger.append_keys(app_uuid=app_uuid)
    status = decide(app_uuid, etag, checks, deps)
    due = status is Status.AWAITING_LICENSE_VALIDATION
    return {"status": str(status), "message": license_message(app_uuid) if due else None}
