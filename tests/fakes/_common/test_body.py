"""Bounded JSON: depth, finite numbers, UTF-8 and size refused with a message, never a crash."""

from __future__ import annotations

import pytest

from fakes._common import MAX_JSON_DEPTH, BadRequest, parse_json, try_json


def test_ordinary_json_passes() -> None:
    assert parse_json(b'{"a": [1, 2.5, "x", null, true]}') == {"a": [1, 2.5, "x", None, True]}
    assert parse_json(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH) is not None


@pytest.mark.parametrize(("raw", "why"), [
    (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), "deeper than 32"),
    (b"[" * 100_000, "deeper than 32"),
    (b'{"x": NaN}', "not a JSON number"),
    (b"[Infinity]", "not a JSON number"),
    (b"[1e999]", "not finite"),
    (b"[" + b"9" * 5000 + b"]", "not valid JSON"),
    (b'["\\ud800"]', "not valid JSON"),
    (b"\xff\xfe\xfa", "not valid JSON"),
    (b"{", "not valid JSON"),
])
def test_hostile_json_is_a_bad_request_naming_the_problem(raw: bytes, why: str) -> None:
    with pytest.raises(BadRequest, match=why) as refused:
        parse_json(raw)
    assert refused.value.status == 400
    assert try_json(raw) is None
