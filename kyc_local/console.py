"""The review console on one machine: the template's staff user pool made in moto (its groups, the app client, one
demo user per role), the console's HttpApi served with the JWT authorizer's checks (kyc_local.jwt_auth) and the
sign-in route proxied to Cognito, as the template does with an HTTP_PROXY integration."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from kyc_local.api import HttpApiServer, Route, _json
from kyc_local.jwt_auth import JwtVerifier, Unauthorized, as_authorizer_claims

GROUPS = ("reviewer", "senior", "admin", "auditor")
DEMO_USERS = {"rita": "reviewer", "rob": "reviewer", "sam": "senior", "sue": "senior", "ada": "admin", "al": "auditor"}
DEMO_PASSWORD = "Console-Demo-2026!"  # local only: printed by `kyc up`, never a cloud default
SIGN_IN = ("POST", "/console/auth")
_FORWARDED = ("InitiateAuth", "RespondToAuthChallenge", "RevokeToken")


def jwt_routes(body: dict[str, Any]) -> set[str]:
    """The route keys ("GET /console/queue") an OpenAPI body puts behind a JWT authorizer."""
    schemes = body.get("components", {}).get("securitySchemes", {})
    jwt_schemes = {name for name, scheme in schemes.items()
                   if scheme.get("x-amazon-apigateway-authorizer", {}).get("type") == "jwt"}
    default = body.get("security", [])
    keys = set()
    for path, methods in body.get("paths", {}).items():
        for method, operation in methods.items():
            security = operation.get("security", default) if isinstance(operation, dict) else []
            if any(name in jwt_schemes for requirement in security for name in requirement):
                keys.add(f"{method.upper()} {path}")
    return keys


class ConsoleApiServer(HttpApiServer):
    """An HttpApi whose JWT routes answer 401 without a verified token and hand the claims to the function."""

    def __init__(self, api_id: str, routes: list[Route], invoke: Callable[[str, Any], Any], credentials: tuple[str, str],
                 account: str, host: str, protected: set[str]):
        super().__init__(api_id, routes, invoke, credentials, account, host)
        self.protected = protected
        self.verifier: JwtVerifier | None = None
        self.cognito: Any = None  # the runtime's cognito-idp client, for the sign-in route
        self._claims = threading.local()

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes, source_ip: str) -> tuple:
        path = urlsplit(target).path
        if (method, path) == SIGN_IN:
            return self._sign_in(headers, body)
        route = next((r for r in self.routes if r.match(method, path) is not None), None)
        self._claims.value = None
        if route is not None and route.key in self.protected:
            authorization = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
            try:
                if self.verifier is None:
                    raise Unauthorized("no issuer configured")
                self._claims.value = as_authorizer_claims(self.verifier.claims(authorization))
            except Unauthorized:
                return _json(401, {"message": "Unauthorized"})
        return super().handle(method, target, headers, body, source_ip)

    def _event(self, *args: Any) -> dict[str, Any]:
        event = super()._event(*args)
        if self._claims.value is not None:
            event["requestContext"]["authorizer"] = {"jwt": {"claims": self._claims.value, "scopes": None}}
        return event

    def _sign_in(self, headers: dict[str, str], body: bytes) -> tuple:
        target = next((v for k, v in headers.items() if k.lower() == "x-amz-target"), "")
        operation = target.rpartition(".")[2]
        if operation not in _FORWARDED or self.cognito is None:
            return _json(400, {"__type": "InvalidAction"})
        try:
            answer = getattr(self.cognito, _snake(operation))(**json.loads(body or b"{}"))
        except self.cognito.exceptions.ClientError as error:
            return 400, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(
                {"__type": error.response["Error"]["Code"], "message": "sign-in failed"}).encode()
        answer.pop("ResponseMetadata", None)
        return 200, {"Content-Type": "application/x-amz-json-1.1", "Cache-Control": "no-store"}, json.dumps(answer).encode()


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def make_server(provisioner: Any, api: Any, invoke: Callable[[str, Any], Any], credentials: tuple[str, str],
                account: str, host: str) -> HttpApiServer:
    """The server of one HttpApi (kyc_local.provision.HttpApi): a ConsoleApiServer when any of its routes is behind
    a JWT authorizer."""
    api_id, routes = api.api_id, api.routes
    body = provisioner.resolver.resolve(provisioner.resources[api.logical_id].get("Properties", {}).get("Body", {}))
    protected = jwt_routes(body)
    if not protected:
        return HttpApiServer(api_id, routes, invoke, credentials, account, host)
    return ConsoleApiServer(api_id, routes, invoke, credentials, account, host, protected)


def provision(cognito: Any, servers: list[HttpApiServer], aws_url: str, region: str,
              credentials: tuple[str, str], stack_name: str) -> dict[str, str]:
    """The staff pool in moto with its groups, client and demo users; the console servers verify its tokens.
    Returns the variables the console function needs (CONSOLE_CLIENT_ID)."""
    pool = cognito.create_user_pool(PoolName=f"{stack_name}-staff", AdminCreateUserConfig={
        "AllowAdminCreateUserOnly": True})["UserPool"]["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool, ClientName="review-console", GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    for group in GROUPS:
        cognito.create_group(UserPoolId=pool, GroupName=group)
    for user, group in DEMO_USERS.items():
        cognito.admin_create_user(UserPoolId=pool, Username=user, MessageAction="SUPPRESS")
        cognito.admin_set_user_password(UserPoolId=pool, Username=user, Password=DEMO_PASSWORD, Permanent=True)
        cognito.admin_add_user_to_group(UserPoolId=pool, Username=user, GroupName=group)
    # InitiateAuth is unsigned on AWS; the local moto answers signed requests only, so the runtime signs its proxy's.
    cognito.meta.events.register("choose-signer.cognito-idp.*", lambda **_: "v4")
    issuer = f"https://cognito-idp.{region}.amazonaws.com/{pool}"
    jwks_url = f"{aws_url}/{pool}/.well-known/jwks.json"
    for server in servers:
        if isinstance(server, ConsoleApiServer):
            server.verifier = JwtVerifier(issuer, [client], lambda: _signed_get(jwks_url, region, credentials))
            server.cognito = cognito
    return {"CONSOLE_CLIENT_ID": client, "KYC_LOCAL_STAFF_POOL": pool}


def _signed_get(url: str, region: str, credentials: tuple[str, str]) -> dict[str, Any]:
    """GET from the local moto, signed like every request it answers (the stack refuses unsigned ones)."""
    request = AWSRequest(method="GET", url=url)
    SigV4Auth(Credentials(*credentials), "cognito-idp", region).add_auth(request)
    with urlopen(Request(url, headers=dict(request.headers.items())), timeout=10) as response:
        keys: dict[str, Any] = json.loads(response.read())
        return keys


def sign_in_help(console_url: str) -> str:
    users = ", ".join(f"{user} ({group})" for user, group in DEMO_USERS.items())
    return f"Review console: {console_url}/console  users: {users}; password {DEMO_PASSWORD}"

