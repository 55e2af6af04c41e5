"""A run folder's records as the scoring reads them: a buyer's wait starts when they paid
at the gateway, even when the shop never heard of the payment (回调失败) or heard of it
only at the 补单; the board counts such a buyer as stuck."""

from __future__ import annotations

from typing import Any

from drill.gameday.clock import ScenarioClock
from drill.gameday.recorder import Snapshot, waiting
from drill.gameday.records import record_from
from drill.gameday.scoring import score
from drill.gameday.setup import Plan
from drill.gameday.view import board_state
from tests.drill.gameday.records_lit import RULES, incident

T0, SPEED = 1_000.0, 60.0            # wall seconds; one wall second is a scenario minute


def _plan() -> dict[str, Any]:
    plan = Plan(incident(name="notify-failing", evidence=("orders", "api_log")), SPEED, 1,
                RULES).to_dict()
    return {**plan, "t0": T0, "end": T0 + 30, "collected": T0 + 31}


ORDERS = [  # wall times: paid at the gateway at minute 4, 补单 found it at minute 9
    {"order_no": "A", "product_id": "steam-50", "status": "delivered", "paid_at": T0 + 9,
     "delivered_at": T0 + 9.01},
    # never told: still pending in the shop although paid at minute 5
    {"order_no": "B", "product_id": "steam-50", "status": "pending_payment", "paid_at": None,
     "delivered_at": None},
    # the notify arrived: both sides agree, on time
    {"order_no": "C", "product_id": "steam-50", "status": "delivered", "paid_at": T0 + 1.01,
     "delivered_at": T0 + 1.02},
    # never paid anywhere: not a buyer waiting
    {"order_no": "D", "product_id": "steam-50", "status": "pending_payment", "paid_at": None,
     "delivered_at": None},
]
PAYMENTS = [{"out_trade_no": "A", "status": "paid", "paid_at": T0 + 4},
            {"out_trade_no": "B", "status": "paid", "paid_at": T0 + 5},
            {"out_trade_no": "C", "status": "paid", "paid_at": T0 + 1},
            {"out_trade_no": "D", "status": "created", "paid_at": None}]


def test_the_wait_starts_at_the_gateway_payment() -> None:
    rec = record_from(_plan(), {"orders": ORDERS}, [], [], [], [], PAYMENTS)
    paid = {o.order_no: o.paid_s for o in rec.orders}
    assert paid == {"A": 4 * 60.0, "B": 5 * 60.0, "C": 60.0, "D": None}
    a = next(o for o in rec.orders if o.order_no == "A")
    assert round(rec.wait_s(a), 1) == 300.6          # minute 4 to the 补单 at minute 9 (+0.6 s)
    sc = score(rec, RULES)
    delivered = next(s for s in sc.steps if s.id == "all_delivered")
    assert delivered.value["of"] == 2 and delivered.value["open"] == 1   # A, and B still open
    assert delivered.passed is False and "B" in delivered.orders
    assert sc.reference_s == 6 * 60.0                # A passed the promise at minute 6


def test_without_the_gateway_ledger_the_lost_payment_is_invisible() -> None:
    rec = record_from(_plan(), {"orders": ORDERS}, [], [], [], [])
    assert {o.order_no: o.paid_s for o in rec.orders}["B"] is None


def test_the_board_counts_a_buyer_paid_only_at_the_gateway_as_stuck() -> None:
    at_gateway = {p["out_trade_no"]: p["paid_at"] for p in PAYMENTS if p["paid_at"]}
    assert [o["order_no"] for o, _ in waiting(ORDERS, at_gateway)] == ["B"]
    snap = Snapshot()
    snap.orders, snap.paid_at_gateway = ORDERS, at_gateway
    plan = Plan(incident(), SPEED, 1, RULES)
    state = board_state(plan, snap, ScenarioClock(T0, SPEED), T0 + 8, None)
    assert state["stuck"] == 1 and state["oldest"] == "03:00"    # paid at 5, now 8
    assert board_state(plan, Snapshot(), ScenarioClock(T0, SPEED), T0 + 8, None)["stuck"] == 0
