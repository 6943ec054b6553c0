"""The handlers' calls to moto, answered in their own thread by moto's WSGI application, without HTTP.

The local runtime runs the handlers and moto in one process. Over HTTP, each call went through a TCP connection to
moto's development server, a thread it started for the request, and HTTP parsing on both sides: half to two thirds of
a call's time. This `before-send` hook on the handlers' botocore session gives a request for moto's endpoint to the
same WSGI application the server runs, with the environ the server would build, and returns the answer as the HTTP
response botocore would have read. botocore still serialises, signs, checksums, retries and parses. Other endpoints
(the vision endpoint, the HTTP API) go over the network.

botocore runs every `before-send` hook and takes the first answer, so a separate hook could not keep moto from
running a request it fails. The fault injector is therefore asked here first (`first`): a request it fails never
reaches moto.
"""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.compat import HTTPHeaders
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

logger = logging.getLogger(__name__)

_HOOK = "kyc-moto-in-process"


class RawBody(io.BytesIO):
    """The raw body of a response made here rather than received: botocore streams it, or reads it as a file (S3
    GetObject)."""

    def stream(self, **_: object):
        yield self.getvalue()


Answer = Callable[..., AWSResponse | None]  # a `before-send` hook: the response to a request, or None


class MotoTransport:
    def __init__(self, endpoint: str, first: Answer | None = None):
        self._endpoint = endpoint.rstrip("/")
        self._first = first
        parts = urlsplit(self._endpoint)
        self._host, self._server_name, self._server_port = parts.netloc, parts.hostname or "", str(parts.port or 80)
        self._app = DomainDispatcherApplication(create_backend_app)

    def install(self, session: Any) -> None:
        """Answer the calls of the session's clients, those made before too."""
        session.register("before-send", self, unique_id=_HOOK)

    def uninstall(self, session: Any) -> None:
        session.unregister("before-send", unique_id=_HOOK)

    def __call__(self, request: AWSPreparedRequest, **kwargs: Any) -> AWSResponse | None:
        if self._first is not None and (answer := self._first(request=request, **kwargs)) is not None:
            return answer
        if not request.url.startswith(self._endpoint + "/"):
            return None
        status: list[str] = []
        headers = HTTPHeaders()

        def start_response(line: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            status.append(line)
            for name, value in response_headers:
                headers[name] = value

        try:
            chunks = self._app(self._environ(request), start_response)
            try:
                body = b"".join(chunks)
            finally:
                getattr(chunks, "close", lambda: None)()
        except Exception:  # as moto's server answers a request its application fails on
            logger.exception("moto failed on %s %s", request.method, request.url)
            return AWSResponse(request.url, 500, HTTPHeaders(), RawBody(b"Internal Server Error"))
        return AWSResponse(request.url, int(status[0].split()[0]), headers, RawBody(body))

    def _environ(self, request: AWSPreparedRequest) -> dict[str, Any]:
        """What werkzeug's server (moto's MotoRequestHandler) makes of the request."""
        target = request.url[len(self._endpoint):]
        parts = urlsplit(target)
        body = request.body or b""
        if isinstance(body, str):  # the query protocol's form (SNS)
            body = body.encode()
        elif hasattr(body, "read"):  # a file streamed as the body
            body = body.read()
        environ = {
            "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False,
            "REQUEST_METHOD": request.method, "SCRIPT_NAME": "", "PATH_INFO": _latin1(unquote(parts.path)),
            "QUERY_STRING": _latin1(parts.query), "REQUEST_URI": _latin1(target), "RAW_URI": _latin1(target),
            "SERVER_NAME": self._server_name, "SERVER_PORT": self._server_port, "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": 0,
        }
        for name, value in request.headers.items():
            value = value.decode("latin-1") if isinstance(value, bytes) else value
            key = name.upper().replace("-", "_")
            key = key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        environ.setdefault("HTTP_HOST", self._host)
        environ["CONTENT_LENGTH"] = str(len(body))
        return environ


def _latin1(text: str) -> str:
    return text.encode().decode("latin-1")
