"""drill.checks.model: the one history pass gives each view what its own walk gave."""

from __future__ import annotations

from drill.checks.evidence import buyer_orders, real_buyer_ops, snooper_ops
from drill.checks.orders import order_index
from drill.checks.sources import Sources
from tests.drill.checks.ops import bought, op, paid


def _history() -> list[dict[str, object]]:
    return [
        *bought("A1", 1.0, cards=["K1"]),
        op("nemesis", "invoke", "create_order", 1.1, quantity=9),  # a nemesis names no order
        op("nemesis", "info", "kill", 1.2, order_no="A1"),
        op("snooper-1", "invoke", "snoop_cards", 2.0, order_no="A1"),
        op("snooper-1", "ok", "fetch_card", 2.1, order_no="A1", cards=["K1"]),
        op("buyer-B2", "invoke", "create_order", 3.0, quantity=3),
        op("buyer-B2", "info", "create_order", 3.1, order_no="B2"),  # no quantity of its own
        op("buyer-B2", "fail", "await_delivery", 3.5, order_no="B2", status="expired"),
        op("buyer-B2", "fail", "fetch_card", 3.6, order_no="B2"),
    ]


def test_walk_splits_the_ops_and_keeps_real_buyers_orders_apart_from_snoopers() -> None:
    src = Sources(history=_history(), payments=[paid("B2", 3.2), paid("A1", 1.03)])
    assert [o["process"] for o in real_buyer_ops(src)] == ["buyer-A1"] * 8 + ["buyer-B2"] * 4
    assert [o["f"] for o in snooper_ops(src)] == ["snoop_cards", "fetch_card"]
    assert [o.get("process") for o in src.buyer_ops()].count("nemesis") == 0
    buyers = buyer_orders(src)
    assert list(buyers) == ["A1", "B2"]
    a, b = buyers["A1"], buyers["B2"]
    assert (a.process, a.trade_no, a.created_at, a.fetches) == (
        "buyer-A1", "GA1", 1.01, [(1.52, "ok", ["K1"])])  # the snooper's fetch is not A1's
    assert (b.quantity, b.terminal, b.fetches) == (3, (3.5, "expired"), [(3.6, "fail", [])])


def test_order_index_keeps_the_gateways_order_and_trade_number_and_every_process() -> None:
    src = Sources(history=_history(),
                  payments=[paid("B2", 3.2), {**paid("A1", 1.03), "trade_no": "GW-A1"}])
    idx = order_index(src)
    assert list(idx) == ["B2", "A1"]  # the gateway named them first
    a = idx["A1"]
    assert a.trade_no == "GW-A1" and a.buyer_paid and a.gateway_paid_at == 1.03
    assert a.processes == {"buyer-A1", "snooper-1"}
    assert a.buyer_cards == [["K1"], ["K1"]]  # what buyers (and a snooper) were shown
    assert a.buyer_seen_at == 1.5 and a.product_id == "steam-50"
    assert idx["B2"].buyer_cards == [] and not idx["B2"].buyer_paid
    assert buyer_orders(src)["A1"].trade_no == "GA1"  # the buyer's own word, apart


def test_an_order_no_payment_names_takes_its_place_from_the_history() -> None:
    src = Sources(history=_history(), payments=[])
    assert list(order_index(src)) == ["A1", "B2"]
    assert order_index(src)["A1"].trade_no == "GA1" and not order_index(src)["A1"].paid


def test_a_history_of_buyers_only_is_its_own_list_of_buyer_ops() -> None:
    history = bought("A1", 1.0)
    src = Sources(history=history)
    assert real_buyer_ops(src) is history and src.buyer_ops() is history
    assert snooper_ops(src) == [] and list(buyer_orders(src)) == ["A1"]
    with_nemesis = Sources(history=[*history, op("nemesis", "info", "kill", 2.0)])
    assert with_nemesis.buyer_ops() == history and real_buyer_ops(with_nemesis) == history
