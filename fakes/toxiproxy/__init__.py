"""An embedded, Toxiproxy-v2-compatible TCP fault-injection proxy.

Speaks Toxiproxy's HTTP API exactly (so toxiproxy-python and the other
clients work unchanged) and runs its data path on asyncio Protocols under
uvloop: a direct fast path when a direction has no toxics, Toxiproxy's stub
pipeline when it has.  Run it with ``python -m fakes.toxiproxy``.

One extension Go does not have: ``GET /proxies/{p}/connections`` answers
``{"name", "accepted", "open"}``, the connections the listener accepted since
the proxy was created and those open now, so a drill can count how often a
client dials a link under a toxic (a disabled proxy accepts nothing, as in Go).
Against Go's server that route is a 404.
"""

from fakes.toxiproxy.api import Api
from fakes.toxiproxy.collection import ProxyCollection

__all__ = ["Api", "ProxyCollection"]
