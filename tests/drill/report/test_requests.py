"""The per-request table from a literal history: every figure worked out by hand."""

from __future__ import annotations

from typing import Any

from drill.report.requests import RequestRow, request_table


def _op(proc: str, type_: str, f: str, t: float) -> dict[str, Any]:
    return {"process": proc, "type": type_, "f": f, "time": t, "value": {}}


HISTORY = [
    _op("buyer-1", "invoke", "create_order", 0.0), _op("buyer-1", "ok", "create_order", 0.1),
    _op("buyer-1", "invoke", "pay", 0.2), _op("buyer-1", "ok", "pay", 0.5),
    _op("buyer-1", "invoke", "await_delivery", 0.6),
    _op("buyer-2", "invoke", "create_order", 1.0), _op("buyer-2", "fail", "create_order", 1.05),
    _op("nemesis", "invoke", "down", 1.5), _op("nemesis", "info", "down", 1.6),
    _op("buyer-3", "invoke", "create_order", 2.0), _op("buyer-3", "ok", "create_order", 2.2),
    _op("buyer-3", "invoke", "pay", 2.3),                              # never answered
    _op("catalogue-1", "ok", "list_products", 2.5),                     # no invoke: no request
    _op("snooper-1", "invoke", "snoop_cards", 2.6), _op("snooper-1", "fail", "snoop_cards", 2.7),
    _op("snooper-1", "invoke", "snoop_cards", 2.8), _op("snooper-1", "ok", "snoop_cards", 3.0),
    _op("buyer-1", "info", "await_delivery", 3.6),                     # timed out after 3 s
]


def test_rows_by_name_then_total_with_hand_worked_figures() -> None:
    rows = {r.name: r for r in request_table(HISTORY)}
    assert list(rows) == ["await_delivery", "create_order", "pay", "snoop_cards", "total"]
    # window: first invoke 0.0 s to last completion 3.6 s
    assert rows["create_order"] == RequestRow("create_order", 3, 1, 33.33, 100.0, 200.0, 200.0,
                                              200.0, 0.83)
    assert rows["pay"] == RequestRow("pay", 2, 1, 50.0, 300.0, 300.0, 300.0, 300.0, 0.56)
    assert rows["await_delivery"] == RequestRow("await_delivery", 1, 1, 100.0, 3000.0, 3000.0,
                                                3000.0, 3000.0, 0.28)
    # a probe refused is right, one let through is the failure
    assert rows["snoop_cards"] == RequestRow("snoop_cards", 2, 1, 50.0, 100.0, 200.0, 200.0,
                                             200.0, 0.56)
    # all seven answered latencies: 50, 100, 100, 200, 200, 300, 3000 ms (nearest rank)
    assert rows["total"] == RequestRow("total", 8, 4, 50.0, 200.0, 3000.0, 3000.0, 3000.0, 2.22)


def test_no_history_or_only_faults_gives_no_table() -> None:
    assert request_table(None) == []
    assert request_table([_op("nemesis", "invoke", "down", 1.0)]) == []


def test_only_unanswered_invokes_have_no_latency_nor_rate() -> None:
    rows = request_table([_op("buyer-1", "invoke", "pay", 5.0)])
    assert rows[0] == RequestRow("pay", 1, 1, 100.0, None, None, None, None, None)
