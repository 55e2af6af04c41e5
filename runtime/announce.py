"""The child side of the READY protocol."""

from __future__ import annotations

import json
import sys
from typing import Any

READY_PREFIX = "READY "


def announce_ready(port: int, **extra: Any) -> None:
    """Print the one READY line the parent waits for (stdout, flushed)."""
    payload = {"port": port, "url": f"http://127.0.0.1:{port}", **extra}
    sys.stdout.write(READY_PREFIX + json.dumps(payload) + "\n")
    sys.stdout.flush()


def parse_ready(line: str) -> dict[str, Any] | None:
    if not line.startswith(READY_PREFIX):
        return None
    data = json.loads(line[len(READY_PREFIX):])
    return data if isinstance(data, dict) else None
