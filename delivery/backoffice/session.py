"""The operator's session (signed cookie): who is logged in, the language, the CSRF token."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.requests import Request

from delivery.config import Config

COOKIE = "faka_backoffice"
MAX_AGE_S = 12 * 3600


def secret_for(cfg: Config) -> str:
    """Derived from the admin token: stable across restarts and across API processes."""
    return hmac.new(cfg.admin_token.encode(), b"faka-backoffice-session", hashlib.sha256
                    ).hexdigest()


def operator_of(request: Request) -> str | None:
    name = request.session.get("operator")
    return name if isinstance(name, str) and name else None


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use); every POST form carries it."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or len(token) < 16:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return token


def csrf_ok(request: Request, given: str) -> bool:
    token = request.session.get("csrf")
    return isinstance(token, str) and bool(given) and hmac.compare_digest(token, given)
