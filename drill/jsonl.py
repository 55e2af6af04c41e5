"""JSON Lines, the format of every history and ledger in a run folder.

Readers skip blank and torn lines (a killed writer leaves half a line), so a
partial run folder is still readable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_jsonl(path: Path) -> list[dict[str, Any]] | None:
    """The objects of a JSONL file in order; None when the file is missing."""
    if not path.exists():
        return None
    out: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(item, dict):
                out.append(item)
    return out
