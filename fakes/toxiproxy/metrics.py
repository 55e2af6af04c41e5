"""Go Toxiproxy's `-proxy-metrics`: byte counters per proxy and direction at /metrics.

Off by default (then /metrics is a 404, as in Go); when on, each link holds its
two labelled counter children, so the data path pays one `inc` per chunk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, generate_latest

if TYPE_CHECKING:
    from fakes.toxiproxy.proxy import Proxy

LABELS = ("direction", "listener", "proxy", "upstream")
CONTENT_TYPE = b"text/plain; version=0.0.4; charset=utf-8"


class ProxyMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.received = Counter("toxiproxy_proxy_received_bytes", "Bytes read from the source",
                                LABELS, registry=self.registry)
        self.sent = Counter("toxiproxy_proxy_sent_bytes", "Bytes written to the destination",
                            LABELS, registry=self.registry)

    def meter(self, proxy: Proxy, upstream: bool) -> tuple[Any, Any]:
        """The (received, sent) counters one link increments."""
        labels = ("upstream" if upstream else "downstream", proxy.listen, proxy.name,
                  proxy.upstream)
        return self.received.labels(*labels), self.sent.labels(*labels)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
