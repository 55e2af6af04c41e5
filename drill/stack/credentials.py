"""The secrets a drill hands its own fakes and service (fixed: everything is on loopback)."""

from __future__ import annotations

import hashlib

from drill.components import SUPPLIERS

GATEWAY_PID, GATEWAY_KEY = "1001", "drill-merchant-key"
ADMIN_TOKEN = "drill-admin"


def supplier_credentials(name: str) -> tuple[str, str]:
    """(api key, api secret) of the supplier fake called `name`."""
    return f"drill-{name}-key", f"drill-{name}-secret"


def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


_SECRET_WORDS = ("token", "password", "passwd", "secret", "key")
MIN_SECRET_LEN = 6  # shorter values match too much ordinary text to be judged


def secret_digests(*, gateway_key: str = GATEWAY_KEY,
                   target_options: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """sha256 of every secret the world gave the shop (admin token, gateway key, supplier keys,
    the target's credentials), for meta.json: the access check finds a reply that echoes one
    without the run folder holding the secret itself."""
    secrets = {ADMIN_TOKEN, gateway_key, *(c for n in SUPPLIERS
                                          for c in supplier_credentials(n))}
    secrets.update(v for k, v in target_options if any(w in k.lower() for w in _SECRET_WORDS))
    return sorted(digest(s) for s in secrets if len(s) >= MIN_SECRET_LEN)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
