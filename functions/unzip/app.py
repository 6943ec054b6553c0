"""UnzipLambdaFunction (DocumentStateMachine): claim the upload, check the bundle, store its members in unzipped/."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from kyc import bootstrap, events
from kyc.observability import logger, metrics, tracer
from kyc.services.intake import Claimed, IntakeDeps, unzip


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)  # a response may name the applicant's documents
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event)


def handle(event: dict[str, Any], deps: IntakeDeps | None = None) -> dict[str, Any]:
    key, _ = events.upload(event, "UnzipLambdaFunction")
    deps = deps or bootstrap.unzip_dependencies()
    intake = unzip(key, deps)
    if isinstance(intake, Claimed):
        app = intake.record
        return {"key": key, "app_uuid": app.app_uuid, "etag": app.etag, "checks_due": True, "status": None,
                "members": intake.members}
    return {"key": key, "app_uuid": intake.app_uuid, "etag": intake.etag, "checks_due": False,
            "status": str(intake.status) if intake.status else None, "members": {}}
