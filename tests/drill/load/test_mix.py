"""The buyer mix: seeded draws of quantity, browsing, paying late or never, snooping."""

import random
from collections import Counter, deque

import pytest

from drill.load import LoadPlan
from drill.load.mix import (
    RECENT_BUYERS,
    BuyerChoice,
    buyer_number,
    choose,
    pick_quantity,
    qq_number,
    snooper_due,
)

BASE = {"service_url": "http://127.0.0.1:1", "gateway_url": "http://127.0.0.1:2",
        "products": ("steam-50",)}
MIX = ((1, 0.8), (2, 0.15), (3, 0.05))


def test_pick_quantity_follows_cumulative_weights() -> None:
    assert [pick_quantity(MIX, 1, u) for u in (0.0, 0.79, 0.8, 0.94, 0.96, 0.999)] == [
        1, 1, 2, 2, 3, 3]
    assert pick_quantity((), 4, 0.5) == 4, "no mix: always the plan's quantity"
    assert pick_quantity(((2, 0.0), (5, 1.0)), 1, 0.0) == 5, "a zero weight is never drawn"


def test_choose_is_seeded_and_matches_the_shares() -> None:
    plan = LoadPlan(**BASE, quantity_mix=MIX, browse=0.25, snoopers=0.02,
                    pay_probability=0.9, late_payers=0.1)
    first = [choose(plan, random.Random(7)) for _ in range(3)]
    assert first == [choose(plan, random.Random(7)) for _ in range(3)]
    rng = random.Random(1)
    crowd = [choose(plan, rng) for _ in range(20_000)]
    qty = Counter(c.quantity for c in crowd)
    pays = Counter(c.pays for c in crowd)
    assert qty[1] / 20_000 == pytest.approx(0.8, abs=0.02)
    assert qty[3] / 20_000 == pytest.approx(0.05, abs=0.01)
    assert sum(c.browse for c in crowd) / 20_000 == pytest.approx(0.25, abs=0.02)
    assert pays["never"] / 20_000 == pytest.approx(0.1, abs=0.01)
    assert pays["late"] / 20_000 == pytest.approx(0.9 * 0.1, abs=0.01)
    back = [c for c in crowd if c.returns]
    assert all(c.pays == "never" for c in back), "only buyers who never pay come back to look"
    assert len(back) / 20_000 == pytest.approx(0.1 * 0.1, abs=0.005)


def test_snoopers_come_first_then_evenly() -> None:
    made, due = 0, []
    for seq in range(1, 201):
        if snooper_due(seq, 0.02, made):
            made += 1
            due.append(seq)
    assert due == [1, 50, 100, 150, 200]
    assert snooper_due(7, 0.02, 0), "no snooper yet (the first buyer had no order): try again"
    assert not any(snooper_due(seq, 0.0, 0) for seq in range(1, 50))


def test_default_plan_is_the_old_happy_buyer() -> None:
    assert choose(LoadPlan(**BASE, quantity=2), random.Random(0)) == BuyerChoice(quantity=2)


def test_plan_refuses_a_bad_mix() -> None:
    with pytest.raises(ValueError, match="quantity_mix"):
        LoadPlan(**BASE, quantity_mix=((0, 1.0),))
    with pytest.raises(ValueError, match=r"snoopers=1\.5 must be within"):
        LoadPlan(**BASE, snoopers=1.5)
    with pytest.raises(ValueError, match="either processes"):
        LoadPlan(**BASE, workers=2, processes=2)
    with pytest.raises(ValueError, match="local_workers=3 must"):
        LoadPlan(**BASE, workers=2, local_workers=3)
    plan = LoadPlan(**BASE, quantity_mix=MIX, workers=3, local_workers=1)
    assert LoadPlan.from_json(plan.to_json()) == plan
    assert (plan.shares, plan.remote_workers) == (3, 2)


def test_contacts_are_distinct_and_sort_unlike_their_orders() -> None:
    """A shop that pairs late orders with contacts sorted apart from them mails the wrong
    buyer only when the contacts' order differs from the orders' (delay-notice-wrong-buyer)."""
    numbers = [qq_number(n) for n in range(1, 20_001)]
    assert len(set(numbers)) == len(numbers)
    assert all(number >= 100_000 for number in numbers)
    runs = [[str(qq_number(n)) for n in range(k, k + 3)] for k in range(1, 100, 3)]
    assert sum(run != sorted(run) for run in runs) >= len(runs) // 2


def test_a_share_of_buyers_come_back_as_a_recent_buyer() -> None:
    """Repeat customers: about `returning` of the buyers are one of the last few again (same
    number, so same contact and address); the rest are new, each seen once."""
    rng, recent = random.Random(3), deque[int](maxlen=RECENT_BUYERS)
    seen: list[int] = []
    for seq in range(1, 2001):
        n = buyer_number(seq, 0.15, rng, recent)
        assert n == seq or n in seen[-4 * RECENT_BUYERS:], f"buyer {seq} returned as old {n}"
        seen.append(n)
    again = len(seen) - len(set(seen))
    assert 0.11 < again / len(seen) < 0.19, f"{again} of {len(seen)} buyers came back"
    assert buyer_number(1, 0.15, random.Random(1), deque(maxlen=RECENT_BUYERS)) == 1
    recent = deque[int](maxlen=RECENT_BUYERS)
    assert [buyer_number(s, 0.0, rng, recent) for s in range(1, 50)] == list(range(1, 50))
