"""How many connections a link's proxy accepted: read at a link fault's inject and heal.

The embedded Toxiproxy counts accepted connections per proxy (``GET
/proxies/{p}/connections``, an extension Go's server answers with a 404), so the
oracle can tell how often the shop dialled a supplier whose link was dark (the
`breaker` check). The reading is taken after an inject is proven and before a
heal is applied, so the difference covers the fault's window only. Go's server,
or an unreadable proxy, gives no count and a reason; the check then says *unknown*.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from drill.stack import ToxiproxyClient

TIMEOUT_S = 2.0


def accepted_connections(toxi: ToxiproxyClient | None, link: str) -> dict[str, Any]:
    """``{"accepted_connections": N}``, or ``{"accepted_connections_error": why}``."""
    if toxi is None:
        return {"accepted_connections_error": "the stack has no Toxiproxy"}
    url = f"{toxi.url}/proxies/{quote(link, safe='')}/connections"
    try:
        r = httpx.get(url, timeout=TIMEOUT_S, trust_env=False)
    except httpx.HTTPError as exc:
        return {"accepted_connections_error": f"GET {url}: {exc}"}
    if r.status_code == 404 and "page not found" in r.text:
        return {"accepted_connections_error": f"Toxiproxy at {toxi.url} ({toxi.kind}) counts no "
                "connections (GET /proxies/{p}/connections is the embedded server's "
                "extension); run with --toxiproxy embedded to count them"}
    try:
        r.raise_for_status()
        return {"accepted_connections": int(r.json()["accepted"])}
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        return {"accepted_connections_error": f"GET {url} answered {r.status_code}: {exc}"}
