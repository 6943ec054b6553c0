"""JWTs verified as API Gateway's JWT authorizer verifies them: RS256 signature against the issuer's JWKS (the key
named by `kid`), `iss` the configured issuer, `aud` (ID token) or `client_id` (access token) one of the audiences,
`exp` in the future and `nbf`/`iat` not ahead of the clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

LEEWAY = 0  # API Gateway allows no clock skew


class Unauthorized(Exception):
    """The token is missing, malformed, wrongly signed, expired, or not for this API."""


class JwtVerifier:
    def __init__(self, issuer: str, audiences: list[str], jwks: Callable[[], dict[str, Any]]):
        self.issuer, self.audiences = issuer, audiences
        self._keys = KeySet.import_key_set(jwks())  # type: ignore[arg-type]

    def claims(self, authorization: str | None) -> dict[str, Any]:
        """The verified claims of an `Authorization: Bearer <jwt>` (or bare token) header value."""
        if not authorization:
            raise Unauthorized("no token")
        raw = authorization[7:] if authorization.lower().startswith("bearer ") else authorization
        try:
            token = jwt.decode(raw.strip(), self._keys, algorithms=["RS256"])
        except (JoseError, ValueError) as error:
            raise Unauthorized(f"bad token: {type(error).__name__}") from None
        claims: dict[str, Any] = dict(token.claims)
        now = time.time()
        audience = claims.get("aud") if claims.get("token_use") == "id" else claims.get("client_id")
        if claims.get("iss") != self.issuer:
            raise Unauthorized("wrong issuer")
        if audience not in self.audiences:
            raise Unauthorized("wrong audience")
        if not isinstance(claims.get("exp"), int | float) or claims["exp"] <= now - LEEWAY:
            raise Unauthorized("expired")
        if claims.get("nbf", 0) > now + LEEWAY or claims.get("iat", 0) > now + LEEWAY:
            raise Unauthorized("not yet valid")
        return claims


def as_authorizer_claims(claims: dict[str, Any]) -> dict[str, str]:
    """The claims as API Gateway hands them to the integration: every value a string, a list as "[a b]"."""
    return {key: f"[{' '.join(map(str, value))}]" if isinstance(value, list) else str(value)
            for key, value in claims.items()}
