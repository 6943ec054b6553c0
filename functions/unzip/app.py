"""UnzipLambdaFunction (DocumentStateMachine): claim the upload, check the bundle, store its members in unzipped/."""

from aws_lambda_powertools.utilities.typing import LambdaContext
from kyc import bootstrap
from kyc.observability import logger, metrics, tracer
from kyc.services.intake import IntakeDeps, unzip


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return handle(event)


def handle(event: dict, deps: IntakeDeps | None = None) -> dict:
    deps = deps or bootstrap.unzip_dependencies()
    intake = unzip(event["key"], deps)
    return {
        "key": event["key"],
        "app_uuid": intake.app_uuid,
        "etag": intake.etag,
        "checks_due": intake.checks_due,
        "status": None if intake.checks_due else str(intake.status),
        "members": intake.members,
    }
