"""Who a buyer is: one seeded draw per arrival from the plan's buyer mix (pure, no Locust).

Real shops see more than the happy path: some buyers look at the catalogue
first, order several keys at once, walk away without paying, or come back
and pay after the order expired; some come back and order again as the
same person; a few poke at other people's orders. The
draw is a pure function of the plan and a `random.Random`, so a seed gives
the same crowd every run and the mix can be tested without a shop.
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass
from itertools import accumulate
from typing import Literal

from drill.load.plan import LoadPlan

Pays = Literal["now", "late", "never"]


@dataclass(frozen=True, slots=True)
class BuyerChoice:
    """What one buyer will do: how many keys, whether it browses, when it pays; `returns`:
    one who never pays comes back after the expiry to look at its order, then leaves;
    `peeks`: one who never pays looks at its order page and cards before leaving (half of
    them: whether the payment went through), so a page showing an unpaid order's keys is
    seen."""

    quantity: int = 1
    browse: bool = False
    pays: Pays = "now"
    returns: bool = False
    peeks: bool = False


def pick_quantity(mix: tuple[tuple[int, float], ...], fallback: int, u: float) -> int:
    """The quantity whose cumulative weight first exceeds `u` × total (u in [0, 1))."""
    if not mix:
        return fallback
    bounds = list(accumulate(w for _q, w in mix))
    target = u * bounds[-1]
    return next((q for (q, _w), b in zip(mix, bounds, strict=True) if target < b), mix[-1][0])


def choose(plan: LoadPlan, rng: random.Random) -> BuyerChoice:
    """Draw one buyer; always four draws from `rng`, so one choice never shifts the next."""
    u_qty, u_browse, u_pay, u_late = (rng.random() for _ in range(4))
    pays: Pays = "never"
    if u_pay < plan.pay_probability:
        pays = "late" if u_late < plan.late_payers else "now"
    return BuyerChoice(quantity=pick_quantity(plan.quantity_mix, plan.quantity, u_qty),
                       browse=u_browse < plan.browse, pays=pays,
                       returns=pays == "never" and u_late < plan.late_payers,
                       peeks=pays == "never" and _upper_half(u_pay, plan.pay_probability))


def _upper_half(u: float, below: float) -> bool:
    """Is `u` (uniform, known >= `below`) in the upper half of [below, 1)? Independent of
    the other draws: half the buyers who never pay, whatever else they do."""
    return u >= below + (1.0 - below) / 2.0


def snooper_due(seq: int, share: float, made: int) -> bool:
    """Does a snooper follow this process's `seq`-th buyer (1-based)? The first chance in
    every process, then evenly every 1/share-th buyer: not a coin toss, so a short drill
    never ends with no snooper and the access check with nothing to judge."""
    if share <= 0:
        return False
    return made == 0 or math.floor(seq * share) > math.floor((seq - 1) * share)


def qq_number(n: int) -> int:
    """A QQ-number-like local part, unique for n < 2**32 and in no order: buyers' contacts sort
    unlike their orders, as real ones do (a shop that zips contacts in sorted order with orders
    in creation order mails the wrong buyer only then: delay-notice-wrong-buyer)."""
    return 100_000 + (n * 2_654_435_761) % 2**32


RECENT_BUYERS = 8  # a returning buyer is one of this process's last few: back while it matters


def buyer_number(seq: int, returning: float, rng: random.Random, recent: deque[int]) -> int:
    """Who the `seq`-th buyer of this process is: with chance `returning` one of the `recent`
    buyers again (a repeat customer, same contact and address), else a new one (`seq`). Real
    shops' buyers order twice: a shop that keys per-order work on the contact (a dedup, a
    lock) is caught only then (delay-notice-per-contact). `recent` is updated in place."""
    again = bool(recent) and returning > 0 and rng.random() < returning
    n = rng.choice(list(recent)) if again else seq
    if not again:
        recent.append(n)
    return n
