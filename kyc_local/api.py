"""The HttpApi routes of the template served on 127.0.0.1, building API Gateway HTTP API (payload 2.0) events."""

from __future__ import annotations

import base64
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from kyc_local import sigv4
from kyc_local.http_server import BackgroundHttpServer
from kyc_local.lambdas import FunctionError

logger = logging.getLogger(__name__)

_FUNCTION_IN_URI = re.compile(r"functions/(arn:[^/]+)/invocations")
_TEXT_TYPES = ("text/", "json", "xml", "javascript", "x-www-form-urlencoded")
MAX_BODY = 10 * 1024 * 1024  # API Gateway HTTP APIs' payload limit


@dataclass(frozen=True)
class Route:
    method: str  # POST, GET, ... or ANY
    path: str  # /license, /items/{id}, /{proxy+}
    function: str
    iam: bool

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if self.method not in ("ANY", method):
            return None
        pattern = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", re.escape(self.path))
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", pattern)
        found = re.fullmatch(pattern, path)
        return found.groupdict() if found else None


def routes_from_openapi(body: dict[str, Any]) -> list[Route]:
    """The routes of an AWS::ApiGatewayV2::Api `Body` (what SAM generates for AWS::Serverless::HttpApi)."""
    schemes = body.get("components", {}).get("securitySchemes", {})
    iam_schemes = {name for name, scheme in schemes.items() if scheme.get("x-amazon-apigateway-authtype") == "awsSigv4"}
    iam_schemes.add("AWS_IAM")
    default_security = body.get("security", [])
    routes = []
    for path, methods in body.get("paths", {}).items():
        for method, operation in methods.items():
            integration = operation.get("x-amazon-apigateway-integration", {})
            found = _FUNCTION_IN_URI.search(str(integration.get("uri", "")))
            if found is None:
                continue
            security = operation.get("security", default_security)
            iam = any(name in iam_schemes for requirement in security for name in requirement)
            verb = "ANY" if method == "x-amazon-apigateway-any-method" else method.upper()
            routes.append(Route(verb, path, found.group(1), iam))
    return routes


class HttpApiServer(BackgroundHttpServer):
    """One HTTP API: routes → functions (run by `invoke(function, event)`); AWS_IAM routes need a valid SigV4
    signature of the local identity, checked as far as it can be before the body is read, which must fit `max_body`."""

    def __init__(self, api_id: str, routes: list[Route], invoke: Callable[[str, Any], Any],
                 credentials: tuple[str, str], account: str, host: str = "127.0.0.1", port: int = 0,
                 max_body: int = MAX_BODY):
        self.api_id = api_id
        self.routes = routes
        self._invoke = invoke
        self._credentials = credentials
        self._account = account
        self._max_body = max_body
        super().__init__(_handler(self), f"api-{api_id}", host, port)

    def refuse_unread(self, method: str, target: str, headers: dict[str, str]) -> tuple | None:
        """A response for a request refused on its headers alone, so that its body is never read; else None."""
        lowered = {name.lower(): value for name, value in headers.items()}
        if "transfer-encoding" in lowered:
            return _json(411, {"message": "Length Required"})
        length = lowered.get("content-length", "0")
        if not length.isdigit():
            return _json(400, {"message": "Bad Request"})
        path = urlsplit(target).path
        route = next((r for r in self.routes if r.match(method, path) is not None), None)
        if route is not None and route.iam:
            try:
                sigv4.precheck(headers, self._credentials[0])
            except sigv4.SignatureError as error:
                return _json(403, {"message": str(error)})
        if int(length) > self._max_body:
            return _json(413, {"message": "Request Entity Too Large"})
        return None

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes, source_ip: str) -> tuple:
        """(status, headers, body) for one request."""
        parts = urlsplit(target)
        for route in self.routes:
            parameters = route.match(method, parts.path)
            if parameters is None:
                continue
            caller = None
            if route.iam:
                host = headers.get("Host") or headers.get("host") or ""
                try:
                    caller = sigv4.verify(method, f"http://{host}{target}", headers, body, *self._credentials)
                except sigv4.SignatureError as error:
                    return _json(403, {"message": str(error)})
            event = self._event(route, method, parts, headers, body, parameters, caller, source_ip)
            try:
                result = self._invoke(route.function, event)
            except FunctionError:
                return _json(500, {"message": "Internal Server Error"})
            return _response(result)
        return _json(404, {"message": "Not Found"})

    def _event(self, route: Route, method: str, parts: Any, headers: dict[str, str], body: bytes,
               parameters: dict[str, str], caller: str | None, source_ip: str) -> dict[str, Any]:
        lowered: dict[str, str] = {}
        for name, value in headers.items():
            lowered[name.lower()] = f"{lowered[name.lower()]},{value}" if name.lower() in lowered else value
        lowered["x-forwarded-proto"] = "http"  # API Gateway sets it (https there), whatever the client sent
        content_type = lowered.get("content-type", "")
        is_text = not body or any(kind in content_type for kind in _TEXT_TYPES)
        now = time.time()
        event: dict[str, Any] = {
            "version": "2.0",
            "routeKey": route.key,
            "rawPath": parts.path,
            "rawQueryString": parts.query,
            "headers": lowered,
            "requestContext": {
                "accountId": self._account,
                "apiId": self.api_id,
                "domainName": lowered.get("host", ""),
                "domainPrefix": lowered.get("host", "").split(".")[0],
                "http": {"method": method, "path": parts.path, "protocol": "HTTP/1.1", "sourceIp": source_ip,
                         "userAgent": lowered.get("user-agent", "")},
                "requestId": str(uuid.uuid4()),
                "routeKey": route.key,
                "stage": "$default",
                "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
                "timeEpoch": int(now * 1000),
            },
            "isBase64Encoded": not is_text,
        }
        if caller:
            event["requestContext"]["authorizer"] = {"iam": {
                "accessKey": caller, "accountId": self._account, "callerId": caller, "cognitoIdentity": None,
                "principalOrgId": None, "userArn": f"arn:aws:iam::{self._account}:root", "userId": caller}}
        if "cookie" in lowered:
            event["cookies"] = [cookie.strip() for cookie in lowered.pop("cookie").split(";")]
        if parts.query:
            event["queryStringParameters"] = dict(parse_qsl(parts.query, keep_blank_values=True))
        if parameters:
            event["pathParameters"] = parameters
        if body:
            event["body"] = body.decode("utf-8", "replace") if is_text else base64.b64encode(body).decode()
        return event


def _json(status: int, payload: Any) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()


def _response(result: Any) -> tuple[int, dict[str, str], bytes]:
    """Payload 2.0: a dict with statusCode is the response; anything else is a 200 JSON body."""
    if not isinstance(result, dict) or "statusCode" not in result:
        return _json(200, result)
    headers = {str(name): str(value) for name, value in (result.get("headers") or {}).items()}
    body = result.get("body") or ""
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
    headers.setdefault("Content-Type", "application/json")
    return int(result["statusCode"]), headers, raw


def _handler(api: HttpApiServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            headers = {name: value for name, value in self.headers.items()}
            refused = api.refuse_unread(self.command, self.path, headers)
            if refused is not None:
                self.close_connection = True  # the unread body must not be taken for the next request
                self._answer(*refused)
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                status, response_headers, payload = api.handle(self.command, self.path, headers, body,
                                                               self.client_address[0])
            except Exception:
                logger.exception("HTTP API request failed")
                status, response_headers, payload = _json(500, {"message": "Internal Server Error"})
            self._answer(status, response_headers, payload)

        def _answer(self, status: int, response_headers: dict[str, str], payload: bytes) -> None:
            self.send_response(status)
            for name, value in response_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("apigw-requestid", str(uuid.uuid4()))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _serve

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("api %s", format % args)

    return Handler
