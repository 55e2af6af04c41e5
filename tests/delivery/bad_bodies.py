"""Order bodies the shop must refuse with a 4xx naming the problem (both test tiers use it)."""

from __future__ import annotations

BAD_BODIES: list[tuple[str, bytes, int, str]] = [
    ("malformed", b'{"product_id": "steam-50", "quantity": 1,', 400, "malformed JSON"),
    ("not an object", b"[1, 2, 3]", 400, "must be an object"),
    ("empty", b"", 400, "empty body"),
    ("unknown field", b'{"product_id":"steam-50","quantity":1,"contact":"a","admin":true}',
     422, "unknown field"),
    ("negative qty", b'{"product_id":"steam-50","quantity":-5,"contact":"a"}', 422, "quantity"),
    ("string qty", b'{"product_id":"steam-50","quantity":"1","contact":"a"}', 422, "quantity"),
    ("float qty", b'{"product_id":"steam-50","quantity":1e999,"contact":"a"}', 422, "quantity"),
    ("nan qty", b'{"product_id":"steam-50","quantity":NaN,"contact":"a"}', 422, "quantity"),
    ("huge qty", b'{"product_id":"steam-50","quantity":100000000000,"contact":"a"}', 422,
     "quantity"),
    ("sql-ish", b'{"product_id":"steam-50\' OR 1=1; DROP TABLE orders;--","quantity":1,'
     b'"contact":"a"}', 404, "unknown product_id"),
    ("missing", b'{"quantity":1}', 422, "product_id"),
    ("bad utf8", b'{"product_id":"\xff\xfe","quantity":1,"contact":"a"}', 400, "malformed"),
    ("nested 1,000 deep", b'{"product_id":' + b"[" * 1000 + b"]" * 1000 + b"}", 400,
     "nested 1001 levels deep"),
    ("nested 100,000 deep", b"[" * 60_000, 400, "nested 60000 levels deep"),
    ("deep brackets inside a string are text", b'{"product_id":"' + b"[" * 5000 + b'",'
     b'"quantity":1,"contact":"a"}', 422, "product_id"),
    ("escaped quote", b'{"product_id":"a\\"[[[[","quantity":1,"contact":"a"}', 404,
     "unknown product_id"),
]
