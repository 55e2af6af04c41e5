"""drill.jsonl.compact: a record equal to the parse (keys in order, values equal, strings
interned), stored as a key-sharing dict smaller than the plain one, still a mutable dict."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from drill.jsonl import compact, read_jsonl, read_records


def _op(i: int) -> dict[str, object]:
    return {"process": f"buyer-1-{i}", "type": "ok", "f": "pay", "time": 1.5 + i,
            "index": i, "value": {"order_no": f"B{i:010d}", "trade_no": f"T{i}",
                                  "cards": ["c1"], "n": 2}}


def test_compact_records_equal_the_parse_in_key_order_and_are_smaller(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    path.write_text("".join(json.dumps(_op(i)) + "\n" for i in range(50)), "utf-8")
    plain, small = read_jsonl(path), read_records(path)
    assert plain is not None and small is not None
    assert small == plain
    assert [list(r) for r in small] == [list(r) for r in plain]
    assert [json.dumps(r) for r in small] == [json.dumps(r) for r in plain]
    assert sys.getsizeof(small[7]) < sys.getsizeof(plain[7])
    assert sys.getsizeof(small[7]["value"]) < sys.getsizeof(plain[7]["value"])
    assert small[3]["type"] is small[9]["type"]  # interned


def test_a_compact_record_stays_an_ordinary_mutable_dict() -> None:
    rec = compact(_op(1))
    rec["extra"] = [1]
    del rec["index"]
    assert type(rec) is dict and list(rec)[-1] == "extra" and "index" not in rec
    assert compact(_op(2)) == _op(2)  # the shape's other records are unharmed


def test_long_strings_are_kept_and_odd_keys_work() -> None:
    long = "x" * 500
    rec = {"": 1, "a b": None, "note": long, "list": [{"k": "v"}], "__class__": "x",
           "__dict__": {"__init__": 2}}
    out = compact(dict(rec))
    assert out == rec and out["note"] == long and list(out) == list(rec)
