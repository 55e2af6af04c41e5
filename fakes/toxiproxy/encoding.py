"""Go `encoding/json`-compatible output: compact, HTML-escaped, float32 as Go prints it.

Byte-exact bodies matter because some clients and our conformance tests
compare them literally (e.g. ``"toxicity":1`` not ``1.0``).
"""

from __future__ import annotations

import json
import struct
from typing import Any

_HTML_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def to_float32(value: float) -> float:
    """Round a double to the nearest float32, as Go stores `toxicity`."""
    try:
        return float(struct.unpack("f", struct.pack("f", value))[0])
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


def float32_json(value: float) -> float | int:
    """The number Go's encoder prints for a float32: shortest round-trip digits."""
    if value == int(value) and abs(value) < 1e21:
        return int(value)
    for digits in range(1, 10):
        candidate = float(f"{value:.{digits}g}")
        if to_float32(candidate) == value:
            return candidate
    return value


def marshal(obj: Any) -> bytes:
    """`json.Marshal`: compact separators, UTF-8, Go's HTML-safe escapes."""
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    if any(ch in text for ch in _HTML_ESCAPES):
        for raw, escaped in _HTML_ESCAPES.items():
            text = text.replace(raw, escaped)
    return text.encode("utf-8")
