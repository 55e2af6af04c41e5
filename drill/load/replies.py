"""How a buyer reads a shop's reply: refused, unknown, its error text, its JSON body.

Shared by the flow (drill/load/buyer.py) and the order reads (drill/load/order_reads.py),
so both judge a reply the same way. Pure: `resp` is anything with status_code/text/json().
"""

from __future__ import annotations

from typing import Any

from drill.history import OpType


def failure(status: int) -> OpType:
    """A refused call is `fail`; one whose outcome we cannot know (timeout, 5xx) is `info`."""
    return "info" if unknown(status) else "fail"


def unknown(status: int) -> bool:
    return status == 0 or status >= 500


def error(resp: Any) -> str:
    err = getattr(resp, "error", None)
    text = ""
    try:
        text = (resp.text or "")[:200]
    except Exception:  # body unreadable after a connection error
        text = ""
    return f"HTTP {resp.status_code}: {err or text}"


def json_body(resp: Any) -> dict[str, Any]:
    try:
        data = resp.json()
    except Exception:
        return {}
    return data if isinstance(data, dict) else {}
