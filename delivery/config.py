"""Service configuration: the JSON file of CONTRACTS §1, validated strictly.

All durations in the file are scenario seconds; `Config.wall(d)` turns one into
wall seconds (divided by `time_scale`).
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from delivery.defects import ALL_DEFECTS

ALLOW_DEFECTS_ENV = "FAKA_DRILL_ALLOW_DEFECTS"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Gateway(_Strict):
    url: str = "http://127.0.0.1:9/"
    pid: str = "1001"
    key: str = "merchantkey"


class Supplier(_Strict):
    url: str
    api_key: str = "k"
    api_secret: str = "s"


class SupplierPolicy(_Strict):
    timeout_s: float = 2.0  # wall seconds: a network answer timeout is not time-scaled
    max_attempts: int = Field(4, ge=1, le=50)
    backoff_base_s: float = 0.5
    backoff_max_s: float = 30.0
    breaker_failures: int = 5
    breaker_reset_s: float = 30.0
    processing_wait_s: float = 120.0  # how long an accepted (processing) purchase is awaited
    processing_poll_s: float = 2.0  # between looks at a processing purchase


class Worker(_Strict):
    lease_s: float = 30.0
    concurrency: int = Field(32, ge=1, le=1024)
    poll_s: float = 0.05


class Reconcile(_Strict):
    after_s: float = 60.0
    every_s: float = 30.0
    horizon_s: float = Field(86400.0, gt=0)  # orders younger than this are asked about
    max_per_tick: int = Field(200, ge=1, le=100_000)  # gateway queries per pass


class Product(_Strict):
    id: str
    name: str
    price: Decimal
    kind: Literal["local", "supplier"] = "local"
    supplier_sku: str | None = None


class Risk(_Strict):
    mode: Literal["block", "review", "pass_then_review"] = "block"
    max_amount: Decimal = Decimal("2000.00")
    per_contact_per_min: int = 0
    per_ip_per_min: int = 0
    blacklist: list[str] = []


class Monitor(_Strict):
    every_s: float = 5.0
    stuck_after_s: float = 60.0
    stuck_threshold: int = 5
    window_s: float = 600.0
    low_stock_below: int = 10
    review_backlog_above: int = 5
    supplier_error_rate: float = 0.5
    supplier_min_calls: int = 5


class Alerts(_Strict):
    dingtalk: str | None = None
    telegram: str | None = None
    wecom: str | None = None


class Smtp(_Strict):
    """Mail relay for buyer mails (delivery, delay notice) and admin alert mails.
    Loopback relays speak plain SMTP; `starttls` upgrades first (real relays)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False,
                              populate_by_name=True)
    host: str = Field("127.0.0.1", min_length=1)
    port: int = Field(25, ge=1, le=65535)
    sender: str = Field("shop@example.com", alias="from", min_length=3)
    admin_to: str | None = None  # alert mails go here too when set
    starttls: bool = False
    timeout_s: float = Field(5.0, gt=0, le=300)  # wall seconds, like every network timeout
    username: str | None = None
    password: str | None = None


class BuyerNotice(_Strict):
    delay_after_s: float = 120.0
    locale: Literal["zh", "en"] = "zh"
    coupon: str | None = None


class Config(_Strict):
    time_scale: float = Field(1.0, gt=0)
    db_url: str = "sqlite:///./faka-delivery.sqlite3"
    admin_token: str = "drill-admin"
    public_base_url: str = "http://127.0.0.1:8000"
    order_expiry_s: float = 300.0
    gateway: Gateway = Gateway()
    gateway_public_url: str | None = None
    suppliers: dict[str, Supplier] = {}
    supplier_policy: SupplierPolicy = SupplierPolicy()
    worker: Worker = Worker()
    reconcile: Reconcile = Reconcile()
    products: list[Product] = []
    risk: Risk = Risk()
    monitor: Monitor = Monitor()
    alerts: Alerts = Alerts()
    buyer_mail_url: str | None = None  # HTTP mail endpoint, used when `smtp` is absent
    smtp: Smtp | None = None
    buyer_notice: BuyerNotice = BuyerNotice()
    defects: list[str] = []

    @field_validator("defects")
    @classmethod
    def _known_defects(cls, v: list[str]) -> list[str]:
        unknown = sorted(set(v) - set(ALL_DEFECTS))
        if unknown:
            raise ValueError(f"unknown defect(s) {unknown}; known: {sorted(ALL_DEFECTS)}")
        return v

    @field_validator("suppliers")
    @classmethod
    def _supplier_names(cls, v: dict[str, Supplier]) -> dict[str, Supplier]:
        bad = sorted(set(v) - {"primary", "backup"})
        if bad:
            raise ValueError(f"unknown supplier name(s) {bad}; use 'primary' and 'backup'")
        return v

    def wall(self, scenario_s: float) -> float:
        """Scenario seconds → wall seconds."""
        return scenario_s / self.time_scale

    def product(self, product_id: str) -> Product | None:
        for p in self.products:
            if p.id == product_id:
                return p
        return None

    @property
    def pay_base(self) -> str:
        return self.gateway_public_url or self.gateway.url


class ConfigError(ValueError):
    """The configuration cannot be used; the message says what and how to fix it."""


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(root)"
        msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        parts.append(f"{where}: {msg}")
    return "; ".join(parts)


def load_config(path: str | Path | None, overrides: dict[str, Any] | None = None) -> Config:
    """Read the JSON config, apply CLI overrides, validate, check the defects gate."""
    data: dict[str, Any] = {}
    if path:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ConfigError(f"cannot read config {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"config {path} must be a JSON object")
    data.update({k: v for k, v in (overrides or {}).items() if v is not None})
    try:
        cfg = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"invalid config {path or '(defaults)'}: {_describe(exc)}") from exc
    if cfg.defects and os.environ.get(ALLOW_DEFECTS_ENV) != "1":
        raise ConfigError(
            f"config enables defects {cfg.defects} but {ALLOW_DEFECTS_ENV}=1 is not set; "
            "defects are for the bug zoo only: set the variable or empty the list"
        )
    return cfg
