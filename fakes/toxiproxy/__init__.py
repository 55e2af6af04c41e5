"""An embedded, Toxiproxy-v2-compatible TCP fault-injection proxy.

Speaks Toxiproxy's HTTP API exactly (so toxiproxy-python and the other
clients work unchanged) and runs its data path on asyncio Protocols under
uvloop: a direct fast path when a direction has no toxics, Toxiproxy's stub
pipeline when it has.  Run it with ``python -m fakes.toxiproxy``.
"""

from fakes.toxiproxy.api import Api
from fakes.toxiproxy.collection import ProxyCollection

__all__ = ["Api", "ProxyCollection"]
