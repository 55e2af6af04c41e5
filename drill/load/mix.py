"""Who a buyer is: one seeded draw per arrival from the plan's buyer mix (pure, no Locust).

Real shops see more than the happy path: some buyers look at the catalogue
first, order several keys at once, walk away without paying, or come back
and pay after the order expired; a few poke at other people's orders. The
draw is a pure function of the plan and a `random.Random`, so a seed gives
the same crowd every run and the mix can be tested without a shop.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import accumulate
from typing import Literal

from drill.load.plan import LoadPlan

Pays = Literal["now", "late", "never"]


@dataclass(frozen=True, slots=True)
class BuyerChoice:
    """What one buyer will do: how many keys, whether it browses, when it pays, whether a
    snooper follows it."""

    quantity: int = 1
    browse: bool = False
    pays: Pays = "now"
    snoop: bool = False


def pick_quantity(mix: tuple[tuple[int, float], ...], fallback: int, u: float) -> int:
    """The quantity whose cumulative weight first exceeds `u` × total (u in [0, 1))."""
    if not mix:
        return fallback
    bounds = list(accumulate(w for _q, w in mix))
    target = u * bounds[-1]
    return next((q for (q, _w), b in zip(mix, bounds, strict=True) if target < b), mix[-1][0])


def choose(plan: LoadPlan, rng: random.Random) -> BuyerChoice:
    """Draw one buyer; always five draws from `rng`, so one choice never shifts the next."""
    u_qty, u_browse, u_pay, u_late, u_snoop = (rng.random() for _ in range(5))
    pays: Pays = "never"
    if u_pay < plan.pay_probability:
        pays = "late" if u_late < plan.late_payers else "now"
    return BuyerChoice(quantity=pick_quantity(plan.quantity_mix, plan.quantity, u_qty),
                       browse=u_browse < plan.browse, pays=pays, snoop=u_snoop < plan.snoopers)
