"""Go-like lenient JSON decoding for API bodies.

Toxiproxy decodes bodies with Go's `encoding/json`, and clients rely on its
leniency: keys match struct fields case-insensitively, unknown keys are
ignored, `null` keeps the default, only the first JSON value is read (trailing
bytes are ignored), and there are no range checks.  Type mismatches and syntax
errors produce Go's error text, which the API prefixes with
``bad request body: ``.

Where Python's decoder would crash and Go's would not, the input is refused
with a Go-worded 400 instead: nesting deeper than `MAX_DEPTH` (Go allows
10,000 but Python's recursive decoder cannot; no Toxiproxy body nests beyond
3), integers too long for `int()` (kept as numbers so int fields reject them
as Go does), and lone UTF-16 surrogates in strings (Go decodes them to U+FFFD).
"""

from __future__ import annotations

import json
import re
from typing import Any

from fakes.toxiproxy.encoding import to_float32

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MAX_DEPTH = 256
_LONG_INT_DIGITS = 400  # int() refuses > 4300 digits; int64 needs 19
_SURROGATE = re.compile("[\ud800-\udfff]")


class DecodeError(ValueError):
    """Go's json error text (without the ``bad request body:`` prefix)."""


class _Number(float):
    """A float that remembers its literal, so errors can quote it like Go does."""

    literal: str

    def __new__(cls, literal: str) -> _Number:
        obj = super().__new__(cls, literal)
        obj.literal = literal
        return obj


def _reject_constant(name: str) -> None:
    raise DecodeError(f"invalid character '{name[0]}' looking for beginning of value")


def _parse_int(literal: str) -> int | float:
    """Ints as Python ints, except absurdly long ones (kept as out-of-range numbers)."""
    return _Number(literal) if len(literal) > _LONG_INT_DIGITS else int(literal)


_DECODER = json.JSONDecoder(
    parse_float=_Number, parse_int=_parse_int, parse_constant=_reject_constant
)
_WS = " \t\r\n"


def _quote_char(ch: str) -> str:
    if ch == "'":
        return "'\\''"
    if ch == '"':
        return "'\"'"
    if ch.isprintable():
        return f"'{ch}'"
    return repr(ch)


def _open_container(text: str, pos: int) -> str:
    """Which bracket encloses `pos` (ignoring strings): picks Go's 'after ...' wording."""
    stack: list[str] = []
    in_str = escaped = False
    for ch in text[:pos]:
        if in_str:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            stack.append(ch)
        elif ch in "]}" and stack:
            stack.pop()
    return stack[-1] if stack else ""


def _syntax_message(exc: json.JSONDecodeError) -> str:
    text, pos, msg = exc.doc, exc.pos, exc.msg
    if msg.startswith("Unterminated string") or pos >= len(text):
        return "unexpected EOF"
    ch = _quote_char(text[pos])
    if msg.startswith("Expecting property name"):
        return f"invalid character {ch} looking for beginning of object key string"
    if msg.startswith("Expecting ':'"):
        return f"invalid character {ch} after object key"
    if msg.startswith("Expecting ','"):
        where = "object key:value pair" if _open_container(text, pos) == "{" else "array element"
        return f"invalid character {ch} after {where}"
    if msg.startswith("Invalid control character"):
        return f"invalid character {ch} in string literal"
    if msg.startswith("Invalid \\escape") or msg.startswith("Invalid \\u"):
        return f"invalid character {ch} in string escape code"
    literal = _literal_error(text, pos)
    return literal or f"invalid character {ch} looking for beginning of value"


def _literal_error(text: str, pos: int) -> str | None:
    """Go's scanner message inside a true/false/null literal, e.g. ``nope``."""
    for word in ("true", "false", "null"):
        if text[pos] != word[0]:
            continue
        for i in range(1, len(word)):
            if pos + i >= len(text):
                return "unexpected EOF"
            if text[pos + i] != word[i]:
                bad = _quote_char(text[pos + i])
                return f"invalid character {bad} in literal {word} (expecting '{word[i]}')"
    return None


def _check_depth(text: str) -> None:
    """Refuse nesting beyond `MAX_DEPTH` with Go's scanner wording, before decoding."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    in_str = escaped = False
    for ch in text:
        if in_str:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise DecodeError(f"invalid character '{ch}' exceeded max depth")
        elif ch in "]}":
            depth -= 1
            if depth <= 0:
                return  # the first value is complete; Go ignores what follows


def decode_first(body: bytes) -> Any:
    """Decode the first JSON value of `body`, as `json.NewDecoder(r).Decode` does."""
    text = body.decode("utf-8", errors="replace")
    start = len(text) - len(text.lstrip(_WS))
    if start >= len(text):
        raise DecodeError("EOF")
    _check_depth(text)
    try:
        value, _end = _DECODER.raw_decode(text, start)
    except json.JSONDecodeError as exc:
        raise DecodeError(_syntax_message(exc)) from None
    return value


def json_kind(value: Any, *, for_int: bool = False) -> str:
    """How Go names a JSON value in 'cannot unmarshal <kind>' messages."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return "string"
    if isinstance(value, _Number):
        return f"number {value.literal}" if for_int else "number"
    if isinstance(value, int | float):
        return f"number {value}" if for_int else "number"
    if isinstance(value, list):
        return "array"
    return "object"


def _type_error(value: Any, where: str, gotype: str, *, for_int: bool = False) -> DecodeError:
    kind = json_kind(value, for_int=for_int)
    return DecodeError(
        f"json: cannot unmarshal {kind} into Go struct field {where} of type {gotype}"
    )


def convert(value: Any, kind: str, where: str) -> Any:
    """Convert one field value to `kind` (string, bool, int64, int, float32) or raise like Go."""
    if kind == "string":
        if not isinstance(value, str):
            raise _type_error(value, where, "string")
        return _SURROGATE.sub("\ufffd", value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise _type_error(value, where, "bool")
        return value
    if kind in ("int64", "int"):
        if isinstance(value, bool) or not isinstance(value, int) or isinstance(value, float):
            if isinstance(value, int | float) and not isinstance(value, bool):
                raise _type_error(value, where, kind, for_int=True)
            raise _type_error(value, where, kind)
        if not INT64_MIN <= value <= INT64_MAX:
            raise _type_error(value, where, kind, for_int=True)
        return value
    if kind == "float32":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _type_error(value, where, "float32")
        result = to_float32(float(value))
        if result in (float("inf"), float("-inf")):
            raise _type_error(value, where, "float32", for_int=True)
        return result
    raise AssertionError(f"unknown field kind {kind!r}")


def match_key(key: str, fields: dict[str, str]) -> str | None:
    """Go's field matching: exact name first, then case-insensitive."""
    if key in fields:
        return key
    folded = key.casefold()
    for name in fields:
        if name.casefold() == folded:
            return name
    return None


def decode_struct(
    value: Any, fields: dict[str, str], struct: str, gotype: str, into: dict[str, Any]
) -> dict[str, Any]:
    """Merge a decoded JSON object into `into` following Go's struct rules.

    `fields` maps JSON names to kinds; kind ``raw`` stores the value as is
    (used for nested objects decoded in a second pass).  `struct` is the Go
    struct name used in messages; `gotype` names the whole value's Go type.
    The first type error is raised after the whole object was walked, as Go
    reports it.
    """
    if value is None:
        return into
    if not isinstance(value, dict):
        kind = json_kind(value)
        raise DecodeError(f"json: cannot unmarshal {kind} into Go value of type {gotype}")
    first: DecodeError | None = None
    for key, item in value.items():
        name = match_key(key, fields)
        if name is None or item is None:
            continue
        kind = fields[name]
        if kind == "raw":
            into[name] = item
            continue
        try:
            into[name] = convert(item, kind, f"{struct}.{name}")
        except DecodeError as exc:
            first = first or exc
    if first is not None:
        raise first
    return into
