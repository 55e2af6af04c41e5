"""load_sources reads the run folder as the checkers expect it: the interned records equal the
plain parse, one order number is one string object across sources, and the export's record
lists are interned too (the memory bench/oracle.py measures)."""

from __future__ import annotations

import json
from pathlib import Path

from drill.checks.sources import load_sources
from drill.jsonl import read_jsonl, read_records


def _lines(path: Path, items: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(i) + "\n" for i in items) + '{"torn": ', "utf-8")


def test_interned_records_equal_the_plain_parse_and_share_order_numbers(tmp_path: Path) -> None:
    no = "B" + "0" * 9 + "7"
    ops = [{"process": "buyer-1-7", "type": "ok", "f": "pay", "time": 1.5, "index": 3,
            "value": {"order_no": no, "trade_no": "T7", "cards": ["c1"], "n": 2}}]
    pays = [{"out_trade_no": no, "trade_no": "T7", "status": "paid", "paid_at": 1.2,
             "note": "x" * 100}]
    _lines(tmp_path / "history.jsonl", ops)
    _lines(tmp_path / "ledgers" / "gateway-payments.jsonl", pays)
    (tmp_path / "export.json").write_text(json.dumps({"orders": [{"order_no": no}],
                                                      "stock": {}}), "utf-8")
    assert read_records(tmp_path / "history.jsonl") == read_jsonl(tmp_path / "history.jsonl")
    assert read_records(tmp_path / "missing.jsonl") is None
    src = load_sources(tmp_path)
    assert src.history == ops and src.payments == pays  # the torn last line is skipped
    assert src.history is not None and src.payments is not None and src.export is not None
    from_history = src.history[0]["value"]["order_no"]
    assert from_history is src.payments[0]["out_trade_no"]
    assert from_history is src.export["orders"][0]["order_no"]
    assert src.purchases is None and src.messages is None  # absent, not empty


def test_a_broken_export_reads_as_missing(tmp_path: Path) -> None:
    (tmp_path / "export.json").write_text('{"orders": [', "utf-8")
    assert load_sources(tmp_path).export is None


def test_one_pass_splits_buyers_from_snoopers_and_the_nemesis_is_neither() -> None:
    from drill.checks.evidence import real_buyer_ops, snooper_ops
    from drill.checks.sources import Sources

    ops = [{"process": "buyer-1-1", "type": "invoke", "f": "pay", "value": {}, "time": 1.0},
           {"process": "nemesis", "type": "info", "f": "inject", "value": {}, "time": 1.1},
           {"process": "snooper-1-2", "type": "fail", "f": "snoop_cards", "value": {},
            "time": 1.2},
           {"process": 7, "type": "ok", "f": "pay", "value": {}, "time": 1.3}]
    src = Sources(history=ops)
    assert snooper_ops(src) == [ops[2]]  # asked first: the split still fills both
    assert real_buyer_ops(src) == [ops[0], ops[3]]
    assert real_buyer_ops(src) is real_buyer_ops(src) and snooper_ops(src) is snooper_ops(src)
