"""The SQS event source mapping: poll, invoke with a batch, delete what succeeded, leave the rest to SQS."""

from __future__ import annotations

import base64
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from kyc_local.lambdas import FunctionError, Functions

logger = logging.getLogger(__name__)

_POLL_SECONDS = 1  # long-poll wait; short so that stop() is prompt


@dataclass
class EventSourceMapping:
    """An AWS::Lambda::EventSourceMapping on an SQS queue, resolved."""

    function: str
    queue_arn: str
    queue_url: str
    batch_size: int = 10
    batching_window: float = 0.0
    report_batch_item_failures: bool = False
    maximum_concurrency: int = 2
    enabled: bool = True
    region: str = "us-east-1"


class SqsPoller:
    """Runs one mapping with `pollers` threads (AWS: up to the mapping's MaximumConcurrency).

    A failed message stays on the queue and is received again once its visibility timeout expires; SQS (moto)
    counts receives and moves it to the dead-letter queue after the redrive policy's maxReceiveCount. AWS waits the
    queue's visibility timeout before a retry; `retry_wait` (seconds) shortens that wait locally, None keeps it.
    """

    def __init__(self, mapping: EventSourceMapping, functions: Functions, sqs_client: Any, pollers: int,
                 retry_wait: float | None = 1.0, deliveries: int = 1):
        self.mapping = mapping
        self._deliveries = deliveries  # > 1: each batch is also delivered again, concurrently (at-least-once)
        self._functions = functions
        self._sqs = sqs_client
        self._pollers = pollers
        self._retry_wait = retry_wait
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._busy = 0
        self._lock = threading.Lock()

    def start(self) -> None:
        if not self.mapping.enabled:
            return
        for index in range(self._pollers):
            thread = threading.Thread(target=self._run, args=(self._sqs,), name=f"sqs-poller-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()
        self._threads.clear()

    @property
    def busy(self) -> bool:
        """True while a batch is being processed."""
        return self._busy > 0

    def _run(self, sqs: Any) -> None:
        while not self._stop.is_set():
            try:
                messages = self._receive(sqs)
                if messages:
                    self._process(sqs, messages)
            except Exception:
                logger.exception("polling %s failed", self.mapping.queue_arn)
                self._stop.wait(1)

    def _receive(self, sqs: Any) -> list[dict[str, Any]]:
        mapping = self.mapping
        messages: list[dict[str, Any]] = []
        deadline = time.monotonic() + mapping.batching_window
        while len(messages) < mapping.batch_size and not self._stop.is_set():
            response = sqs.receive_message(
                QueueUrl=mapping.queue_url,
                MaxNumberOfMessages=min(10, mapping.batch_size - len(messages)),
                WaitTimeSeconds=_POLL_SECONDS if not messages else 0,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            )
            received = response.get("Messages", [])
            messages.extend(received)
            if messages and (not received or time.monotonic() >= deadline):
                break
            if not messages:
                return []
        return messages

    def _process(self, sqs: Any, messages: list[dict[str, Any]]) -> None:
        with self._lock:
            self._busy += 1
        try:
            records = [_record(message, self.mapping) for message in messages]
            failed = self._invoke(records)
            done = [message for message in messages if message["MessageId"] not in failed]
            for start in range(0, len(done), 10):
                chunk = done[start:start + 10]
                entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)]
                sqs.delete_message_batch(QueueUrl=self.mapping.queue_url, Entries=entries)
            if self._retry_wait is not None:
                for message in messages:
                    if message["MessageId"] in failed:
                        sqs.change_message_visibility(QueueUrl=self.mapping.queue_url,
                                                      ReceiptHandle=message["ReceiptHandle"],
                                                      VisibilityTimeout=round(self._retry_wait))
        finally:
            with self._lock:
                self._busy -= 1

    def _invoke(self, records: list[dict[str, Any]]) -> set[str]:
        """The message ids to keep: all of them when the function failed, else its batchItemFailures."""
        ids = {record["messageId"] for record in records}
        copies = [threading.Thread(target=self._deliver_copy, args=(records,), daemon=True)
                  for _ in range(self._deliveries - 1)]
        for copy in copies:
            copy.start()
        try:
            response = self._functions.invoke(self.mapping.function, {"Records": records})
        except FunctionError:
            return ids
        finally:
            for copy in copies:
                copy.join()
        if not self.mapping.report_batch_item_failures or not isinstance(response, dict):
            return set()
        failures = response.get("batchItemFailures") or []
        failed = {item.get("itemIdentifier") if isinstance(item, dict) else None for item in failures}
        if not failed <= ids:  # Lambda treats a malformed partial response as a failure of the whole batch
            logger.warning("%s returned an invalid partial batch response", self.mapping.function)
            return ids
        return failed


    def _deliver_copy(self, records: list[dict[str, Any]]) -> None:
        """A duplicate delivery: the function must do nothing twice; its answer decides nothing."""
        try:
            self._functions.invoke(self.mapping.function, {"Records": records})
        except FunctionError:
            pass


def _record(message: dict[str, Any], mapping: EventSourceMapping) -> dict[str, Any]:
    """One SQS message as the Lambda event record."""
    attributes = {}
    for name, value in message.get("MessageAttributes", {}).items():
        attributes[name] = {
            "stringValue": value.get("StringValue"),
            "binaryValue": base64.b64encode(value["BinaryValue"]).decode() if "BinaryValue" in value else None,
            "stringListValues": value.get("StringListValues", []),
            "binaryListValues": [base64.b64encode(v).decode() for v in value.get("BinaryListValues", [])],
            "dataType": value["DataType"],
        }
    record = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": attributes,
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": mapping.queue_arn,
        "awsRegion": mapping.region,
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record
