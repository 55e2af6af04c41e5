"""What a buyer reads of its own order: the cards it was given, and its order page.

Recorded so the oracle judges what the shop actually answered (invariant 2): a read that
showed codes keeps them in the op, whatever the order's state, so a page that shows the
keys reserved for an unpaid order is in the history (buyer-truth, unpaid_codes). Kept apart
from the flow (drill/load/buyer.py) for size.
"""

from __future__ import annotations

from typing import Any

from drill.load.op_recorder import OpRecorder
from drill.load.plan import LoadPlan
from drill.load.replies import error, failure, json_body


def fetch_cards(client: Any, plan: LoadPlan, history: OpRecorder, proc: str, order_no: str,
                token: str, shown: list[Any] | None) -> None:
    """Record what the buyer was given: the cards the status reply carried, or a fetch."""
    op = history.op
    op(proc, "invoke", "fetch_card", {"order_no": order_no})
    if shown is not None:  # the status reply carried the cards: that was the fetch
        op(proc, "ok", "fetch_card", {"order_no": order_no, "cards": shown})
        return
    r = client.get(f"{plan.service_url}/api/orders/{order_no}/cards?token={token}",
                   name="/api/orders/[no]/cards")
    cards = json_body(r).get("cards") if r.status_code == 200 else None
    if isinstance(cards, list):
        op(proc, "ok", "fetch_card", {"order_no": order_no, "cards": cards})
    else:
        op(proc, failure(r.status_code), "fetch_card", {"order_no": order_no, "error": error(r)})


def shown_cards(reply: dict[str, Any]) -> list[Any] | None:
    """The codes a reply carried, or None (absent, empty or not a list)."""
    cards = reply.get("cards")
    return cards if isinstance(cards, list) and cards else None


def look_order(client: Any, plan: LoadPlan, history: OpRecorder, proc: str, order_no: str,
               token: str, *, cards_route: bool = False) -> None:
    """One read of the order's page, recorded as op `look_order` with the status shown (the
    buyer-truth check judges what a buyer back after the expiry was told) and any codes it
    showed; with `cards_route`, also the cards route (`cards_route`: codes it answered)."""
    op = history.op
    op(proc, "invoke", "look_order", {"order_no": order_no})
    r = client.get(f"{plan.service_url}/api/orders/{order_no}?token={token}",
                   name="/api/orders/[no]")
    if r.status_code != 200:
        op(proc, failure(r.status_code), "look_order", {"order_no": order_no, "error": error(r)})
        return
    reply = json_body(r)
    value: dict[str, Any] = {"order_no": order_no, "status": str(reply.get("status", "unknown"))}
    if (cards := shown_cards(reply)) is not None:
        value["cards"] = cards
    if cards_route:
        c = client.get(f"{plan.service_url}/api/orders/{order_no}/cards?token={token}",
                       name="/api/orders/[no]/cards")
        if c.status_code == 200 and (more := shown_cards(json_body(c))) is not None:
            value["cards_route"] = more
    op(proc, "ok", "look_order", value)
