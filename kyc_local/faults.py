"""Fault injection for the local stack: a botocore hook that fails a share of the handlers' AWS calls.

Asked first about every call of the handlers' clients (kyc.adapters.aws) by the runtime's transport
(kyc_local.moto_transport), never about the runtime's own calls nor those of moto's Step Functions interpreter. A
failed call is answered before it is sent, the way an overloaded service answers: HTTP 400 ThrottlingException or
HTTP 500/503, which botocore retries like the real thing. The request never reaches moto or the vision endpoint, so
a failed paid call is not a paid call.
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections import Counter

from botocore.awsrequest import AWSResponse

from kyc_local.moto_transport import RawBody

logger = logging.getLogger(__name__)

_JSON_FAULTS = (
    (400, "ThrottlingException", "Rate exceeded"),
    (500, "InternalFailure", "We encountered an internal error. Please try again."),
    (503, "ServiceUnavailable", "Service is unable to handle request."),
)
_XML_FAULT = (503, "SlowDown", "Please reduce your request rate.")  # S3 and the query-protocol services


class FaultInjector:
    def __init__(self, rate: float, seed: int = 0):
        if not 0 <= rate < 1:
            raise ValueError("the fault rate is a share of calls, 0 ≤ rate < 1")
        self.rate = rate
        self.injected: Counter[str] = Counter()
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._down: frozenset[str] = frozenset()

    def outage(self, *operations: str) -> None:
        """Fail every call of these operations ("textract.AnalyzeID"), as a service that is down does, until
        `restore()`: a check that needs one fails beyond its retries."""
        with self._lock:
            self._down = frozenset(operations)

    def restore(self) -> None:
        """End the outage: the cause fixed."""
        with self._lock:
            self._down = frozenset()

    def answer(self, request, event_name: str = "", **_: object) -> AWSResponse | None:
        """A failure for this request (a `before-send` hook), or None to let it through."""
        json_protocol = request.headers.get("Content-Type", b"").startswith(b"application/x-amz-json")
        operation = event_name.removeprefix("before-send.")
        with self._lock:
            if operation in self._down:
                status, code, message = _JSON_FAULTS[2] if json_protocol else _XML_FAULT
            elif self._random.random() >= self.rate:
                return None
            else:
                status, code, message = self._random.choice(_JSON_FAULTS) if json_protocol else _XML_FAULT
            self.injected[operation] += 1
        logger.warning("fault injected: %s %s on %s", status, code, operation)
        if json_protocol:
            body = json.dumps({"__type": code, "message": message}).encode()
            headers = {"Content-Type": "application/x-amz-json-1.1"}
        else:
            body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>".encode()
            headers = {"Content-Type": "application/xml"}
        return AWSResponse(request.url, status, headers, RawBody(body))
