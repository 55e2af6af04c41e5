"""The `[service]` table of a scenario: overrides of the delivery config (CONTRACTS §1).

All durations here are **scenario seconds** (keys ending in `_s`); the service
divides them by `time_scale`. Exception: `supplier_policy.timeout_s` is a network
answer timeout in wall seconds (not scaled). Omitted keys keep the service's defaults.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class _Section(Strict):
    """A service sub-table: keys as in CONTRACTS §1, scenario seconds."""


class SupplierPolicy(_Section):
    timeout_s: float | None = None  # wall seconds (network answer timeout, not scaled)
    max_attempts: int | None = None
    backoff_base_s: float | None = None
    backoff_max_s: float | None = None
    breaker_failures: int | None = None
    breaker_reset_s: float | None = None


class WorkerTuning(_Section):
    lease_s: float | None = None
    concurrency: int | None = None
    poll_s: float | None = None


class Reconcile(_Section):
    after_s: float | None = None
    every_s: float | None = None


class Risk(_Section):
    mode: Literal["block", "review", "pass_then_review"] | None = None
    max_amount: Decimal | None = None
    per_contact_per_min: int | None = None
    per_ip_per_min: int | None = None
    blacklist: list[str] | None = None


class Monitor(_Section):
    every_s: float | None = None
    stuck_after_s: float | None = None
    stuck_threshold: int | None = None
    window_s: float | None = None
    low_stock_below: int | None = None
    review_backlog_above: int | None = None
    supplier_error_rate: float | None = None
    supplier_min_calls: int | None = None


class BuyerNotice(_Section):
    delay_after_s: float | None = None
    locale: Literal["zh", "en"] | None = None
    coupon: str | None = None


class Service(Strict):
    order_expiry_s: float | None = Field(None, gt=0)
    workers: int = Field(0, ge=0, le=8)          # separate `--role worker` processes (0: none)
    supplier_policy: SupplierPolicy = SupplierPolicy()
    worker: WorkerTuning = WorkerTuning()
    reconcile: Reconcile = Reconcile()
    risk: Risk = Risk()
    monitor: Monitor = Monitor()
    buyer_notice: BuyerNotice = BuyerNotice()
    defects: tuple[str, ...] = ()
