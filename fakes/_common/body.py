"""Bounded request bodies: size, JSON depth, finite numbers, valid UTF-8.

Why here: a fake must answer a 4xx, never a 500, to whatever a buggy shop (or a
fuzzer) sends. Python's json module recurses (a 100k-deep array is a
RecursionError), accepts NaN/Infinity and turns ``1e999`` into ``inf``, and lets
lone surrogates (``"\\ud800"``) through, which later fail to encode in a reply.
"""

from __future__ import annotations

import json
import math
from typing import Any
from urllib.parse import unquote

from starlette.requests import Request

from fakes._common.errors import BadRequest

MAX_BODY_BYTES = 256 * 1024
MAX_JSON_DEPTH = 32


async def read_body(request: Request) -> bytes:
    """The raw body, refused with 413 when over `MAX_BODY_BYTES`."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BadRequest(f"request body of {declared} bytes is over {MAX_BODY_BYTES}", 413)
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest(f"request body of {len(body)} bytes is over {MAX_BODY_BYTES}", 413)
    return body


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:40]} is not finite")
    return value


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not a JSON number (only finite numbers are accepted)")


def _check_tree(value: Any) -> None:
    """Depth <= MAX_JSON_DEPTH and every string encodable as UTF-8 (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            item.encode("utf-8")
        elif isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


def parse_json(raw: bytes) -> Any:
    """Parse a bounded JSON document or raise `BadRequest` saying what is wrong with it."""
    try:
        value = json.loads(raw, parse_float=_finite_float, parse_constant=_no_constant)
        _check_tree(value)
    except RecursionError:
        raise BadRequest(f"request body is JSON nested deeper than {MAX_JSON_DEPTH} levels"
                         ) from None
    except (ValueError, UnicodeError) as exc:  # JSONDecodeError, bad UTF-8, digit limit
        raise BadRequest(f"request body is not valid JSON: {str(exc)[:200]}") from None
    return value


async def read_json(request: Request) -> Any:
    """The body as bounded JSON; an empty body is ``{}``."""
    body = await read_body(request)
    return parse_json(body) if body else {}


def try_json(raw: bytes) -> Any:
    """`parse_json`, but None for an empty or unusable body (for protocol endpoints that
    answer in their own error shape instead of ours)."""
    if not raw:
        return None
    try:
        return parse_json(raw)
    except BadRequest:
        return None


def parse_form(text: str) -> list[tuple[str, str]]:
    """`urllib.parse.parse_qsl(text, keep_blank_values=True)`, the same pairs, ~40 % cheaper
    (the gateway parses a signed form every order): unquote only what has a '%'."""
    out: list[tuple[str, str]] = []
    for pair in text.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        if "+" in name:
            name = name.replace("+", " ")
        if "%" in name:
            name = unquote(name)
        if "+" in value:
            value = value.replace("+", " ")
        if "%" in value:
            value = unquote(value)
        out.append((name, value))
    return out
