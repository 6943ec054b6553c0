"""RecordDeadLetterLambdaFunction: uploads whose events failed beyond their retries (DocumentDeadLetterQueue) end in
a recorded ERROR, and staff are told; partial batch responses."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from kyc import bootstrap
from kyc.observability import logger, metrics, tracer
from kyc.services.dead_letters import record_dead_letter
from kyc.services.failure import FailureDeps


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)  # a response may name the applicant's documents
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return handle(event, context)


def handle(
    event: dict[str, Any], context: LambdaContext | None = None, deps: FailureDeps | None = None
) -> PartialItemFailureResponse:
    failure_deps = deps or bootstrap.record_error_dependencies()  # RecordError's: the same use case's ports

    def record_handler(record: SQSRecord) -> list[str]:
        attributes = {name: value.string_value or "" for name, value in record.message_attributes.items()}
        return [str(status) for status in record_dead_letter(record.body, attributes, failure_deps)]

    return process_partial_response(
        event=event,
        record_handler=record_handler,
        processor=BatchProcessor(EventType.SQS, raise_on_entire_batch_failure=False),
        context=context,
    )
