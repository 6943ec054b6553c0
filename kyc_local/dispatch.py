"""Asynchronous invocation with Lambda's retry semantics: S3 and EventBridge events go through here."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kyc_local.lambdas import FunctionError, Functions, FunctionSpec

logger = logging.getLogger(__name__)


@dataclass
class _Job:
    spec: FunctionSpec
    event: Any
    request_id: str
    attempt: int = 1


class AsyncInvoker:
    """Lambda's asynchronous invocation: an internal queue, retries after a wait, then the failure destination.

    AWS retries a failed event twice (EventInvokeConfig MaximumRetryAttempts), about one and then two minutes later,
    then sends it to the OnFailure destination or the DeadLetterConfig queue. Locally the waits are `retry_wait`
    seconds times the attempt number.
    """

    def __init__(self, functions: Functions, sqs_client: Any, retry_wait: float = 1.0, workers: int = 4,
                 deliveries: int = 1):
        self._functions = functions
        self._deliveries = deliveries  # > 1 delivers each event again, as AWS's at-least-once delivery may
        self._sqs = sqs_client
        self._retry_wait = retry_wait
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lambda-async")
        self._timers: set[threading.Timer] = set()
        self._lock = threading.Condition()
        self._pending = 0
        self._stopped = False

    def invoke(self, function: str, event: Any) -> str:
        """Accept the event (AWS answers 202) and run it in the background; returns the request id."""
        spec = self._functions.find(function)
        if spec is None:
            raise KeyError(f"no function {function}")
        jobs = [_Job(spec, event, str(uuid.uuid4())) for _ in range(self._deliveries)]
        with self._lock:
            self._pending += len(jobs)
        for job in jobs:
            self._submit(job)
        return jobs[0].request_id

    def wait_idle(self, timeout: float) -> bool:
        """True once every accepted event has succeeded or reached its failure destination."""
        with self._lock:
            return self._lock.wait_for(lambda: self._pending == 0, timeout)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            for timer in self._timers:
                timer.cancel()
            self._timers.clear()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _submit(self, job: _Job) -> None:
        with self._lock:
            if self._stopped:
                return
            self._pool.submit(self._attempt, job)

    def _attempt(self, job: _Job) -> None:
        try:
            self._functions.invoke(job.spec.name, job.event, job.request_id)
        except FunctionError as error:
            if job.attempt <= job.spec.maximum_retry_attempts:
                self._retry_later(job)
                return
            self._give_up(job, error)
        except Exception:
            logger.exception("async invocation of %s could not run", job.spec.name)
        self._done()

    def _retry_later(self, job: _Job) -> None:
        delay = self._retry_wait * job.attempt
        job.attempt += 1
        timer = threading.Timer(delay, self._fire, args=(job,))
        timer.daemon = True
        with self._lock:
            if self._stopped:
                return
            self._timers.add(timer)
        timer.start()

    def _fire(self, job: _Job) -> None:
        with self._lock:
            self._timers.discard(threading.current_thread())  # type: ignore[arg-type]
        self._submit(job)

    def _done(self) -> None:
        with self._lock:
            self._pending -= 1
            self._lock.notify_all()

    def _give_up(self, job: _Job, error: FunctionError) -> None:
        spec = job.spec
        logger.warning("%s: event %s failed %d times", spec.name, job.request_id, job.attempt)
        if spec.on_failure:
            self._send(spec.on_failure, json.dumps(_failure_record(job, error)), {})
        elif spec.dead_letter:
            attributes = {
                "RequestID": {"DataType": "String", "StringValue": job.request_id},
                "ErrorCode": {"DataType": "Number", "StringValue": "200"},
                "ErrorMessage": {"DataType": "String", "StringValue": error.payload["errorMessage"][:1024] or "-"},
            }
            self._send(spec.dead_letter, json.dumps(job.event), attributes)

    def _send(self, queue_arn: str, body: str, attributes: dict[str, Any]) -> None:
        _, _, _, _, account, name = queue_arn.split(":")
        url = self._sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
        self._sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=attributes)


def _failure_record(job: _Job, error: FunctionError) -> dict[str, Any]:
    """The invocation record Lambda sends to an OnFailure destination."""
    return {
        "version": "1.0",
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "requestContext": {
            "requestId": job.request_id,
            "functionArn": f"{job.spec.arn}:$LATEST",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": job.attempt,
        },
        "requestPayload": job.event,
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "responsePayload": {key: error.payload[key] for key in ("errorMessage", "errorType")},
    }
