"""One buyer's order flow through a target adapter, inside Locust: the twin of buyer.run_flow.

Why its own module: `--target NAME` drills a shop faka-drill did not write, so every
step goes through the adapter (drill/targets), and `drill.targets.buyer_flow` records
the same ops (`create_order`, `pay`, `await_delivery`, `fetch_card`, browsing's
`list_products`) with the same value keys, so the oracle reads any target's history as
it reads the reference shop's. The locustfile picks this flow when `plan.target` is set;
the adapter is built once per Locust process from the plan (name, URL, options, world).
An adapter that declares snooper probes (`TargetAdapter.snoops`) gets them run by the
locustfile's snoopers through its steps (drill/targets/_snoop.py); one that declares
none has no victims handed out, so no snooper runs against its shop.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import gevent

from drill.load.buyer import FlowResult
from drill.load.mix import BuyerChoice
from drill.load.op_recorder import OpRecorder
from drill.load.plan import LoadPlan
from drill.load.snooper import Victim, through_adapter
from drill.targets import (
    NO_SECRET,
    Buy,
    SessionClient,
    TargetAdapter,
    buyer_flow,
    make_adapter,
    op_type_of,
    run_adapter_snooper,
)
from drill.targets._world import world_from_dict

_ADAPTERS: dict[int, TargetAdapter] = {}


def adapter_for(plan: LoadPlan) -> TargetAdapter:
    """This process's adapter for `plan` (built on first use)."""
    key = id(plan)
    if key not in _ADAPTERS:
        adapter = make_adapter(plan.target, plan.service_url,
                               world_from_dict(plan.target_world), dict(plan.target_options))
        _ADAPTERS[key] = adapter
        if adapter.snoops:   # the locustfile's snoopers then run the adapter's probes
            through_adapter(plan.service_url, _snooper(adapter))
    return _ADAPTERS[key]


def _snooper(adapter: TargetAdapter) -> Callable[..., int]:
    def snoop(client: Any, history: OpRecorder, proc: str, victims: list[Victim],
              rng: Any) -> int:
        return run_adapter_snooper(adapter, SessionClient(client, pass_name=True), history,
                                   proc, victims, rng)
    return snoop


def _price(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def browse(adapter: TargetAdapter, http: SessionClient, history: OpRecorder, proc: str) -> None:
    """A buyer reads the catalogue (drill/load/catalogue.py's op shape)."""
    history.op(proc, "invoke", "list_products", {"final": False})
    try:
        products = adapter.list_products(http)
    except Exception as exc:
        history.op(proc, op_type_of(exc), "list_products", {
            "final": False, "status": getattr(exc, "status", None), "error": str(exc)[:300]})
        return
    history.op(proc, "ok", "list_products", {"final": False, "products": [
        {"id": p.id, "price": _price(p.price), "stock_available": p.stock} for p in products]})


def run_target_flow(
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
    """Run one purchase through the plan's adapter; bounded like run_flow (poll_timeout_s and
    the client's timeouts). A late payer pays at once: adapters do not expose the expiry."""
    adapter = adapter_for(plan)
    http = SessionClient(client, pass_name=True)
    if choice.browse:
        browse(adapter, http, history, proc)

    def record(type_: str, f: str, value: dict[str, Any], at: float | None = None) -> None:
        if f == "create_order":
            value = {"quantity": choice.quantity, "contact": contact, **value}
        history.op(proc, type_, f, value, at)  # type: ignore[arg-type]  # buyer_flow's types

    buy = Buy(product, choice.quantity, contact, buyer_ip, pay=choice.pays != "never",
              poll_timeout_s=plan.poll_timeout_s, poll_interval_s=plan.poll_interval_s,
              intended_at=intended_at)
    out = buyer_flow(adapter, http, adapter.world.gateway, buy, record, gevent.sleep)
    # a victim for the snoopers when the adapter declares probes: a delivered order, so a
    # read that gets through shows cards (an undelivered one proves nothing on a shop that
    # checks no secret); NO_SECRET: the shop has none, the buyer knows only the number
    victim = adapter.snoops and out.delivered_at is not None
    token = (out.secret or NO_SECRET) if victim else None
    result = FlowResult(order_no=out.order_no, delivered_at=out.delivered_at, token=token)
    if fire is not None and out.delivered_at is not None:
        fire("order_delivered", (out.delivered_at - intended_at) * 1000.0, None)
        if out.paid_seen_at is not None:
            fire("paid_to_delivered", (out.delivered_at - out.paid_seen_at) * 1000.0, None)
    return result

