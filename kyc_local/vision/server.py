"""The vision endpoint: Rekognition CompareFaces and Textract AnalyzeID over the AWS JSON 1.1 protocol."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any, Self

from kyc_local.http_server import BackgroundHttpServer
from kyc_local.vision import rekognition, textract
from kyc_local.vision.engines import Engines
from kyc_local.vision.inputs import ApiError, ImageLoader

CONTENT_TYPE = "application/x-amz-json-1.1"
MAX_BODY = 30 * 1024 * 1024  # two 10 MB AnalyzeID pages in base64 (4/3 larger) plus JSON framing

logger = logging.getLogger(__name__)

Operation = Callable[[dict[str, Any]], dict[str, Any]]


class VisionServer:
    """A threaded HTTP server on `host:port` (0 = ephemeral) serving the local engines behind the AWS APIs, with
    `workers` engine workers (default one per core) unless given `engines`."""

    def __init__(self, s3_client_factory: Callable[[], Any] | None = None, host: str = "127.0.0.1", port: int = 0,
                 engines: Engines | None = None, workers: int | None = None):
        self.engines = engines or Engines(workers)
        self._owns_engines = engines is None
        loader = ImageLoader(s3_client_factory)
        self._operations: dict[str, Operation] = {
            "RekognitionService.CompareFaces": lambda body: rekognition.compare_faces(self.engines.faces, loader, body),
            "Textract.AnalyzeID": lambda body: textract.analyze_id(self.engines.id_reader, loader, body),
        }
        self._address = (host, port)
        self._server: BackgroundHttpServer | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the vision server is not running")
        return self._server.url

    def warm(self) -> None:
        """Load the engines and run one inference each, so the first request is as fast as the others."""
        self.engines.warm()

    def start(self) -> str:
        """Warm the engines, start serving in a background thread and return the endpoint URL."""
        if self._server is None:
            self.warm()
            self._server = BackgroundHttpServer(_handler(self._operations), "vision-server", *self._address)
            self._server.start()
        return self.url

    def stop(self) -> None:
        """Stop serving, and end the engine workers unless they were given."""
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._owns_engines:
            self.engines.stop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def _handler(operations: dict[str, Operation]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            try:
                status, body = 200, self._dispatch()
            except ApiError as exc:
                status, body = exc.status, {"__type": exc.code, "message": exc.message}
            except Exception:
                logger.exception("vision request failed")
                status, body = 500, {"__type": "InternalServerError", "message": "Internal server error"}
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", CONTENT_TYPE)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            self.end_headers()
            self.wfile.write(payload)

        def _dispatch(self) -> dict[str, Any]:
            operation = operations.get(self.headers.get("X-Amz-Target", ""))
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self.close_connection = True  # the unread body must not be taken for the next request
                raise ApiError("ValidationException", "request body is too large", 413)
            raw = self.rfile.read(length)
            if operation is None:
                raise ApiError("UnknownOperationException", "unknown X-Amz-Target")
            try:
                request = json.loads(raw or b"{}")
            except ValueError as exc:
                raise ApiError("SerializationException", "request body is not valid JSON") from exc
            if not isinstance(request, dict):
                raise ApiError("SerializationException", "request body must be a JSON object")
            return operation(request)

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("vision %s", format % args)

    return Handler
