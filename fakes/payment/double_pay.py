"""The buyer who pays twice (the `double_pay` knob): a second, different payment for an
order already paid, as a buyer makes who opens the checkout again or scans a second QR code.

The second payment is a payment like any other: its own trade_no, recorded in the
payments ledger (marked `double_of` the first trade_no) and notified to the shop by
the same planning (`Notifier.plan`), misbehaviour knobs included. Order queries by
out_trade_no keep answering the first payment, as epay keeps one order per number.
"""

from __future__ import annotations

from typing import Any

from fakes._common import Timer
from fakes.payment.notifier import Notifier
from fakes.payment.refund import REFUND_FIELDS
from fakes.payment.state import GatewayState


def second_payment(state: GatewayState, first: dict[str, Any]) -> dict[str, Any]:
    """Record the second paid payment of `first`'s order (a new trade_no, the same money)."""
    trade_no = state.new_trade_no()
    now = state.clock.now()
    kept = {k: v for k, v in first.items() if k not in REFUND_FIELDS}
    payment = {**kept, "trade_no": trade_no, "status": "paid", "created_at": now,
               "paid_at": now, "double_of": first["trade_no"]}
    state.by_trade[trade_no] = payment
    state.ledger.add("payments", payment)
    return payment


def plan_double(state: GatewayState, notifier: Notifier, payment: dict[str, Any]) -> None:
    """With the `double_pay` chance, pay `payment`'s order again double_pay_delay_s later."""
    b = state.behaviour
    if payment.get("double_of") or not state.rng.chance("double", b["double_pay"]):
        return
    gen = notifier.generation
    holder: list[Timer] = []

    def pay_again() -> None:
        notifier.timers.discard(holder[0])
        if gen == notifier.generation:
            notifier.plan(second_payment(state, payment))

    holder.append(state.clock.call_later(state.wall(b["double_pay_delay_s"]), pay_again))
    notifier.timers.add(holder[0])
