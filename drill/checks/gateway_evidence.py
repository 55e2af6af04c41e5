"""What the gateway ledger says about each notify, and when faults were in effect.

A notify attempt is *genuine* when the gateway sent it for a real payment with
its own valid signature (first try, retry or duplicate): the shop must accept
it. It is *adversarial* when the gateway sent it on purpose to be refused.
The gateway fake marks adversarial notifies with a field on the notify record
(fakes.payment.forge.KINDS; variant `forged:<kind>` for one sent besides the
genuine chain, the tamper variant for a payment's whole chain):

    "adversarial": "underpaid" | "overpaid" | "bad_sign" | "missing_sign"
                   | "missing_sign_type" | "other_trade_no" | "unknown_order"
                   | "not_success" | "wrong_pid"

with `out_trade_no` the order the notify was aimed at (whose notify_url it
hit, the order a shop falling for it would credit). Older ledgers without the
field: a `bad_sign` or `amount_off` variant (or `signed: false`) is adversarial;
`replay` (another order's genuine notify, unchanged: a duplicate for that order)
carries no requirement either way.
"""

from __future__ import annotations

from collections import defaultdict

from drill.checks.evidence import as_float, as_int
from drill.checks.sources import Record, Sources
from drill.checks.spec import CheckSpec

GENUINE_VARIANTS = frozenset({"normal", "duplicate", "duplicate_delayed", "retry"})


FaultWindow = tuple[float, float, str]  # (injected at, healed at or +inf, target)


def adversarial_kind(n: Record) -> str | None:
    """Why this notify must be refused, or None when it carries no such mark."""
    if n.get("adversarial"):
        return str(n["adversarial"])
    variant = str(n.get("variant") or "")  # a "+"-join of fixed names
    if "bad_sign" in variant or n.get("signed") is False:
        return "bad_sign"
    return "amount_off" if "amount_off" in variant else None


def is_genuine(n: Record) -> bool:
    """A notify the shop must answer `success`: sent, unmarked, signed, a plain variant.
    (`adversarial_kind` inlined: a plain variant names no bad_sign nor amount_off; several
    checkers ask of every notify, a million-order ledger holds a million.)"""
    if n.get("adversarial") or n.get("signed") is False or n.get("outcome") == "lost":
        return False
    if str(n.get("variant") or "normal") not in GENUINE_VARIANTS:
        return False
    attempt = n.get("attempt")
    return (attempt if type(attempt) is int else as_int(attempt) or 0) >= 1


def accepted(n: Record) -> bool:
    return n.get("outcome") == "success"


def reply_deadline_s(spec: CheckSpec) -> float:
    return spec.notify_reply_within_s


def answered_in_time(n: Record, deadline_s: float) -> bool:
    latency = as_float(n.get("latency_ms"))
    return accepted(n) and (latency is None or latency <= deadline_s * 1000.0)


def notifies_by_order(src: Sources) -> dict[str, list[Record]]:
    """out_trade_no -> its notify attempts in time order, memoised (three checkers ask)."""
    cached = src.cache.get("notifies_by_order")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    out: dict[str, list[Record]] = defaultdict(list)
    for n in src.notifies or []:
        out[str(n.get("out_trade_no"))].append(n)
    for items in out.values():
        if len(items) > 1:
            items.sort(key=lambda n: as_float(n.get("at")) or 0.0)
    cached = src.cache["notifies_by_order"] = dict(out)
    return cached


def shop_knew_at(src: Sources) -> dict[str, float]:
    """order_no -> when the shop had certainly learned of the payment: its reply to the first
    genuine notify it accepted, memoised (messages, alerts). A box too busy to answer the
    notify for seconds starts the shop's clocks (notices, stuck orders) that much later."""
    cached = src.cache.get("shop_knew_at")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    first: dict[str, tuple[float, float]] = {}  # order -> (sent at, answered at)
    for n in src.notifies or []:
        if not accepted(n) or not is_genuine(n):
            continue
        at, no = as_float(n.get("at")), str(n.get("out_trade_no"))
        if at is not None and (no not in first or at < first[no][0]):
            first[no] = (at, at + (as_float(n.get("latency_ms")) or 0.0) / 1000.0)
    cached = src.cache["shop_knew_at"] = {no: knew for no, (_at, knew) in first.items()}
    return cached


def payments_by_order(src: Sources) -> dict[str, Record]:
    """out_trade_no -> its FIRST payment in the ledger: the one the order was created and
    paid with (a buyer paying again adds a later row, which double-payment judges).
    Memoised (two checkers ask)."""
    cached = src.cache.get("payments_by_order")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    out: dict[str, Record] = {}
    for p in src.payments or []:
        if p.get("out_trade_no"):
            out.setdefault(str(p["out_trade_no"]), p)
    src.cache["payments_by_order"] = out
    return out


def fault_windows(src: Sources) -> list[FaultWindow]:
    """Every fault that took effect, from its injection to its heal (or the end)."""
    started: dict[str, tuple[float, str]] = {}
    out: list[FaultWindow] = []
    for f in src.faults or []:
        at, fid = as_float(f.get("at")), str(f.get("fault_id") or f.get("target"))
        if at is None:
            continue
        if f.get("action") == "inject" and f.get("ok", True):
            started[fid] = (at, str(f.get("target", "")))
        elif f.get("action") == "heal" and fid in started:
            begin, target = started.pop(fid)
            out.append((begin, at, target))
    out += [(begin, float("inf"), target) for begin, target in started.values()]
    return sorted(out)


def fault_at(t: float, windows: list[FaultWindow], slack_s: float = 0.0,
             on: tuple[str, ...] = ()) -> str | None:
    """The target of a fault in effect within slack_s of t (only targets naming one of `on`,
    when given), if any."""
    for begin, end, target in windows:
        if begin - slack_s <= t <= end + slack_s and (not on or any(w in target for w in on)):
            return target
    return None
