"""DecideLambdaFunction (DocumentStateMachine): the status from both checks; the licence message for ValidateSend."""

from aws_lambda_powertools.utilities.typing import LambdaContext
from kyc import bootstrap
from kyc.observability import logger, metrics, tracer
from kyc.services.conclusion import ConclusionDeps, decide


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return handle(event)


def handle(event: dict, deps: ConclusionDeps | None = None) -> dict:
    deps = deps or bootstrap.decide_dependencies()
    logger.append_keys(app_uuid=event["app_uuid"])
    decision = decide(event["app_uuid"], event["etag"], event["checks"], deps)
    return {"status": str(decision.status), "message": decision.license_message}
