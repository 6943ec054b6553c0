"""ValidateLicenseLambdaFunction: the mock third-party licence validator behind POST /license."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.utilities.typing import LambdaContext
from kyc import bootstrap, events
from kyc.observability import logger, metrics, tracer
from kyc.services.validation import BadRequest, parse_body, validate_request

app = APIGatewayHttpResolver()


@app.post("/license")
def post_license() -> dict[str, Any] | Response[Any]:
    try:
        body = parse_body(app.current_event.decoded_body)  # size and nesting bounded before json.loads
        result = validate_request(body, bootstrap.validate_license_dependencies())
    except ValueError as error:  # BadRequest, or a body that is not base64 / UTF-8 as declared
        message = str(error) if isinstance(error, BadRequest) else "body must be valid JSON"
        logger.info("malformed validation request", extra={"error": message})
        return Response(status_code=400, content_type=content_types.APPLICATION_JSON, body={"message": message})
    logger.info("licence validated", extra={"valid": result.valid, "rule": result.reason})
    return {"valid": result.valid, "reason": result.reason}


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)  # a response may name the applicant's documents
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(events.http_api(event, "ValidateLicenseLambdaFunction"), context)
