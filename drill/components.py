"""The names of a drill's parts, declared once: processes, fakes and Toxiproxy links.

The stack starts components and creates links under these names; the fault
plan validates targets against them; the collector and reports refer to them.
"""

from __future__ import annotations

SUPPLIERS = ("primary", "backup")
GATEWAY, SINK, TOXIPROXY = "gateway", "sink", "toxiproxy"
FAKES = (GATEWAY, *(f"supplier-{name}" for name in SUPPLIERS), SINK)

# Toxiproxy links: who talks to whom through a proxy the faults can break
# (upstreams and listen addresses: drill/stack/links.py).
SUPPLIER_LINKS = {name: f"supplier_{name}" for name in SUPPLIERS}   # service -> supplier
GATEWAY_QUERY = "gateway_query"     # service -> gateway (order query)
GATEWAY_NOTIFY = "gateway_notify"   # gateway -> service (payment notify)
IM = "im"                           # service -> sink (alerts, mails)
# the IM robots every drill configures on the shop; an alert is owed on each (messages)
ALERT_CHANNELS = ("dingtalk", "telegram", "wecom")
SMTP = "smtp"                       # service -> sink's SMTP relay ([sink] smtp = true)
DB = "db"                           # service -> its PostgreSQL or MariaDB/MySQL
LINKS = (*SUPPLIER_LINKS.values(), GATEWAY_NOTIFY, GATEWAY_QUERY, IM, SMTP, DB)

# The delivery service: one `service`, or one `api` plus `worker-1..N`.
SERVICE, API, WORKER = "service", "api", "worker"


def supplier_component(name: str) -> str:
    """`primary` -> `supplier-primary`, the fake's component name."""
    return f"supplier-{name}"


def worker_component(number: int) -> str:
    return f"{WORKER}-{number}"


def service_components(workers: int) -> tuple[str, ...]:
    """The fault targets the service offers: `service`, or `api`, `worker` (all) and each worker."""
    if workers == 0:
        return (SERVICE,)
    return (API, WORKER, *(worker_component(i) for i in range(1, workers + 1)))
