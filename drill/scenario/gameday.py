"""The `[gameday]` table: the game day's plan and its pool of incidents (drill/gameday/).

An incident is a named set of faults (the `[[faults]]` kinds, timed in scenario
minutes from the incident's start) and/or knob changes applied at setup
(`service` overrides, local `stock`), with the cause shown only at the end (zh/en)
and the back-office pages where the cause is visible (`evidence`). Every problem
names its field, e.g. ``gameday.incidents[1].faults[0].target``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from drill.scenario.service import Count, Strict, field_problem
from drill.scenario.units import Probability

__all__ = ["EVIDENCE_PAGES", "GameDay", "Incident", "IncidentFault"]

EVIDENCE_PAGES = ("orders", "stock", "api_log", "review")
Minutes = Annotated[float, Field(ge=0, le=24 * 60)]
PositiveMinutes = Annotated[float, Field(gt=0, le=24 * 60)]


class IncidentFault(Strict):
    """One fault of an incident: a `[[faults]]` entry without its timing."""

    target: str = Field(min_length=1)
    kind: str = Field(min_length=1)
    params: dict[str, Any] = Field(default_factory=dict)


class Incident(Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    at_min: Minutes = 3.0                 # scenario minutes after the start
    for_min: PositiveMinutes | None = None  # None: until the end of the exercise
    cause_zh: str = Field(min_length=1)
    cause_en: str = Field(min_length=1)
    evidence: tuple[Literal["orders", "stock", "api_log", "review"], ...] = Field(min_length=1)
    hand_after_heal: bool = False         # resend/retry/hand delivery before the heal is blind
    faults: tuple[IncidentFault, ...] = ()
    service: dict[str, Any] = Field(default_factory=dict)   # [service] overrides, from setup
    stock: dict[str, Count] = Field(default_factory=dict)   # local stock at setup
    requires_db: Literal["postgresql"] | None = None

    @model_validator(mode="after")
    def _something(self) -> Incident:
        if not (self.faults or self.service or self.stock):
            raise field_problem("faults", "is empty and so are service and stock: an incident "
                                "must break something; add a fault or a knob change")
        if (self.service or self.stock) and not self.faults and self.at_min != 0:
            raise field_problem("at_min", f"= {self.at_min:g}: service and stock changes apply "
                                "at setup; set at_min = 0 or add a fault for the later start")
        return self


class GameDay(Strict):
    minutes: PositiveMinutes = 30.0       # the planned end, scenario minutes
    buyers_per_min: Annotated[float, Field(gt=0, le=6000)] = 6.0
    promise_min: PositiveMinutes = 2.0    # "most orders within 2 minutes"
    manual_after_min: PositiveMinutes = 10.0   # "manual handling after 10 minutes"
    ack_within_min: PositiveMinutes = 5.0      # step 1: 0-5 min
    tell_within_min: PositiveMinutes = 15.0    # step 2: 5-15 min
    deliver_within_min: PositiveMinutes = 30.0  # step 3: 15-30 min
    coupon_after_min: PositiveMinutes = 10.0   # a wait this long earns a coupon
    min_share: Probability = 0.9               # told / delivered / couponed share to pass
    complain_after_min: PositiveMinutes = 10.0
    complain_share: Probability = 0.5
    coupon: str = Field("SORRY5", pattern=r"^[A-Za-z0-9_-]{1,40}$")
    incidents: tuple[Incident, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _pool(self) -> GameDay:
        names = [i.name for i in self.incidents]
        if len(set(names)) != len(names):
            raise field_problem("incidents", f"has duplicate names {names}; name each once")
        for n, inc in enumerate(self.incidents):
            end = inc.at_min + (inc.for_min or 0.0)
            if inc.at_min >= self.minutes or end > self.minutes:
                raise field_problem(f"incidents[{n}].at_min", f"= {inc.at_min:g} (+ for_min "
                                    f"{inc.for_min or 0:g}) does not fit in minutes = "
                                    f"{self.minutes:g}; start and heal it before the end")
        return self

    def incident(self, name: str) -> Incident:
        for inc in self.incidents:
            if inc.name == name:
                return inc
        raise KeyError(f"no incident {name!r} in the pool; known: "
                       f"{', '.join(i.name for i in self.incidents)}")
