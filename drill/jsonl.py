"""JSON Lines, the format of every history and ledger in a run folder.

Readers skip blank and torn lines (a killed writer leaves half a line), so a
partial run folder is still readable.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

try:  # 3-5x faster on big run folders (bench/oracle.py); the stdlib parser otherwise
    import orjson

    _loads: Callable[[bytes], Any] = orjson.loads
    _ERRORS: tuple[type[Exception], ...] = (orjson.JSONDecodeError,)
except ImportError:  # pragma: no cover - depends on the environment
    _loads = json.loads
    _ERRORS = (json.JSONDecodeError, UnicodeDecodeError)


def read_jsonl(path: Path) -> list[dict[str, Any]] | None:
    """The objects of a JSONL file in order; None when the file is missing."""
    if not path.exists():
        return None
    out: list[dict[str, Any]] = []
    with open(path, "rb") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                item = _loads(line)
            except _ERRORS:
                continue
            if isinstance(item, dict):
                out.append(item)
    return out
