"""Prometheus metrics. Order and queue gauges are read from the database per scrape."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily


class Metrics:
    def __init__(self) -> None:
        self.registry = r = CollectorRegistry()
        self.delivery_latency = Histogram(
            "faka_delivery_latency_seconds", "paid → delivered, wall seconds", registry=r,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300))
        self.supplier_calls = Counter("faka_supplier_calls_total", "supplier calls by outcome",
                                      ["supplier", "outcome"], registry=r)
        self.alerts = Counter("faka_alerts_total", "alerts raised", ["rule"], registry=r)
        self.anomalies = Counter("faka_payment_anomalies_total", "rejected notifies",
                                 ["kind"], registry=r)
        self.notifies = Counter("faka_notifies_total", "payment notifies by result",
                                ["result"], registry=r)
        self.deliveries = Counter("faka_deliveries_total", "deliveries by source",
                                  ["source"], registry=r)
        self.abandoned = Counter("faka_orders_abandoned_total", "order requests whose buyer "
                                 "hung up before they were served: no order made", registry=r)
        self.snapshot: dict[str, dict[str, int]] = {"orders": {}, "jobs": {}}
        r.register(_DbGauges(self))


class _DbGauges:
    def __init__(self, m: Metrics) -> None:
        self.m = m

    def collect(self):  # type: ignore[no-untyped-def]
        orders = GaugeMetricFamily("faka_orders", "orders by status", labels=["status"])
        for status, n in self.m.snapshot["orders"].items():
            orders.add_metric([status], n)
        yield orders
        queue = GaugeMetricFamily("faka_queue_depth", "outbox jobs not done", labels=["kind"])
        for kind, n in self.m.snapshot["jobs"].items():
            queue.add_metric([kind], n)
        yield queue
