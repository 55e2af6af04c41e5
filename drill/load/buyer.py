"""One buyer's order flow, recorded as Jepsen ops: [browse →] create → pay → await → fetch.

Kept apart from the locustfile so the flow is the same in the closed model
(one Locust user loops over it) and the open model (a scheduler spawns one
flow per arrival). `client` is a Locust FastHttpSession (anything with
.get/.post returning responses with status_code/text/json()). Outcomes:
`ok` the step happened, `fail` it definitely did not, `info` unknown (a
timeout, a connection error or a 5xx) — checkers accept either for `info`.
Only gevent is imported (the caller runs inside Locust's gevent world).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gevent

from drill.load.catalogue import read_catalogue
from drill.load.mix import BuyerChoice
from drill.load.op_recorder import OpRecorder
from drill.load.order_reads import fetch_cards, look_order, shown_cards
from drill.load.plan import LoadPlan
from drill.load.replies import error as _error
from drill.load.replies import failure as _failure
from drill.load.replies import json_body as _json
from drill.load.wire import form_body

# States from which the shop will not deliver on its own: the buyer stops polling.
# refund_needed: money taken but the shop refused (risk, expired and sold out) —
# a human refunds; waiting longer would only burn the buyer's poll budget.
TERMINAL_NOT_DELIVERED = frozenset({"expired", "refunded", "rejected", "refund_needed"})
# A buyer back "after the expiry" comes this long (wall) after expires_at: past the expiry
# sweep's lag, which buyer-truth allows (2 × the monitor's period, at least 0.5 s).
LATE_BY_S = 2.0
# A buyer who just paid an expired order gives the shop this long to apply the payment
# (revive) before taking `expired` as final: the first poll can race the notify.
EXPIRED_PATIENCE_S = 2.0
_FORM = {"Content-Type": "application/x-www-form-urlencoded"}
# Polls wake on a shared 10 ms grid: at 300 orders/s three buyers' polls share one wake-up
# of the Locust process instead of three (a wake-up costs ~50 µs of CPU on a VM; see
# bench/harness_cost.py). A poll moves by < 10 ms; the oracle judges latency on the shop's
# delivered_at stamp, not on when we looked. Open-model arrivals start on the same grid
# (drill/load/locustfile.py).
POLL_GRID_S = 0.01


@dataclass
class FlowResult:
    """What the scheduler/statistics need from one flow."""

    order_no: str | None = None
    token: str | None = None
    delivered_at: float | None = None  # wall time the buyer first saw `delivered`


def run_flow(
    client: Any,
    plan: LoadPlan,
    history: OpRecorder,
    proc: str,
    *,
    product: str,
    contact: str,
    buyer_ip: str,
    choice: BuyerChoice,
    intended_at: float,
    fire: Callable[[str, float, BaseException | None], None] | None = None,
) -> FlowResult:
    """Run one order flow; every step is bounded by plan.poll_timeout_s, the client's timeout
    or (a late payer's wait) plan.late_wait_max_s."""
    result = FlowResult()
    op = history.op
    if choice.browse:
        read_catalogue(client, plan.service_url, history, proc)
    qty = choice.quantity
    req = {"product_id": product, "quantity": qty, "contact": contact}
    op(proc, "invoke", "create_order", {"product_id": product, "quantity": qty,
                                         "intended_at": intended_at})
    r = client.post(f"{plan.service_url}/api/orders", json=req, name="create_order",
                    headers={"X-Buyer-IP": buyer_ip})
    body = _json(r)
    if r.status_code != 201 or "order_no" not in body:
        kind = _failure(r.status_code)
        op(proc, kind, "create_order", {"product_id": product, "quantity": qty,
                                         "error": _error(r), "status": r.status_code})
        return result
    order_no, token = str(body["order_no"]), str(body.get("token", ""))
    result.order_no, result.token = order_no, token
    op(proc, "ok", "create_order", {"order_no": order_no, "product_id": product,
                                     "quantity": qty, "amount": body.get("amount"),
                                     "expires_at": body.get("expires_at"), "contact": contact})
    if choice.pays == "never":
        _walk_away(client, plan, history, proc, choice, body, token)
        return result
    late = _wait_for_expiry(plan, body) if choice.pays == "late" else None
    if late is not None:  # a late payer looks at its order before paying it
        look_order(client, plan, history, proc, order_no, token)
    trade_no = _pay(client, plan, history, proc, order_no, body, late)
    if trade_no is None:
        return result
    paid_seen = time.time()

    seen = _await_delivery(client, plan, history, proc, order_no, token)
    if seen is None:
        return result
    result.delivered_at, shown = seen
    if fire is not None:
        fire("order_delivered", (result.delivered_at - intended_at) * 1000.0, None)
        fire("paid_to_delivered", (result.delivered_at - paid_seen) * 1000.0, None)
    fetch_cards(client, plan, history, proc, order_no, token, shown)
    return result


def _walk_away(client: Any, plan: LoadPlan, history: OpRecorder, proc: str,
               choice: BuyerChoice, body: dict[str, Any], token: str) -> None:
    """An abandoned checkout: opens the payment, never pays; may look whether it went
    through (page and cards) before leaving, or come back after the expiry to look."""
    order_no = str(body["order_no"])
    _submit(client, plan, history, proc, order_no, body, "open_payment")
    if choice.peeks:
        look_order(client, plan, history, proc, order_no, token, cards_route=True)
    if choice.returns:
        _wait_for_expiry(plan, body)
        look_order(client, plan, history, proc, order_no, token)


def _wait_for_expiry(plan: LoadPlan, body: dict[str, Any]) -> dict[str, Any]:
    """A late payer walks away and comes back after the order expired (expires_at, wall
    epoch, from the create reply, plus LATE_BY_S for the shop's expiry sweep), waiting at
    most plan.late_wait_max_s; what it waited for goes into its pay op."""
    now = time.time()
    try:
        expires_at = float(body.get("expires_at") or 0.0)
    except (TypeError, ValueError):
        expires_at = 0.0
    wait = max(0.0, min(plan.late_wait_max_s, expires_at + LATE_BY_S - now)) if expires_at else 0.0
    gevent.sleep(wait)
    return {"late": True, "expires_at": expires_at or None,
            "after_expiry": bool(expires_at) and time.time() > expires_at}


def _submit(client: Any, plan: LoadPlan, history: OpRecorder, proc: str, order_no: str,
            body: dict[str, Any], f: str, extra: dict[str, Any] | None = None) -> str | None:
    """Create the payment at the gateway (submit.php), recorded as op `f`: the trade_no,
    or None (the op is then closed as fail/info). `open_payment` ends here (ok)."""
    op = history.op
    op(proc, "invoke", f, {"order_no": order_no, **(extra or {})})
    pay_url = str(body.get("pay_url") or f"{plan.gateway_url.rstrip('/')}/submit.php")
    params = body.get("pay_params") or {}
    r = client.post(pay_url, data=form_body(params), headers=_FORM, name="gateway_submit")
    sub = _json(r)
    trade_no = sub.get("trade_no")
    if r.status_code != 200 or sub.get("code") != 1 or not trade_no:
        kind = _failure(r.status_code)
        op(proc, kind, f, {"order_no": order_no, "error": _error(r) if r.status_code != 200
                           else f"submit.php refused: {sub.get('msg')}"})
        return None
    if f == "open_payment":
        op(proc, "ok", f, {"order_no": order_no, "trade_no": str(trade_no)})
    return str(trade_no)


def _pay(client: Any, plan: LoadPlan, history: OpRecorder, proc: str,
         order_no: str, body: dict[str, Any], late: dict[str, Any] | None = None) -> str | None:
    """Create the payment at the gateway (submit.php) and pay it; the trade_no or None."""
    op = history.op
    trade_no = _submit(client, plan, history, proc, order_no, body, "pay", late)
    if trade_no is None:
        return None
    r = client.post(f"{plan.gateway_url.rstrip('/')}/pay/{trade_no}", data=b"",
                    name="gateway_pay")
    if r.status_code != 200:
        kind = _failure(r.status_code)
        op(proc, kind, "pay", {"order_no": order_no, "trade_no": trade_no, "error": _error(r)})
        return None
    op(proc, "ok", "pay", {"order_no": order_no, "trade_no": trade_no})
    return trade_no


def _await_delivery(client: Any, plan: LoadPlan, history: OpRecorder, proc: str,
                    order_no: str, token: str) -> tuple[float, list[Any] | None] | None:
    """Poll the order until delivered, a terminal state, or poll_timeout_s (then `info`).

    Delivered: (wall time first seen, the cards if the status reply carried them). The
    first poll that showed codes before `delivered` is kept in the op (`early_cards`: its
    time, status and codes), the one poll of many worth recording (buyer-truth judges it).
    """
    op = history.op
    op(proc, "invoke", "await_delivery", {"order_no": order_no})
    started = time.time()
    deadline = started + plan.poll_timeout_s
    url = f"{plan.service_url}/api/orders/{order_no}?token={token}"
    status, polls, last_error = "unknown", 0, ""
    # + unpaid_asked: when the last poll answered pending_payment was sent (buyer-truth),
    # + early_cards: the first poll that showed codes before `delivered`,
    # + undelivered_asked: when the last poll answered anything but delivered was sent
    said: dict[str, Any] = {"order_no": order_no}
    interval = max(0.01, plan.poll_interval_s)
    # Back off (×1.5 a poll, at most 1 s or poll_interval_s if larger): a slow shop is not
    # also flooded with polls (at 100 ms fixed, a saturated service got 4 polls an order and
    # collapsed). Latency is judged on the shop's delivered_at stamp, not on when we looked.
    cap = max(interval, min(1.0, 10 * interval))
    _sleep_on_grid(min(interval, 0.05), deadline)  # a notify hop first: don't poll at once
    while True:
        polls, asked = polls + 1, time.time()
        r = client.get(url, name="/api/orders/[no]")
        if r.status_code == 200:
            data = _json(r)
            status = str(data.get("status", "unknown"))
            if status == "pending_payment":
                said["unpaid_asked"] = round(asked, 3)
            if status != "delivered" and data.get("delivered") is not True:
                said["undelivered_asked"] = round(asked, 3)  # the last poll told "not yet"
            else:
                seen = time.time()
                op(proc, "ok", "await_delivery", {**said, "status": "delivered",
                                                   "delivered_at": data.get("delivered_at"),
                                                   "paid_at": data.get("paid_at"), "polls": polls},
                   at=seen)
                cards = data.get("cards")
                return seen, cards if isinstance(cards, list) else None
            if "early_cards" not in said and (cards := shown_cards(data)) is not None:
                said["early_cards"] = {"at": time.time(), "status": status, "cards": cards}
            if status in TERMINAL_NOT_DELIVERED and not (
                    status == "expired" and time.time() < started + EXPIRED_PATIENCE_S):
                op(proc, "fail", "await_delivery", {**said, "status": status, "polls": polls})
                return None
        else:
            last_error = _error(r)
        now = time.time()
        if now + interval > deadline:
            op(proc, "info", "await_delivery", {**said, "status": status, "polls": polls,
                                                 "error": last_error or "timeout"})
            return None
        _sleep_on_grid(interval, deadline)
        interval = min(cap, interval * 1.5)


def on_grid(t: float) -> float:
    """The first POLL_GRID_S boundary of the wall clock at or after `t`."""
    return math.ceil(t / POLL_GRID_S) * POLL_GRID_S


def _sleep_on_grid(wait: float, deadline: float) -> None:
    """Sleep at least `wait`, waking on the next POLL_GRID_S boundary of the wall clock (or
    at `deadline`, the poll budget's end, if that comes first)."""
    now = time.time()
    wake = min(on_grid(now + wait), max(deadline, now + wait))
    gevent.sleep(wake - now)
