"""ValidateLicenseLambdaFunction: the mock third-party licence validator behind POST /license."""

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.utilities.typing import LambdaContext
from kyc import bootstrap
from kyc.observability import logger, metrics, tracer
from kyc.services.validation import BadRequest, validate_request

app = APIGatewayHttpResolver()


@app.post("/license")
def post_license() -> dict | Response:
    try:
        body = app.current_event.json_body
        result = validate_request(body, bootstrap.validate_license_dependencies())
    except (BadRequest, ValueError, TypeError) as error:
        message = str(error) if isinstance(error, BadRequest) else "body must be valid JSON"
        logger.info("malformed validation request", extra={"error": message})
        return Response(status_code=400, content_type=content_types.APPLICATION_JSON, body={"message": message})
    logger.info("licence validated", extra={"valid": result.valid, "rule": result.reason})
    return {"valid": result.valid, "reason": result.reason}


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
