"""A snooper: someone who tries to see orders, cards and admin data that are not theirs.

Why: "who may see what" (drill/checks/access.py) is judged from what the shop
answered people who must be refused. A snooper follows a small share of real
buyers (plan.snoopers) and knows only what a buyer could: order numbers and
tokens of recent orders it has seen. It sends GETs only, so the shop's state
(stock, orders) is unchanged. Every attempt is one invoke + completion:

    process "snooper-<pid>-<n>", f snoop_order | snoop_cards | snoop_admin,
    type ok (2xx) | fail (4xx) | info (5xx, timeout),
    value {"order_no"?, "how", "route", "status", "cards"?, "admin_items"?,
           "excerpt"? (the reply's first EXCERPT bytes), "tokens_echoed"? (victims' tokens
           the reply carried, beyond the one sent)}

In a drill against another shop (`--target`), the shop's adapter declares its probes
and a snooper runs them through the adapter's steps (drill/targets/_snoop.py), with
the same op shape: drill/load/target_flow.py hands that runner over with
`through_adapter`, and `run_snooper` then uses it for that shop's URL.

Runs inside Locust; no Locust or gevent import.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import quote

from drill.history import OpType
from drill.load.op_recorder import OpRecorder

Victim = tuple[str, str]  # (order_no, token) of an order a buyer created
ORDER = "/api/orders/{order_no}"
CARDS = "/api/orders/{order_no}/cards"
ADMIN_ROUTES = ("/admin/orders", "/admin/alerts")
_HEX = "0123456789abcdef"
EXCERPT = 1024  # bytes of each snooper reply kept in the history (an error page's head)
_ALPHABETS = (string.digits, string.ascii_lowercase, string.ascii_uppercase)
# one-character admin tokens a prefix walk tries: hex first (most tokens are), then the rest
WALK = _HEX + "ghijklmnopqrstuvwxyz" + string.ascii_uppercase + "-_"
WALK_LATER = 4  # characters each later snooper of a process tries (the first walks all WALK)
# an admin route spelt so a guard that matches the path as text misses it while the router
# may still serve it (case, doubled or trailing slashes, a dot segment)
PATH_VARIANTS = ("/ADMIN/orders", "//admin/orders", "/admin//orders", "/admin/orders/",
                 "/admin/./orders")
# client, history, proc, victims, rng -> attempts made: a target adapter's snooper
AdapterSnooper = Callable[[Any, OpRecorder, str, Sequence[Victim], random.Random], int]
_THROUGH: dict[str, AdapterSnooper] = {}


def through_adapter(service_url: str, snooper: AdapterSnooper) -> None:
    """Snoop on the shop at `service_url` with its adapter's declared probes (this process)."""
    _THROUGH[service_url.rstrip("/")] = snooper


def neighbour(order_no: str) -> str:
    """The order number one step on in its last character (hex when its tail is hex, else
    digit or letter): what a buyer who reads its own number would try next."""
    if not order_no:
        return "1"
    last = order_no[-1]
    hex_tail = any(c in "abcdef" for c in order_no[-8:])
    for alphabet in ((_HEX,) if hex_tail else ()) + _ALPHABETS:
        if last in alphabet:
            return order_no[:-1] + alphabet[(alphabet.index(last) + 1) % len(alphabet)]
    return order_no + "1"


def guessed(order_no: str, rng: random.Random) -> str:
    """A number of the same shape: the same leading half, the rest redrawn per character."""
    keep = len(order_no) // 2
    out = [order_no[i] if i < keep else _redraw(c, rng) for i, c in enumerate(order_no)]
    return "".join(out) or "1"


def _redraw(c: str, rng: random.Random) -> str:
    for alphabet in _ALPHABETS:
        if c in alphabet:
            return rng.choice(alphabet)
    return c


def attempts(victims: Sequence[Victim], rng: random.Random, nth: int = 1
             ) -> Iterator[tuple[str, str, str, str | None, dict[str, str]]]:
    """(f, how, route, order_no, query/header params) for one snooper's tries; `nth`: this
    snooper's number in its process (the first walks every one-character admin token)."""
    no, token = victims[-1]
    other = next((t for n, t in reversed(victims) if n != no), None)
    yield "snoop_order", "no_token", ORDER, no, {}
    yield "snoop_cards", "no_token", CARDS, no, {}
    yield "snoop_cards", "wrong_token", CARDS, no, {"token": "".join(rng.choices(_HEX, k=32))}
    if other is not None:
        yield "snoop_cards", "other_token", CARDS, no, {"token": other}
    yield "snoop_cards", "neighbour", CARDS, neighbour(no), {"token": token}
    yield "snoop_order", "guessed", ORDER, guessed(no, rng), {"token": token}
    yield from near_tokens(no, token)
    for route in ADMIN_ROUTES:
        yield "snoop_admin", "admin_no_token", route, None, {}
    yield "snoop_admin", "admin_wrong_token", ADMIN_ROUTES[0], None, {"bearer": token}
    yield from near_admin(token, nth)


def near_tokens(no: str, token: str) -> Iterator[tuple[str, str, str, str | None, dict[str, str]]]:
    """Tokens next to the right one, for the order's cards: empty (`?token=`), blank, the
    first half of the real one, the real one in the other case. Why: a shop that compares
    over the length sent, trims, or folds case hands the cards to each (strncmp, ILIKE)."""
    yield "snoop_cards", "empty_token", CARDS, no, {"token": ""}
    yield "snoop_cards", "blank_token", CARDS, no, {"token": " "}
    if len(token) > 1:
        yield "snoop_cards", "token_prefix", CARDS, no, {"token": token[:len(token) // 2]}
    if token.swapcase() != token:
        yield "snoop_cards", "token_case", CARDS, no, {"token": token.swapcase()}


def near_admin(token: str, nth: int) -> Iterator[tuple[str, str, str, str | None, dict[str, str]]]:
    """Admin credentials a snooper can try without knowing the token: `Bearer ` with nothing
    or a blank after it, the token put in the query or another header, the route spelt
    another way (PATH_VARIANTS, no credential at all), and one-character
    tokens (a prefix walk: under a prefix compare one of them is a prefix of the real
    token). The first snooper of a process walks all of WALK, later ones WALK_LATER each."""
    route = ADMIN_ROUTES[1]
    yield "snoop_admin", "admin_empty_token", route, None, {"bearer": ""}
    yield "snoop_admin", "admin_blank_token", route, None, {"bearer": "\t"}
    yield "snoop_admin", "admin_query_token", route, None, {"token": ""}
    yield "snoop_admin", "admin_query_token", route, None, {"token": token}
    yield "snoop_admin", "admin_other_header", route, None, {"x-admin-token": token}
    for variant in PATH_VARIANTS:
        yield "snoop_admin", "admin_path_variant", variant, None, {}
    chars = WALK if nth <= 1 else "".join(
        WALK[(nth * WALK_LATER + i) % len(WALK)] for i in range(WALK_LATER))
    for c in chars:
        yield "snoop_admin", "admin_prefix", route, None, {"bearer": c}


def run_snooper(client: Any, service_url: str, history: OpRecorder, proc: str,
                victims: Sequence[Victim], rng: random.Random, nth: int = 1) -> int:
    """Try every attempt once against `victims` (the newest is the target); how many were
    made (0 without a victim). `nth`: the snooper's number in its process (attempts)."""
    if not victims:
        return 0
    base, made = service_url.rstrip("/"), 0
    adapter_snooper = _THROUGH.get(base)
    if adapter_snooper is not None:
        return adapter_snooper(client, history, proc, victims, rng)
    for f, how, route, no, params in attempts(victims, rng, nth):
        path = route.format(order_no=no) if no is not None else route
        query = f"?token={quote(params['token'], safe='')}" if "token" in params else ""
        value: dict[str, Any] = {"how": how, "route": route}
        if "bearer" in params:
            value["sent"] = shape(params["bearer"])
        if no is not None:
            value["order_no"] = no
        history.op(proc, "invoke", f, dict(value))
        r = client.get(base + path + query, name=f"snoop {route}", headers=headers_of(params))
        content = getattr(r, "content", None) or b""
        type_, seen = answer(int(r.status_code or 0), content, admin=no is None)
        seen.update(echoed(content, victims, params.get("token") or params.get("bearer")
                            or params.get("x-admin-token")))
        history.op(proc, type_, f, {**value, "status": int(r.status_code or 0), **seen})
        made += 1
    return made


def headers_of(params: dict[str, str]) -> dict[str, str] | None:
    """The request headers of one attempt: its bearer credential, or another header."""
    out = {"Authorization": f"Bearer {params['bearer']}"} if "bearer" in params else {}
    out.update({k: v for k, v in params.items() if k.startswith("x-")})
    return out or None


def shape(credential: str) -> str:
    """What a bearer credential looked like, for the history (never a victim's whole token:
    its length and at most its first character)."""
    return f"{len(credential)} chars" + (f", {credential[0]!r}…" if credential else "")


def echoed(content: bytes, victims: Sequence[Victim], sent: str | None) -> dict[str, Any]:
    """What a reply of any status gave away: how many victims' tokens it carries (beyond the
    one the request sent) and a bounded excerpt of the body, so the access check can look
    for card codes in it. Why: a refusal (404) whose body dumps the order row is a leak."""
    if not content:
        return {}
    text = content[:EXCERPT].decode("utf-8", "replace")
    tokens = sum(1 for _n, t in set(victims) if t and t != sent and t in text)
    out: dict[str, Any] = {"excerpt": text} if len(content) > 2 else {}
    if tokens:
        out["tokens_echoed"] = tokens
    return out


def answer(status: int, content: bytes, *, admin: bool) -> tuple[OpType, dict[str, Any]]:
    """The op type for a status, and the cards (or, on an admin route, how many items) the
    body carried."""
    type_: OpType = "ok" if 200 <= status < 300 else (
        "fail" if 400 <= status < 500 else "info")
    if type_ != "ok":
        return type_, {}
    try:
        body = json.loads(content)
    except ValueError:
        return type_, {}
    seen: dict[str, Any] = {}
    if isinstance(body, dict) and isinstance(body.get("cards"), list):
        seen["cards"] = [str(c) for c in body["cards"]]
    if admin:
        lists = [body] if isinstance(body, list) else [
            v for v in body.values() if isinstance(v, list)] if isinstance(body, dict) else []
        seen["admin_items"] = len(lists[0]) if lists else 0
    return type_, seen
