"""Scenario -> the delivery service's config file (CONTRACTS §1). Pure; the stack gives URLs.

`[service]` fields are scenario seconds and go into the config unchanged (the
service divides them by `time_scale`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drill.scenario import Scenario, SupplierSpec
from drill.stack.credentials import ADMIN_TOKEN, GATEWAY_KEY, GATEWAY_PID, supplier_credentials

DEFAULT_SUPPLIER_STOCK = 100_000
SHOP_MAIL, OPS_MAIL = "shop@drill.example", "ops@drill.example"


@dataclass(frozen=True)
class ServiceUrls:
    """Where the service reaches everything (through Toxiproxy where a link exists)."""

    public_base_url: str                    # the gateway_notify proxy: gateway -> service
    gateway_query_url: str                  # service -> gateway (order query)
    gateway_public_url: str                 # buyers -> gateway, direct
    suppliers: dict[str, str] = field(default_factory=dict)
    im_url: str = ""                        # service -> sink
    db_url: str = ""
    smtp: str = ""                          # service -> sink's SMTP relay, host:port


def supplier_spec(scenario: Scenario, name: str) -> SupplierSpec:
    return {str(k): v for k, v in scenario.suppliers.items()}.get(name) or SupplierSpec()


def supplier_stock(scenario: Scenario, name: str) -> dict[str, int]:
    spec = supplier_spec(scenario, name)
    if spec.stock:
        return dict(spec.stock)
    return {p.sku or p.id: DEFAULT_SUPPLIER_STOCK
            for p in scenario.catalogue if p.kind == "supplier"}


def service_config(
    scenario: Scenario, urls: ServiceUrls, *, defects: tuple[str, ...] = ()
) -> dict[str, Any]:
    svc = scenario.service
    im = urls.im_url.rstrip("/")
    cfg: dict[str, Any] = {
        "time_scale": scenario.time_scale,
        "db_url": urls.db_url,
        "admin_token": ADMIN_TOKEN,
        "public_base_url": urls.public_base_url.rstrip("/"),
        "gateway": {"url": urls.gateway_query_url.rstrip("/") + "/", "pid": GATEWAY_PID,
                    "key": GATEWAY_KEY},
        "gateway_public_url": urls.gateway_public_url.rstrip("/") + "/",
        "suppliers": {
            name: {"url": url.rstrip("/"), "api_key": supplier_credentials(name)[0],
                   "api_secret": supplier_credentials(name)[1]}
            for name, url in urls.suppliers.items()
        },
        "products": [
            {"id": p.id, "name": p.name or p.id, "price": f"{p.price:.2f}", "kind": p.kind,
             **({"supplier_sku": p.sku or p.id} if p.kind == "supplier" else {})}
            for p in scenario.catalogue
        ],
        "alerts": {
            "dingtalk": f"{im}/robot/send?access_token=drill",
            "telegram": f"{im}/botdrill/sendMessage?chat_id=1",
            "wecom": f"{im}/cgi-bin/webhook/send?key=drill",
        },
        "buyer_mail_url": f"{im}/mail/send",
        "defects": sorted(set(svc.defects) | set(defects)),
    }
    if urls.smtp:
        host, _, port = urls.smtp.rpartition(":")
        cfg["smtp"] = {"host": host, "port": int(port), "from": SHOP_MAIL, "admin_to": OPS_MAIL,
                       "starttls": False, "timeout_s": 5}
    if svc.order_expiry_s is not None:
        cfg["order_expiry_s"] = svc.order_expiry_s
    for section in ("supplier_policy", "worker", "reconcile", "risk", "monitor", "buyer_notice"):
        values = getattr(svc, section).model_dump(mode="json", exclude_none=True)
        if values:
            cfg[section] = values
    return cfg
