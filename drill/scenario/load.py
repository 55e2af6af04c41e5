"""The `[load]` table: who buys, how many, how fast (wall seconds throughout)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from drill.scenario.service import AtLeastOne, Positive, Strict, field_problem
from drill.scenario.units import PositiveWall, Probability, Wall

__all__ = ["DEFAULT_QUANTITY_MIX", "Load", "Spike"]


class Spike(Strict):
    multiplier: Positive = 10.0
    at: Wall = 0.0
    for_: Wall = Field(0.0, alias="for")


DEFAULT_QUANTITY_MIX = ((1, 0.8), (2, 0.15), (3, 0.05))


class Load(Strict):
    shape: Literal["constant", "flash_sale", "steps", "arrival_rate"] = "constant"
    users: int = Field(10, ge=1, le=5000)
    spawn_rate: Positive = 10.0
    rate: Annotated[float, Field(ge=0)] = 0.0
    duration: PositiveWall = 20.0
    spike: Spike = Spike()
    steps: tuple[tuple[Wall, float], ...] = ()
    max_orders: AtLeastOne = 100_000
    quantity: int = Field(1, ge=1, le=100)
    pay_probability: Probability = 1.0
    contacts: int = Field(0, ge=0)
    poll_timeout: PositiveWall = 30.0
    poll_interval: PositiveWall = 0.2
    processes: int = Field(1, ge=1, le=16)
    products: tuple[str, ...] = ()               # default: every catalogue product
    # [[quantity, weight], ...]: the default mix orders 2 or 3 keys now and then; a scenario
    # that sets `quantity` alone orders exactly that many every time.
    quantity_mix: tuple[tuple[Annotated[int, Field(ge=1, le=100)],
                              Annotated[float, Field(ge=0)]], ...] = DEFAULT_QUANTITY_MIX
    browse: Probability = 0.25                   # buyers who read the catalogue first
    snoopers: Probability = 0.02                 # buyers followed by a snooper (access check)
    late_payers: Probability = 0.0               # paying buyers who pay after the expiry
    late_wait_max: PositiveWall = 30.0           # how long a late payer waits at most
    returning: Probability = 0.15                # buyers who order again as a recent buyer
    workers: int = Field(0, ge=0, le=64)         # Locust master/worker: workers expected
    local_workers: int | None = Field(None, ge=0)  # of them started on this box (default all)

    @property
    def quantities(self) -> tuple[tuple[int, float], ...]:
        """The mix the load draws from: `quantity` alone when only it was set."""
        if "quantity" in self.model_fields_set and "quantity_mix" not in self.model_fields_set:
            return ((self.quantity, 1.0),)
        return self.quantity_mix

    @model_validator(mode="after")
    def _buyer_mix(self) -> Load:
        if not self.quantity_mix or sum(w for _q, w in self.quantity_mix) <= 0:
            raise field_problem("quantity_mix", f"= {[list(m) for m in self.quantity_mix]}: "
                                "give [[quantity, weight], ...] with a positive total weight, "
                                "e.g. [[1, 0.8], [2, 0.2]]")
        if self.workers and self.processes > 1:
            raise field_problem("workers", f"= {self.workers} with processes = "
                                f"{self.processes}: choose one, processes (Locust --processes "
                                "on this box) or workers (Locust master/worker)")
        if self.local_workers is not None and self.local_workers > self.workers:
            raise field_problem("local_workers", f"= {self.local_workers} is more than workers "
                                f"= {self.workers}")
        return self

    @model_validator(mode="after")
    def _shape_fields(self) -> Load:
        if self.shape == "arrival_rate" and self.rate <= 0:
            raise field_problem("rate", f"= {self.rate:g}: shape 'arrival_rate' needs rate > 0 "
                                "(orders per second)")
        if self.shape == "steps" and not self.steps:
            raise field_problem("steps", 'is missing: shape \'steps\' needs steps = '
                                '[["0s", 5], ["10s", 20], ...]')
        return self
