"""WriteToDynamoLambdaFunction (DocumentStateMachine): the stored details CSV on the application item."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from kyc import bootstrap, events
from kyc.observability import logger, metrics, tracer
from kyc.services.applicant_record import DetailsRecordDeps, record_stored_details


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)  # a response may name the applicant's documents
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event)


def handle(event: dict[str, Any], deps: DetailsRecordDeps | None = None) -> dict[str, Any]:
    app_uuid, etag, members = events.task(event, "WriteToDynamoLambdaFunction", ("details",))
    deps = deps or bootstrap.write_to_dynamo_dependencies()
    logger.append_keys(app_uuid=app_uuid)
    record_stored_details(app_uuid, etag, members["details"], deps)
    return {}
