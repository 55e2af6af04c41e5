"""breaker: while a supplier's link is dark, the shop stops dialling it (its breaker opened).

The evidence is the link's own: faults.jsonl holds the connections the embedded
Toxiproxy had accepted on the link when the fault was injected and when it was healed
(drill/faults/counting.py), so their difference is how often the shop dialled the dead
supplier. A shop whose breaker is fed by HTTP answers only (refused connections and
timeouts never trip it) keeps dialling for every order and every retry; failover and
latency can look fine all along.

With the reference shop's policy known (`[service] supplier_policy`, wall seconds) the
dials are bounded by what the breaker allows: per process `breaker_failures` to open
it, plus TRIALS_PER_WINDOW half-open trials per reset window the outage spans, plus
IN_FLIGHT × `breaker_failures` for calls already in flight when it went dark (each may
fail, then ask once more). Measured on the clean shop: 3-6 dials in supplier-outage's
10 s, 4-9 in supplier-failback's 5 s with 4-6 calls in flight (bound 16 for both);
breaker-http-only: 239. Without a policy (a
target shop) the rule is weaker: fewer dials than supplier orders paid during the
outage, with at least MIN_ORDERS of them to compare.

A `down` fault cannot be counted on the link (a disabled proxy closes its listener and
the kernel refuses), yet only refused connections show a breaker that ignores transport
errors: under `reset_peer` the shop is unsure whether the supplier took the order and
asks it, and a failed ask trips even that breaker. So for `down` the dials come from the
shop's own call log (the export's supplier_calls, every call but `breaker_open`); with no
export it is *unknown* (a shop that cannot export: "not judged", saying why and which fault
would count it). A link fault without its counts (Go's Toxiproxy) is *unknown*, never a pass.

A supplier that answers every call with a server error (a `behaviour` fault with
error_rate 1 and only 5xx codes: its app down behind a live nginx) is dark as well: a
breaker that counts an HTTP 5xx answer as a success never opens. Those dials are counted
on the supplier's own purchase ledger (every purchase it received during the window).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from drill.checks.evidence import as_float
from drill.checks.orders import order_index
from drill.checks.said import Said, said
from drill.checks.sources import Record, Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import Verdict, missing
from drill.components import SUPPLIER_LINKS, SUPPLIERS

ID = "breaker"
COUNTED_KINDS = ("reset_peer", "timeout")   # the proxy accepts, the supplier hears nothing
DOWN = "down"
BEHAVIOUR = "behaviour"   # a supplier fake's knobs: dark when it answers 5xx to every call
SERVER_ERROR = 500
TRIALS_PER_WINDOW = 2
IN_FLIGHT = 3
MIN_ORDERS = 10
SUPPLIER_FAKES = tuple(f"supplier-{name}" for name in SUPPLIERS)
COUNTED_BY = {DOWN: "shop call log", BEHAVIOUR: "supplier ledger"}
ACCEPTED, ACCEPTED_ERROR = "accepted_connections", "accepted_connections_error"


@dataclass(frozen=True, slots=True)
class Outage:
    """One dark window of a supplier link, with its dial count when both ends have one."""

    fault_id: str
    link: str
    kind: str
    start: float
    end: float | None
    attempts: int | None
    why_uncounted: str | None

    @property
    def seconds(self) -> float:
        return 0.0 if self.end is None else max(0.0, self.end - self.start)


def _server_errors_only(f: Record) -> bool:
    """A behaviour fault on a supplier fake that answers every call with a 5xx."""
    params = f.get("params") or {}
    if not isinstance(params, dict) or str(f.get("target")) not in SUPPLIER_FAKES:
        return False
    rate, codes = as_float(params.get("error_rate")), params.get("error_codes")
    return (rate is not None and rate >= 1 and isinstance(codes, list) and bool(codes)
            and all(isinstance(c, int) and c >= SERVER_ERROR for c in codes))


def _dark(f: Record) -> bool:
    if f.get("kind") == BEHAVIOUR:
        return f.get("ok", True) is not False and _server_errors_only(f)
    params = f.get("params") or {}
    toxicity = as_float(params.get("toxicity", 1.0) if isinstance(params, dict) else 1.0)
    return (str(f.get("target")) in SUPPLIER_LINKS.values() and f.get("ok", True) is not False
            and (f.get("kind") == DOWN or (f.get("kind") in COUNTED_KINDS
                                            and (toxicity is None or toxicity >= 1))))


def _logged_dials(src: Sources, o: Outage) -> Outage:
    """A `down` outage counted from the shop's supplier_calls, when the export has them."""
    calls = src.export_list("supplier_calls")
    if calls is None or o.end is None:
        return o
    name = o.link.removeprefix("supplier_")
    n = sum(1 for c in calls if c.get("supplier") == name and c.get("outcome") != "breaker_open"
            and o.start <= (as_float(c.get("at")) or 0.0) <= o.end)
    return Outage(o.fault_id, o.link, o.kind, o.start, o.end, n, None)


def _ledger_dials(src: Sources, o: Outage) -> Outage:
    """A server-error outage counted on the supplier's purchase ledger."""
    name = o.link.removeprefix("supplier_")
    items = (src.purchases or {}).get(name)
    if items is None or o.end is None:
        why = o.why_uncounted if o.end is None else f"no purchase ledger of supplier {name}"
        return Outage(o.fault_id, o.link, o.kind, o.start, o.end, None, why)
    n = sum(1 for p in items if o.start <= (as_float(p.get("at")) or 0.0) <= o.end)
    return Outage(o.fault_id, o.link, o.kind, o.start, o.end, n, None)


def _counted(src: Sources, o: Outage) -> Outage:
    if o.kind == DOWN:
        return _logged_dials(src, o)
    return _ledger_dials(src, o) if o.kind == BEHAVIOUR else o


def outages(faults: list[Record]) -> list[Outage]:
    """Each dark supplier-link fault, inject paired with its heal by fault id."""
    started: dict[str, Record] = {}
    out: list[Outage] = []
    for f in faults:
        if not _dark(f):
            continue
        fid = str(f.get("fault_id"))
        if f.get("action") == "inject":
            started[fid] = f
        elif f.get("action") == "heal" and fid in started:
            out.append(_outage(started.pop(fid), f))
    out += [_outage(f, None) for f in started.values()]
    return sorted(out, key=lambda o: o.start)


def _outage(inject: Record, heal: Record | None) -> Outage:
    start = as_float(inject.get("at")) or 0.0
    target = str(inject.get("target"))
    link = SUPPLIER_LINKS.get(target.removeprefix("supplier-"), target)
    end = None if heal is None else as_float(heal.get("at"))
    before, after = inject.get(ACCEPTED), None if heal is None else heal.get(ACCEPTED)
    why = None
    if heal is None:
        why = "no heal recorded"
    elif not isinstance(before, int) or not isinstance(after, int):
        why = str(inject.get(ACCEPTED_ERROR) or heal.get(ACCEPTED_ERROR)
                  or "faults.jsonl carries no accepted_connections (an older run)")
    attempts = after - before if why is None and isinstance(after, int) \
        and isinstance(before, int) else None
    return Outage(str(inject.get("fault_id")), link, str(inject.get("kind")),
                  start, end, attempts, why)


def allowed(o: Outage, spec: CheckSpec) -> int | None:
    """The dials the configured breaker lets through during `o`; None with no policy."""
    if spec.breaker_failures is None or not spec.breaker_reset_s:
        return None
    windows = math.ceil(o.seconds / spec.breaker_reset_s) if o.seconds else 0
    per_process = spec.breaker_failures + TRIALS_PER_WINDOW * windows
    return spec.breaker_processes * per_process + IN_FLIGHT * spec.breaker_failures


def supplier_orders(src: Sources, spec: CheckSpec, o: Outage) -> int:
    """Orders for a supplier product paid while `o` was dark (the gateway's paid time)."""
    end = math.inf if o.end is None else o.end
    wanted = set(spec.supplier_products)
    return sum(1 for f in order_index(src).values()
               if f.gateway_paid_at is not None and o.start <= f.gateway_paid_at <= end
               and (not wanted or f.product_id in wanted))


def _policy_known(src: Sources, spec: CheckSpec) -> bool:
    target = src.meta.get("target") if isinstance(src.meta, dict) else None
    foreign = isinstance(target, dict) and target.get("name") not in (None, "reference")
    return not foreign and spec.breaker_failures is not None


def _judge(src: Sources, spec: CheckSpec, o: Outage, known: bool
           ) -> tuple[bool | None, Said, dict[str, Any]]:
    n = o.attempts or 0
    counts: dict[str, Any] = {"fault_id": o.fault_id, "link": o.link,
                              "outage_s": round(o.seconds, 3), "attempts": n,
                              "counted_by": COUNTED_BY.get(o.kind, "link")}
    limit = allowed(o, spec) if known else None
    if limit is not None:
        counts["allowed"] = limit
        ok = n <= limit
        key = "breaker.ok" if ok else "breaker.unbounded"
        return ok, said(key, link=o.link, n=n, s=o.seconds, limit=limit,
                        failures=spec.breaker_failures, reset=spec.breaker_reset_s), counts
    orders = supplier_orders(src, spec, o)
    counts["supplier_orders"] = orders
    if orders < MIN_ORDERS:
        return None, said("breaker.few_orders", link=o.link, orders=orders, min=MIN_ORDERS), counts
    ok = n < orders
    return ok, said("breaker.per_order_ok" if ok else "breaker.per_order", link=o.link, n=n,
                    s=o.seconds, orders=orders), counts


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.faults is None:
        return missing(ID, "faults.jsonl")
    found = outages(src.faults)
    if not found:
        return Verdict(ID, True, said("breaker.none"))
    found = [_counted(src, o) for o in found]
    counted = [o for o in found if o.kind != DOWN or o.attempts is not None]
    if not counted:
        if src.meta.get("export") is True:   # the run meant to read the shop's call log
            return missing(ID, src.export_missing())
        return Verdict(ID, None, said("breaker.down_only", links=", ".join(
            sorted({o.link for o in found}))), [], {"down_faults": len(found)})
    blind = [o for o in counted if o.attempts is None]
    if blind:
        return Verdict(ID, None, said("breaker.uncounted", fault=blind[0].fault_id,
                                      why=blind[0].why_uncounted or "?"),
                       [], {"uncounted_faults": [o.fault_id for o in blind]})
    known = _policy_known(src, spec)
    judged = [_judge(src, spec, o, known) for o in counted]
    bad = [(d, c) for ok, d, c in judged if ok is False]
    unknown = [(d, c) for ok, d, c in judged if ok is None]
    counts = {"outages": [c for _ok, _d, c in judged], "policy_known": known}
    examples = [{"order_no": None, "fault_id": c["fault_id"], "reason": d} for d, c in bad]
    if bad:
        return Verdict(ID, False, bad[0][0], examples, counts)
    if unknown:
        return Verdict(ID, None, unknown[0][0], [], counts)
    return Verdict(ID, True, judged[0][1] if len(judged) == 1 else said(
        "breaker.all_ok", n=len(judged)), [], counts)
