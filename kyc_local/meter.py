"""A pass-through in front of the vision endpoint that counts the paid calls (CompareFaces, AnalyzeID).

On AWS each call is billed; locally the count shows that a rejected or duplicate bundle costs nothing
(`GET /` on the meter returns the counts). Requests that arrive while the engines are still warming up wait for them.
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

from kyc_local.http_server import BackgroundHttpServer

logger = logging.getLogger(__name__)

_MEMBER = re.compile(rb'"unzipped/(?:attempt\d+/)?([A-Za-z0-9_-]+?)_(?:license|selfie)')  # the application a paid call is for
_FORWARDED = {"content-type", "x-amz-target", "x-amz-date", "authorization", "x-amz-security-token"}


class Meter(BackgroundHttpServer):
    def __init__(self, upstream: str, ready: threading.Event, host: str = "127.0.0.1", wait: float = 120.0):
        self.calls: Counter[str] = Counter()
        self.by_application: Counter[tuple[str, str]] = Counter()  # (app_uuid, operation) → calls
        self.seconds: Counter[str] = Counter()  # time spent in the engines (upstream), by X-Amz-Target
        self._lock = threading.Lock()
        self._upstream = urlsplit(upstream)
        self._ready = ready
        self._wait = wait
        super().__init__(_handler(self), "vision-meter", host)

    def count(self, operation: str) -> int:
        """Calls made so far of an operation by its short name: "CompareFaces", "AnalyzeID"."""
        with self._lock:
            return sum(n for target, n in self.calls.items() if target.rsplit(".", 1)[-1] == operation)

    def applications(self) -> dict[str, dict[str, int]]:
        """Calls so far by application and operation: {"8d247914": {"CompareFaces": 1, "AnalyzeID": 1}}."""
        with self._lock:
            counts: dict[str, dict[str, int]] = {}
            for (app_uuid, operation), calls in self.by_application.items():
                counts.setdefault(app_uuid, {})[operation] = calls
            return counts

    def forward(self, headers: dict[str, str], body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        headers = {name.lower(): value for name, value in headers.items() if name.lower() in _FORWARDED}
        operation = headers.get("x-amz-target", "")
        application = _MEMBER.search(body)
        with self._lock:
            self.calls[operation] += 1
            if application:
                self.by_application[application.group(1).decode(), operation.rsplit(".", 1)[-1]] += 1
        if not self._ready.wait(self._wait):
            return 503, [("Content-Type", "application/x-amz-json-1.1")], b'{"__type":"ServiceUnavailableException"}'
        connection = http.client.HTTPConnection(self._upstream.hostname, self._upstream.port, timeout=self._wait)
        started = time.perf_counter()
        try:
            connection.request("POST", "/", body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()
            with self._lock:
                self.seconds[headers.get("x-amz-target", "")] += time.perf_counter() - started


def _handler(meter: Meter) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            """The counts so far, by operation and by application:
            {"CompareFaces": 2, "AnalyzeID": 2, "applications": {"8d247914": {"CompareFaces": 1, "AnalyzeID": 1}}}."""
            counts = {op: meter.count(op) for op in ("CompareFaces", "AnalyzeID")}
            payload = json.dumps({**counts, "applications": meter.applications()}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {name: value for name, value in self.headers.items()}
            try:
                status, response_headers, payload = meter.forward(headers, body)
            except OSError:
                logger.exception("vision endpoint unreachable")
                status, response_headers, payload = 503, [], b'{"__type":"ServiceUnavailableException"}'
            self.send_response(status)
            for name, value in response_headers:
                if name.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("meter %s", format % args)

    return Handler
