"""The console's session, as API Gateway's JWT authorizer hands it over: the staff member from the verified ID token's
claims, the CSRF token bound to that token, and the headers every console response carries."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import urlsplit

from kyc.services.review import Staff

ROLES = frozenset({"reviewer", "senior", "admin", "auditor"})


class NotSignedIn(Exception):
    """No verified token (the authorizer lets no such request through; a route without one must not act)."""


def claims(event: dict[str, Any]) -> dict[str, Any]:
    found = (event.get("requestContext") or {}).get("authorizer", {}).get("jwt", {}).get("claims")
    if not isinstance(found, dict) or not found.get("jti"):
        raise NotSignedIn
    return found


def staff(claim_values: dict[str, Any]) -> Staff:
    """The staff member: user name and console roles. API Gateway passes a list claim as "[a b]"."""
    groups = claim_values.get("cognito:groups") or []
    if isinstance(groups, str):
        groups = groups.strip("[]").replace(",", " ").split()
    username = str(claim_values.get("cognito:username") or claim_values.get("username") or "")
    if not username:
        raise NotSignedIn
    return Staff(username, frozenset(groups) & ROLES)


def csrf_token(claim_values: dict[str, Any]) -> str:
    """Bound to the signed-in token (its jti, which only the token's holder knows): a forged form cannot carry it."""
    return hashlib.sha256(f"kyc-console-csrf:{claim_values['jti']}".encode()).hexdigest()[:32]


def csrf_valid(claim_values: dict[str, Any], sent: str) -> bool:
    return hmac.compare_digest(csrf_token(claim_values), sent)


def headers(image_url: str = "") -> dict[str, str]:
    """Security headers: a strict CSP (images only from the evidence bucket's origin), no caching, no framing."""
    parts = urlsplit(image_url)
    images = f" {parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    policy = (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        f"img-src 'self'{images}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    return {
        "Content-Security-Policy": policy,
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
    }
