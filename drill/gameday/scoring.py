"""The scorecard's checkers: pure functions of a `Record` and the `[gameday]` rules.

One checker a runbook item (STEP_IDS, in the plan's order); each returns a `Step`
with its deadline, what happened (numbers, scenario seconds), pass/fail or None
(unknown: the shop keeps no audit log), and the orders behind it. The reference
time is the first alert after the incident (else the first buyer past the promise).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from drill.gameday.facts import Order, Record
from drill.scenario.gameday import GameDay

__all__ = ["STEP_IDS", "Score", "Step", "score"]

NOTICE_KINDS = ("delay_notice",)
HAND_ACTIONS = ("resend", "retry", "deliver")
MAX_WITNESSES = 20


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    deadline_s: float | None              # scenario seconds after the reference (or a limit)
    passed: bool | None                   # None: unknown
    value: dict[str, Any] = field(default_factory=dict)
    orders: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Score:
    steps: tuple[Step, ...]
    reference_s: float
    grade: str
    full_marks: bool
    unknown: tuple[str, ...]


def _delayed(rec: Record, rules: GameDay) -> list[Order]:
    return [o for o in rec.orders if o.paid_s is not None
            and rec.wait_s(o) > rules.promise_min * 60.0]


def reference_s(rec: Record, rules: GameDay) -> float:
    alerts = [a.at_s for a in rec.alerts if a.at_s >= rec.incident_s]
    if alerts:
        return min(alerts)
    late = [o.paid_s + rules.promise_min * 60.0 for o in _delayed(rec, rules)
            if o.paid_s is not None]
    return min(late) if late else rec.incident_s


def _quiet(rec: Record, rules: GameDay) -> bool:
    """No alert and no buyer past the promise: the incident showed nothing to react to."""
    return not any(a.at_s >= rec.incident_s for a in rec.alerts) and not _delayed(rec, rules)


def _unknown(step_id: str, deadline: float | None) -> Step:
    return Step(step_id, deadline, None, {"why": "no_audit"})


def acknowledge(rec: Record, rules: GameDay, ref: float) -> Step:
    deadline = rules.ack_within_min * 60.0
    if rec.actions is None:
        return _unknown("acknowledge", deadline)
    looks = [a.at_s for a in rec.actions if a.page == "orders" and a.at_s >= ref]
    first = min(looks) if looks else None
    took = None if first is None else first - ref
    needed = not _quiet(rec, rules)
    return Step("acknowledge", deadline, (took is not None and took <= deadline) or not needed,
                {"at_s": first, "after_s": took, "needed": needed})


def cause_seen_s(rec: Record) -> float | None:
    """When every evidence page had been looked at after the incident began (None: never)."""
    if rec.actions is None:
        return None
    firsts = []
    for page in rec.evidence:
        seen = [a.at_s for a in rec.actions if a.page == page and a.at_s >= rec.incident_s]
        if not seen:
            return None
        firsts.append(min(seen))
    return max(firsts)


def cause_checked(rec: Record, rules: GameDay, ref: float) -> Step:
    deadline = rules.ack_within_min * 60.0
    if rec.actions is None:
        return _unknown("cause_checked", deadline)
    seen = cause_seen_s(rec)
    took = None if seen is None else max(0.0, seen - ref)
    needed = not _quiet(rec, rules)
    return Step("cause_checked", deadline, (took is not None and took <= deadline) or not needed,
                {"at_s": seen, "after_s": took, "pages": list(rec.evidence), "needed": needed})


def _earliest(into: dict[str, float], order_no: str | None, at: float) -> None:
    if order_no:
        into[order_no] = min(into.get(order_no, at), at)


def _told_at(rec: Record) -> dict[str, float]:
    """When each buyer was told: the operator sent the notice (audit) or the mail arrived."""
    told: dict[str, float] = {}
    for m in rec.mails:
        if m.kind in NOTICE_KINDS:
            _earliest(told, m.order_no, m.at_s)
    for a in rec.actions or ():
        if a.action == "notice" and a.outcome == "done":
            for order_no in a.detail.get("sent", []):
                _earliest(told, str(order_no), a.at_s)
    return told


def _owed_notice(rec: Record, rules: GameDay, ref: float) -> list[Order]:
    """Delayed buyers still waiting once step 2 opened (the plan talks to buyers from minute
    5 after the alert): one whose goods came while the team was still confirming, in the
    first `ack_within_min`, needs no apology, and none could have reached them in time."""
    opens = ref + rules.ack_within_min * 60.0
    return [o for o in _delayed(rec, rules) if o.paid_s is not None and (
        o.delivered_s is None or o.delivered_s > max(o.paid_s + rules.promise_min * 60.0,
                                                     opens))]


def first_notice(rec: Record, rules: GameDay, ref: float) -> Step:
    deadline = rules.tell_within_min * 60.0
    sent = [at for at in _told_at(rec).values() if at >= rec.incident_s]
    first = min(sent) if sent else None
    took = None if first is None else max(0.0, first - ref)
    needed = bool(_owed_notice(rec, rules, ref))
    passed = (took is not None and took <= deadline) or not needed
    return Step("first_notice", deadline, passed, {"at_s": first, "after_s": took,
                                                   "needed": needed})


def _share(step_id: str, deadline: float, good: list[str], bad: list[str], need: float,
           **value: Any) -> Step:
    n = len(good) + len(bad)
    share = 1.0 if n == 0 else len(good) / n
    return Step(step_id, deadline, share >= need, {"share": round(share, 4), "of": n,
                                                   "ok": len(good), **value},
                tuple(bad[:MAX_WITNESSES]))


def told_share(rec: Record, rules: GameDay, ref: float) -> Step:
    """Delayed buyers told within `tell_within_min` of paying (judged once that time passed),
    of those still waiting when step 2 opened (`_owed_notice`)."""
    within = rules.tell_within_min * 60.0
    told = _told_at(rec)
    good, bad = [], []
    owed = _owed_notice(rec, rules, ref)
    for o in owed:
        assert o.paid_s is not None
        at = told.get(o.order_no)
        if at is not None and at <= o.paid_s + within:
            good.append(o.order_no)
        elif o.paid_s + within <= rec.collected_s:
            bad.append(o.order_no)
    return _share("told_share", within, good, bad, rules.min_share,
                  delivered_before_step2=len(_delayed(rec, rules)) - len(owed))


def all_delivered(rec: Record, rules: GameDay, ref: float) -> Step:
    """Every delayed order delivered (auto or by hand) and the share within 30 minutes."""
    within = rules.deliver_within_min * 60.0
    delayed = _delayed(rec, rules)
    open_ = [o.order_no for o in delayed if o.delivered_s is None]
    good = [o.order_no for o in delayed if o.delivered_s is not None
            and rec.wait_s(o) <= within]
    bad = [o.order_no for o in delayed if o.order_no not in good]
    last = max((o.delivered_s for o in delayed if o.delivered_s is not None), default=None)
    step = _share("all_delivered", within, good, bad, rules.min_share, open=len(open_),
                  last_s=last, after_s=None if last is None else last - rec.incident_s)
    return Step(step.id, step.deadline_s, bool(step.passed) and not open_, step.value,
                step.orders)


def duplicates(rec: Record, rules: GameDay, ref: float) -> Step:
    rows = Counter(d.order_no for d in rec.deliveries)
    hand = Counter(a.order_no for a in rec.actions or () if a.action == "deliver"
                   and a.outcome == "done" and a.order_no)
    dup = sorted({n for n, c in rows.items() if c > 1} | {n for n, c in hand.items() if c > 1})
    return Step("duplicates", 0, not dup, {"count": len(dup)}, tuple(dup[:MAX_WITNESSES]))


def blind_resends(rec: Record, rules: GameDay, ref: float) -> Step:
    """Resend / retry / hand delivery before the cause was looked at, or while a fault that
    hand work cannot cure still held (`hand_after_heal`)."""
    if rec.actions is None:
        return _unknown("blind_resends", 0)
    seen = cause_seen_s(rec)
    heal = rec.heal_s if rec.heal_s is not None else float("inf")
    blind = [a for a in rec.actions if a.action in HAND_ACTIONS and a.at_s >= rec.incident_s
             and (seen is None or a.at_s < seen or (rec.hand_after_heal and a.at_s < heal))]
    return Step("blind_resends", 0, not blind, {"count": len(blind)},
                tuple(a.order_no or "" for a in blind[:MAX_WITNESSES]))


def coupons(rec: Record, rules: GameDay, ref: float) -> Step:
    over = rules.coupon_after_min * 60.0
    given = {m.order_no for m in rec.mails if m.kind == "coupon"}
    given |= {a.order_no for a in rec.actions or () if a.action == "coupon"
              and a.outcome in ("done", "noop") and a.order_no}
    waited = [o.order_no for o in rec.orders if o.paid_s is not None and rec.wait_s(o) > over]
    good = [n for n in waited if n in given]
    return _share("coupons", over, good, [n for n in waited if n not in given],
                  rules.min_share)


def over_30(rec: Record, rules: GameDay, ref: float) -> Step:
    limit = rules.deliver_within_min * 60.0
    late = [o.order_no for o in rec.orders if o.paid_s is not None and rec.wait_s(o) > limit]
    return Step("over_30", limit, not late, {"count": len(late)}, tuple(late[:MAX_WITNESSES]))


Checker = Callable[[Record, GameDay, float], Step]
CHECKERS: tuple[Checker, ...] = (acknowledge, cause_checked, first_notice, told_share,
                                 all_delivered, duplicates, blind_resends, coupons, over_30)
STEP_IDS = tuple(c.__name__ for c in CHECKERS)


def grade(steps: tuple[Step, ...]) -> str:
    """A: every known step passed; one grade lower a failed step; F on any duplicate."""
    failed = [s for s in steps if s.passed is False]
    if any(s.id == "duplicates" for s in failed):
        return "F"
    return "ABCDF"[min(len(failed), 4)]


def score(rec: Record, rules: GameDay) -> Score:
    ref = reference_s(rec, rules)
    steps = tuple(check(rec, rules, ref) for check in CHECKERS)
    unknown = tuple(s.id for s in steps if s.passed is None)
    return Score(steps, ref, grade(steps), all(s.passed for s in steps), unknown)
