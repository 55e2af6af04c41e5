"""revisit: paid orders whose buyer gave up are looked at once more, as ops the oracle reads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from drill.history import Op
from drill.targets import OrderState
from drill.targets.revisit import revisit, unfinished
from tests.drill.targets.canned import WORLD, CannedShop


def _op(proc: str, type_: str, f: str, **value: Any) -> str:
    return json.dumps({"process": proc, "type": type_, "f": f, "value": value, "time": 1.0})


def _part(tmp: Path) -> Path:
    lines = [_op("b1", "ok", "create_order", order_no="A1", product_id="p", token="s3cret"),
             _op("b1", "ok", "pay", order_no="A1", trade_no="T1"),
             _op("b1", "info", "await_delivery", order_no="A1", error="timeout"),
             _op("b2", "ok", "create_order", order_no="A2", product_id="p", token="x"),
             _op("b2", "ok", "pay", order_no="A2", trade_no="T2"),
             _op("b2", "ok", "await_delivery", order_no="A2", status="delivered"),
             _op("b3", "ok", "create_order", order_no="A3", product_id="p")]  # never paid
    path = tmp / "history-1.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_only_paid_orders_the_buyer_never_saw_end_are_revisited(tmp_path: Path) -> None:
    orders = unfinished([_part(tmp_path)])
    assert [(o.order_no, o.secret) for o in orders] == [("A1", "s3cret")]


def test_a_delivered_order_is_recorded_with_its_cards(tmp_path: Path) -> None:
    shop = CannedShop("http://127.0.0.1:1", WORLD)
    shop.deliveries = [("K1",)]
    ops: list[Op] = []
    counts = revisit(shop, None, unfinished([_part(tmp_path)]), ops.append,  # type: ignore[arg-type]
                     lambda: 5.0)
    assert counts == {"revisited": 1, "delivered": 1, "closed": 0, "open": 0}
    assert [(o.process, o.type, o.f) for o in ops] == [
        ("revisit", "invoke", "await_delivery"), ("revisit", "ok", "await_delivery"),
        ("revisit", "invoke", "fetch_card"), ("revisit", "ok", "fetch_card")]
    assert ops[-1].value["cards"] == ["K1"]


class _Stuck(CannedShop):
    state: ClassVar[OrderState] = OrderState.PAID


def test_a_still_open_order_stays_unknown(tmp_path: Path) -> None:
    ops: list[Op] = []
    counts = revisit(_Stuck("http://127.0.0.1:1", WORLD), None,  # type: ignore[arg-type]
                     unfinished([_part(tmp_path)]), ops.append, lambda: 5.0)
    assert counts["open"] == 1 and ops[-1].type == "info"
