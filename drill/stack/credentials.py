"""The secrets a drill hands its own fakes and service (fixed: everything is on loopback)."""

from __future__ import annotations

GATEWAY_PID, GATEWAY_KEY = "1001", "drill-merchant-key"
ADMIN_TOKEN = "drill-admin"


def supplier_credentials(name: str) -> tuple[str, str]:
    """(api key, api secret) of the supplier fake called `name`."""
    return f"drill-{name}-key", f"drill-{name}-secret"


def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}
