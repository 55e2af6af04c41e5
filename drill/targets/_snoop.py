"""Snooper probes through an adapter's own buyer steps, for drills against any shop.

Why: drill/load/snooper.py knows the reference shop's routes; a shop faka-drill did
not write has other routes and other access rules. So an adapter declares which
probes make sense for its shop (`TargetAdapter.snoops`, and the admin GET routes
that must refuse a stranger in `admin_probe_routes`), and a snooper runs them with
the adapter's `poll_status` / `read_cards` on orders it does not own: the victim's
number without the secret, with a forged or another order's secret, a neighbouring
or guessed number with the victim's secret; the admin routes without the admin
token or with a buyer's secret as one. Reads only: nothing in the shop changes.

Each attempt is recorded as the reference snooper records it (op names `snoop_order`,
`snoop_cards`, `snoop_admin`; type ok for an answer, fail for a refusal, info when
nobody can tell; value {"order_no"?, "how", "route", "status", "cards"?,
"admin_items"?, "excerpt"? (the reply's first bytes), "tokens_echoed"?}), so
drill/checks/access.py judges the ops, whatever the shop.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from drill.history import OpType
from drill.load.snooper import answer, echoed, guessed, neighbour  # the reference tricks
from drill.targets._abilities import Snoop
from drill.targets._adapter import TargetAdapter
from drill.targets._http import HttpClient, HttpReply
from drill.targets._steps import Order, StepError, op_type_of

NO_SECRET = "-"  # a victim of a shop without per-order secrets (the buyer knows only the no.)
_HEX = "0123456789abcdef"


class Recorder(Protocol):
    """drill.load's OpRecorder, or any history writer of that shape."""

    def op(self, process: str, type_: OpType, f: str, value: dict[str, Any],
           at: float | None = None) -> None: ...


def _snoop_name(url: str, name: str | None) -> str:
    given = name or urlsplit(url).path
    return given if given.startswith("snoop ") else "snoop " + given


class _Seen:
    """An `HttpClient` that remembers the last request's path, status and body, and names every
    request `snoop …` so the load statistics keep snoopers apart from buyers."""

    def __init__(self, http: HttpClient) -> None:
        self.http, self.path, self.status, self.body = http, "", 0, b""

    def _note(self, method: str, url: str, reply: HttpReply) -> HttpReply:
        self.path, self.status = f"{method} {urlsplit(url).path}", reply.status
        self.body = reply.text.encode("utf-8", "replace")
        return reply

    def get(self, url: str, *, params: Mapping[str, str] | None = None,
            headers: Mapping[str, str] | None = None, name: str | None = None) -> HttpReply:
        return self._note("GET", url, self.http.get(url, params=params, headers=headers,
                                                    name=_snoop_name(url, name)))

    def post(self, url: str, *, json: Any = None, form: Mapping[str, str] | None = None,
             headers: Mapping[str, str] | None = None, name: str | None = None) -> HttpReply:
        return self._note("POST", url, self.http.post(url, json=json, form=form,
                                                      headers=headers, name=_snoop_name(url, name)))


@dataclass(frozen=True, slots=True)
class Attempt:
    f: str            # snoop_order | snoop_cards | snoop_admin
    how: str          # a Snoop value
    order_no: str | None = None
    secret: str | None = None
    route: str = ""   # admin attempts: the path; else filled from what the step sent
    bearer: str | None = None


def attempts(adapter: TargetAdapter, victims: Sequence[tuple[str, str]],
             rng: random.Random) -> Iterator[Attempt]:
    """The declared probes against the newest victim (another victim lends its secret)."""
    kinds = adapter.snoops
    no, token = victims[-1]
    secret = None if token == NO_SECRET else token
    other = next((t for n, t in reversed(victims) if n != no and t != NO_SECRET), None)
    if Snoop.NO_TOKEN in kinds:
        yield Attempt("snoop_order", Snoop.NO_TOKEN, no)
        yield Attempt("snoop_cards", Snoop.NO_TOKEN, no)
    if Snoop.WRONG_TOKEN in kinds:
        yield Attempt("snoop_cards", Snoop.WRONG_TOKEN, no, "".join(rng.choices(_HEX, k=32)))
    if Snoop.OTHER_TOKEN in kinds and other is not None:
        yield Attempt("snoop_cards", Snoop.OTHER_TOKEN, no, other)
    if Snoop.NEIGHBOUR in kinds:
        yield Attempt("snoop_cards", Snoop.NEIGHBOUR, neighbour(no), secret)
    if Snoop.GUESSED in kinds:
        yield Attempt("snoop_order", Snoop.GUESSED, guessed(no, rng), secret)
    if Snoop.ADMIN_NO_TOKEN in kinds:
        yield from (Attempt("snoop_admin", Snoop.ADMIN_NO_TOKEN, route=r)
                    for r in adapter.admin_probe_routes)
    if Snoop.ADMIN_WRONG_TOKEN in kinds and adapter.admin_probe_routes:
        yield Attempt("snoop_admin", Snoop.ADMIN_WRONG_TOKEN, route=adapter.admin_probe_routes[0],
                      bearer=secret or "".join(rng.choices(_HEX, k=32)))


def _try(adapter: TargetAdapter, seen: _Seen, a: Attempt) -> tuple[OpType, dict[str, Any]]:
    """(op type, what the answer showed) for one attempt through the adapter's steps."""
    if a.f == "snoop_admin":
        headers = {"Authorization": f"Bearer {a.bearer}"} if a.bearer else None
        r = seen.get(adapter.url(a.route), headers=headers, name=f"snoop {a.route}")
        return answer(r.status, r.text.encode(), admin=True)
    assert a.order_no is not None
    order = Order(a.order_no, "", 1, None, secret=a.secret)
    try:
        if a.f == "snoop_order":
            st = adapter.poll_status(seen, order)
            return "ok", {"cards": list(st.cards)} if st.cards else {}
        return "ok", {"cards": list(adapter.read_cards(seen, order))}
    except StepError as exc:
        return op_type_of(exc), {}
    except Exception:       # an adapter's own bug on a strange answer: nobody can tell
        return "info", {}


def run_adapter_snooper(adapter: TargetAdapter, http: HttpClient, history: Recorder, proc: str,
                        victims: Sequence[tuple[str, str]], rng: random.Random) -> int:
    """Every declared probe once against `victims` (newest first aimed at); how many made."""
    if not victims or not adapter.snoops:
        return 0
    made, known = 0, [(n, t) for n, t in victims if t != NO_SECRET]
    for a in attempts(adapter, victims, rng):
        value: dict[str, Any] = {"how": a.how.value if isinstance(a.how, Snoop) else a.how,
                                 "route": a.route or a.f}
        if a.order_no is not None:
            value["order_no"] = a.order_no
        history.op(proc, "invoke", a.f, dict(value))
        seen = _Seen(http)
        type_, shown = _try(adapter, seen, a)
        route = a.route or (seen.path.replace(a.order_no, "{order_no}") if a.order_no
                            else seen.path)
        leaked = echoed(seen.body, known, a.secret or a.bearer)
        history.op(proc, type_, a.f, {**value, "route": route or a.f, "status": seen.status,
                                      **leaked, **shown})
        made += 1
    return made
