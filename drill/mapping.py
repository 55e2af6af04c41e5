"""Scenario -> what each part is handed: delivery config (CONTRACTS §1), LoadPlan, CheckSpec.

Pure functions; the stack supplies the URLs. Wall-second scenario fields map
to the LoadPlan/CheckSpec `*_s` fields unchanged; `[service]` fields are
scenario seconds and go into the config unchanged (the service divides them
by `time_scale`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drill.durations import parse_threshold
from drill.scenario import Scenario, SupplierSpec

SUPPLIERS = ("primary", "backup")
DEFAULT_SUPPLIER_STOCK = 100_000
GATEWAY_PID, GATEWAY_KEY = "1001", "drill-merchant-key"
ADMIN_TOKEN = "drill-admin"
BUYER_NOTICE_DEFAULT_S = 120.0
ALERT_WINDOW_DEFAULT_S = 600.0   # delivery's monitor.window_s default (CONTRACTS §1)


def supplier_credentials(name: str) -> tuple[str, str]:
    return f"drill-{name}-key", f"drill-{name}-secret"


@dataclass(frozen=True)
class ServiceUrls:
    """Where the service reaches everything (through Toxiproxy where a link exists)."""

    public_base_url: str                    # the gateway_notify proxy: gateway -> service
    gateway_query_url: str                  # service -> gateway (order query)
    gateway_public_url: str                 # buyers -> gateway, direct
    suppliers: dict[str, str] = field(default_factory=dict)
    im_url: str = ""                        # service -> sink
    db_url: str = ""


def supplier_spec(scenario: Scenario, name: str) -> SupplierSpec:
    return scenario.suppliers.get(name) or SupplierSpec()  # type: ignore[call-overload]


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
    if svc.order_expiry_s is not None:
        cfg["order_expiry_s"] = svc.order_expiry_s
    for section in ("supplier_policy", "worker", "reconcile", "risk", "monitor", "buyer_notice"):
        values = getattr(svc, section).model_dump(mode="json", exclude_none=True)
        if values:
            cfg[section] = values
    return cfg


def load_plan_fields(scenario: Scenario, service_url: str, gateway_url: str) -> dict[str, Any]:
    """Keyword arguments for `drill.load.LoadPlan` (wall seconds throughout)."""
    load = scenario.load
    return {
        "service_url": service_url,
        "gateway_url": gateway_url,
        "products": tuple(load.products or (p.id for p in scenario.catalogue)),
        "shape": load.shape,
        "duration_s": load.duration,
        "users": load.users,
        "spawn_rate": load.spawn_rate,
        "rate": load.rate,
        "peak_multiplier": load.spike.multiplier,
        "spike_at_s": load.spike.at,
        "spike_for_s": load.spike.for_,
        "steps": tuple((float(at), float(v)) for at, v in load.steps),
        "max_orders": load.max_orders,
        "quantity": load.quantity,
        "pay_probability": load.pay_probability,
        "contacts": load.contacts,
        "poll_timeout_s": load.poll_timeout,
        "poll_interval_s": load.poll_interval,
        "seed": scenario.seed,
        "processes": load.processes,
    }


def check_spec_fields(scenario: Scenario) -> dict[str, Any]:
    """Keyword arguments for `drill.checks.CheckSpec`; thresholds as (metric, op, value)."""
    exp = scenario.expect
    notice_after: float | None = None
    if exp.buyer_notice:
        delay = scenario.service.buyer_notice.delay_after_s or BUYER_NOTICE_DEFAULT_S
        notice_after = delay / scenario.time_scale
    return {
        "checks": tuple(exp.checks),
        "thresholds": tuple(parse_threshold(t) for t in exp.thresholds),
        "expect_alerts": tuple(exp.alerts),
        "quiet_alerts": exp.quiet,
        "max_attempts_per_order": exp.max_attempts_per_order,
        "max_supplier_calls_per_s": exp.max_supplier_calls_per_s,
        "failover_within_s": exp.failover_within,
        "alert_within_s": exp.alert_within,
        "notice_after_s": notice_after,
        "time_scale": scenario.time_scale,
        "expected_unresolved": tuple(exp.unresolved),
        "alert_window_s": (scenario.service.monitor.window_s or ALERT_WINDOW_DEFAULT_S)
        / scenario.time_scale,
    }


def to_load_plan(scenario: Scenario, service_url: str, gateway_url: str) -> Any:
    from drill.load import LoadPlan

    return LoadPlan(**load_plan_fields(scenario, service_url, gateway_url))


def to_check_spec(scenario: Scenario) -> Any:
    from drill.checks import CheckSpec, Threshold

    fields = check_spec_fields(scenario)
    fields["thresholds"] = tuple(Threshold(m, op, v) for m, op, v in fields["thresholds"])
    return CheckSpec(**fields)
