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

from drill.errors import FaultError
from drill.stack import ToxiproxyClient


def accepted_connections(toxi: ToxiproxyClient | None, link: str) -> dict[str, Any]:
    """``{"accepted_connections": N}``, or ``{"accepted_connections_error": why}``."""
    if toxi is None:
        return {"accepted_connections_error": "the stack has no Toxiproxy"}
    try:
        n = toxi.accepted_connections(link)
    except (FaultError, KeyError, TypeError, ValueError) as exc:
        return {"accepted_connections_error": f"Toxiproxy at {toxi.url}: {exc}"}
    if n is None:
        return {"accepted_connections_error": f"Toxiproxy at {toxi.url} ({toxi.kind}) counts no "
                "connections (GET /proxies/{p}/connections is the embedded server's "
                "extension); run with --toxiproxy embedded to count them"}
    return {"accepted_connections": n}
