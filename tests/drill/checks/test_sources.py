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
