"""The `[service]` table of a scenario: overrides of the delivery config (CONTRACTS §1).

All durations here are **scenario seconds** (keys ending in `_s`); the service
divides them by `time_scale`. Exception: `supplier_policy.timeout_s` is a network
answer timeout in wall seconds (not scaled). Omitted keys keep the service's defaults.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from delivery.defects import ALL_DEFECTS


class Strict(BaseModel):
    """Every scenario table: unknown keys refused, no coercion ("20" is not 20), finite numbers.

    Files are read with lists turned into tuples first (files.py), since strict
    mode takes only tuples for tuple fields.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True,
                              allow_inf_nan=False)


def _money(value: object) -> Decimal:
    """Money is a string with at most 2 decimals ("50.00"): a binary float is not exact."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not money; write it as a string, e.g. \"50.00\"")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount; write e.g. \"50.00\"") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not a finite amount; write e.g. \"50.00\"")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ValueError(f"{value!r} has more than 2 decimals (fen); round it, e.g. \"1.23\"")
    return amount


FIELD_MARK = "@"


def field_problem(path: str, text: str) -> ValueError:
    """A cross-field error that names its field: files.py shows it as `<table>.<path> ...`."""
    return ValueError(f"{FIELD_MARK}{path}{FIELD_MARK} {text}")


Money = Annotated[Decimal, BeforeValidator(_money), Field(gt=0)]
Positive = Annotated[float, Field(gt=0)]
NonNegative = Annotated[float, Field(ge=0)]
AtLeastOne = Annotated[int, Field(ge=1)]
Count = Annotated[int, Field(ge=0)]


class _Section(Strict):
    """A service sub-table: keys as in CONTRACTS §1, scenario seconds."""


class SupplierPolicy(_Section):
    timeout_s: Positive | None = None  # wall seconds (network answer timeout, not scaled)
    max_attempts: AtLeastOne | None = None
    backoff_base_s: NonNegative | None = None
    backoff_max_s: NonNegative | None = None
    breaker_failures: AtLeastOne | None = None
    breaker_reset_s: Positive | None = None
    processing_wait_s: Positive | None = None
    processing_poll_s: Positive | None = None


class WorkerTuning(_Section):
    lease_s: Positive | None = None
    concurrency: AtLeastOne | None = None
    poll_s: Positive | None = None


class Reconcile(_Section):
    after_s: NonNegative | None = None
    every_s: Positive | None = None


class Risk(_Section):
    mode: Literal["block", "review", "pass_then_review"] | None = None
    max_amount: Money | None = None
    per_contact_per_min: Count | None = None
    per_ip_per_min: Count | None = None
    blacklist: tuple[str, ...] | None = None


class Monitor(_Section):
    every_s: Positive | None = None
    stuck_after_s: NonNegative | None = None
    stuck_threshold: Count | None = None
    window_s: Positive | None = None
    low_stock_below: Count | None = None
    review_backlog_above: Count | None = None
    supplier_error_rate: Annotated[float, Field(ge=0, le=1)] | None = None
    supplier_min_calls: Count | None = None


class BuyerNotice(_Section):
    delay_after_s: NonNegative | None = None
    locale: Literal["zh", "en"] | None = None
    coupon: str | None = None


class Service(Strict):
    order_expiry_s: Positive | None = None
    workers: int = Field(0, ge=0, le=8)         # separate `--role worker` processes (0: none)
    api_processes: int = Field(1, ge=1, le=8)   # with workers > 0: `--role api --processes N`
    supplier_policy: SupplierPolicy = SupplierPolicy()
    worker: WorkerTuning = WorkerTuning()
    reconcile: Reconcile = Reconcile()
    risk: Risk = Risk()
    monitor: Monitor = Monitor()
    buyer_notice: BuyerNotice = BuyerNotice()
    defects: tuple[str, ...] = ()

    @field_validator("api_processes")
    @classmethod
    def _api_needs_workers(cls, n: int, info: ValidationInfo) -> int:
        if n > 1 and not info.data.get("workers"):
            raise ValueError(f"api_processes = {n} needs workers >= 1 (API processes serve HTTP; "
                             "deliveries run in separate worker processes)")
        return n

    @field_validator("defects")
    @classmethod
    def _known_defects(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [n for n in names if n not in ALL_DEFECTS]
        if unknown:
            raise ValueError(f"unknown defect {unknown[0]!r}; known: {', '.join(ALL_DEFECTS)} "
                             "(python3 harness.py defects lists them)")
        return names
