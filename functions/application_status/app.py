"""ApplicationStatusFunction: GET /applications/{app_uuid} for the mobile app (IAM auth), never a personal value."""

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.utilities.typing import LambdaContext
from kyc import bootstrap
from kyc.observability import logger, metrics, tracer
from kyc.services.status import UnknownApplication, application_status

app = APIGatewayHttpResolver()


@app.get("/applications/<app_uuid>")
def get_application(app_uuid: str) -> dict[str, Any] | Response[Any]:
    try:
        return application_status(app_uuid, bootstrap.application_status_dependencies())
    except UnknownApplication:
        body = {"message": "no such application"}
        return Response(status_code=404, content_type=content_types.APPLICATION_JSON, body=body)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
