"""Collect writes every record atomically: an interrupted write leaves no temp file behind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from drill.collect import _write_jsonl


def _interrupted_after(n: int) -> Iterator[dict[str, Any]]:
    for i in range(n):
        yield {"i": i}
    raise KeyboardInterrupt


def test_a_ctrl_c_mid_write_leaves_no_temp_file_and_the_old_ledger(tmp_path: Path) -> None:
    ledger = tmp_path / "gateway-payments.jsonl"
    _write_jsonl(ledger, [{"i": 0}])
    with pytest.raises(KeyboardInterrupt):
        _write_jsonl(ledger, _interrupted_after(3))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gateway-payments.jsonl"]
    assert ledger.read_text(encoding="utf-8") == '{"i":0}\n'


def test_a_whole_write_replaces_the_ledger(tmp_path: Path) -> None:
    ledger = tmp_path / "sink-mails.jsonl"
    _write_jsonl(ledger, [{"a": 1}, {"b": "邮件"}])
    assert ledger.read_text(encoding="utf-8").splitlines() == ['{"a":1}', '{"b":"邮件"}']
