"""OpRecorder's lines (orjson) are the lines `Op.to_line` writes, and read back as the same ops."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from drill.history import Op, OpType, merge_histories
from drill.load.op_recorder import OpRecorder, op_line

VALUES: list[dict[str, Any]] = [
    {"order_no": "S000000001", "product_id": "steam-50", "quantity": 2, "amount": "100.00",
     "expires_at": 1764659123.123456, "paid": None, "ok": True},
    {"error": 'HTTP 404: {"error":"无此订单 no such order"}', "status": 404},
    {"cards": ["K1", "K2"], "nested": {"a": [1, 2.5, {"b": False}]}, 7: "int key"},
    {"huge": 2**70},          # over 64 bits: orjson refuses, Op.to_line writes it
    {"lone": "\ud800"},       # a lone surrogate: orjson refuses it too
]


@pytest.mark.parametrize("value", VALUES)
def test_op_line_is_op_to_line(value: dict[str, Any]) -> None:
    kind: OpType = "ok"
    assert op_line("buyer-1-2", kind, "create_order", value, 1764659000.25) == \
        Op("buyer-1-2", kind, "create_order", value, 1764659000.25).to_line()


def test_op_line_refuses_an_unknown_type() -> None:
    with pytest.raises(ValueError, match="not one of invoke, ok, fail, info"):
        op_line("p", "done", "f", {}, 1.0)  # type: ignore[arg-type]


def test_recorded_ops_merge_back_unchanged(tmp_path: Path) -> None:
    rec = OpRecorder(tmp_path, flush_every=2)
    ops = [Op("buyer-9-1", "invoke", "pay", {"order_no": "S1"}, 10.0),
           Op("buyer-9-1", "ok", "pay", {"order_no": "S1", "trade_no": "2024"}, 10.5),
           Op("buyer-9-1", "info", "await_delivery", {"order_no": "S1", "polls": 3}, 11.0)]
    for o in ops:
        rec.op(o.process, o.type, o.f, o.value, at=o.time)
    rec.close()
    lines = rec.path.read_text(encoding="utf-8").splitlines()
    assert lines == [o.to_line() for o in ops]
    assert [Op.from_dict(json.loads(ln)) for ln in lines] == ops
    assert [o.value for o in map(Op.from_dict, map(json.loads, lines))] == [o.value for o in ops]
    assert merge_histories(tmp_path / "history.jsonl", [rec.path]) == len(ops)
