"""messages: alerts count once a robot accepted them; delay notices go exactly to late buyers.

Alerts: the IM sink records every post, accepted or not. A rule fired only
when some robot *accepted* a post carrying `[faka-alert] rule=<id>`; a post a
robot throttled (or refused, `outcome` other than accepted) must be retried
until one lands on that robot, before the run ends and, when the spec sets
`alert_retry_within_s`, within that many seconds; an expected rule must be
accepted within `alert_within_s` of the first fault; and every alert must land on every
channel the shop was configured with (drill.checks.alert_channels). Notices: with the
scenario's `notice_after_s`, every buyer whose order took longer (paid at the
gateway → delivered as the buyer was told, or by the export's stamp when the
buyer gave up polling, or never) gets exactly one delay notice, never before
the limit, never after the goods (more than a notice period after them: one
queued while the buyer waited may still be in the mail path when the goods
land); without it only "at most one notice a buyer" and "never to an unpaid
order" are judged and the verdict stays unknown.
"""

from __future__ import annotations

from collections import defaultdict

from drill.checks.alert_channels import late_channels, missing_channels
from drill.checks.alert_posts import Post, landed, posts
from drill.checks.buyer_notice import grace, owed_notice
from drill.checks.evidence import as_float, buyer_orders, end_time
from drill.checks.gateway_evidence import (
    fault_windows,
    payments_by_order,
    shop_knew_at,
)
from drill.checks.orders import example, order_index
from drill.checks.said import Said, joined, said
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec
from drill.checks.stale_status import last_not_yet
from drill.checks.verdict import MAX_EXAMPLES, Verdict, merge_ok

ID = "messages"
NOTICE_KINDS = frozenset({"delay_notice", "delay"})
NEVER_TOLD = "never told"
Finding = tuple[Said, str | None]  # (reason, rule it is about)


def refused_unretried(by_key: dict[tuple[str, str, str], list[Post]],
                      retry_within: float | None) -> list[Finding]:
    """Posts a robot refused that were never retried until it accepted the same alert (the
    same text: a later alert of the rule landing does not deliver this one) (in time)."""
    out: list[Finding] = []
    for (rule, channel, robot), items in sorted(by_key.items()):
        first_refused: dict[str, float] = {}
        for at, ok, text in items:
            if not ok:
                first_refused.setdefault(text, at)
        where = {"rule": repr(rule), "to": f"{channel}/{robot}"}
        lost = [(t, text) for text, t in first_refused.items()
                if not any(ok and x == text and at >= t for at, ok, x in items)]
        if lost:
            out.append((said("messages.unretried", **where, n=len(lost), first=min(lost)[0]),
                        rule))
            continue
        slow = [(min(at for at, ok, x in items if ok and x == text and at >= t) - t, t)
                for text, t in first_refused.items()]
        worst = max(slow, default=(0.0, 0.0))
        if retry_within is not None and worst[0] > retry_within:
            out.append((said("messages.slow_retry", **where, s=worst[0], limit=retry_within),
                        rule))
    return out


def first_accepted(by_key: dict[tuple[str, str, str], list[Post]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for (rule, _channel, _robot), items in by_key.items():
        for at, ok, _text in items:
            if ok:
                out[rule] = min(out.get(rule, at), at)
    return out


def alert_problems(src: Sources, spec: CheckSpec) -> tuple[list[Finding], dict[str, float]]:
    """Refused posts never retried to acceptance, expected rules never accepted in time, and
    alerts missing from a configured channel (drill.checks.alert_channels); with each rule's
    first accepted post."""
    by_key = posts(src)
    problems = refused_unretried(by_key, spec.alert_retry_within_s)
    first_ok = first_accepted(by_key)
    windows = fault_windows(src)
    ref = windows[0][0] if windows else as_float((src.load or {}).get("started_at"))
    for rule in spec.expect_alerts:
        if rule not in first_ok:
            problems.append((said("messages.never_accepted", rule=repr(rule)), rule))
        elif spec.alert_within_s is not None and ref is not None \
                and first_ok[rule] - ref > spec.alert_within_s:
            problems.append((said("messages.late", rule=repr(rule), s=first_ok[rule] - ref,
                                  limit=spec.alert_within_s), rule))
    problems += missing_channels(src, spec) + late_channels(src, spec, ref)
    return problems, first_ok


def alert_example(src: Sources, reason: Said, rule: str | None) -> dict[str, object]:
    sent = [m for m in src.messages or [] if rule and f"rule={rule}" in str(m.get("text", ""))]
    return {"order_no": None, "rule": rule, "reason": reason, "messages": sent[:10]}


def notice_problem(notices: list[float], paid_at: float, delivered: float | None, end: float,
                   limit: float | None, shop_knew: float | None = None,
                   not_yet: float | None = None) -> Said | None:
    """Why this order's delay notices are wrong, or None (with no known limit, only the
    number of notices is judged). A buyer is owed a notice once late by both clocks: the
    gateway's payment and the moment the shop had certainly learned of it (`shop_knew`). A
    notice is "after the goods" past both the delivery stamp and the buyer's last poll the
    shop answered "not yet" (`not_yet`: under database faults the commit trails the stamp)."""
    if len(notices) > 1:
        return said("messages.many", n=len(notices))
    if limit is None:
        return None
    slack = grace(limit)
    took = (delivered or end) - paid_at
    if not notices:
        if owed_notice(paid_at, shop_knew, delivered or end, limit):
            return said("messages.never_told", took=took, limit=limit, slack=slack)
        return None
    sent = notices[0] - paid_at
    if sent < limit - slack:
        return said("messages.early", s=sent, limit=limit)
    if delivered is not None and notices[0] > max(delivered, not_yet or 0.0) + max(slack, limit):
        return said("messages.after_goods", s=notices[0] - delivered)
    return None


def delivery_times(src: Sources) -> dict[str, float]:
    """order_no -> when it was delivered: as its buyer was told, else (enrichment, for a buyer
    whose polling gave up) the export's own stamp."""
    out = {no: at for no, b in buyer_orders(src).items() if (at := b.delivered_at()) is not None}
    if src.export is not None:
        for no, o in order_index(src).items():
            if no not in out and o.export_delivered_at:
                out[no] = o.export_delivered_at
    return out


def notice_problems(src: Sources, limit: float | None) -> tuple[list[tuple[str, Said]], int]:
    """(order_no, reason) for wrong notices, and how many orders were late."""
    notices: dict[str, list[float]] = defaultdict(list)
    for m in src.mails or []:
        if m.get("kind") in NOTICE_KINDS:
            notices[str(m.get("order_no"))].append(as_float(m.get("at")) or 0.0)
    pays, delivered_at, end = payments_by_order(src), delivery_times(src), end_time(src)
    knew, waits = shop_knew_at(src), last_not_yet(src)
    bad: list[tuple[str, Said]] = []
    late = 0
    for no in sorted(set(notices) | set(pays)):
        paid_at = as_float((pays.get(no) or {}).get("paid_at"))
        if paid_at is None:
            if notices.get(no):
                bad.append((no, said("messages.unpaid")))
            continue
        delivered = delivered_at.get(no)
        late += limit is not None and (delivered or end) - paid_at > limit
        why = notice_problem(sorted(notices.get(no, [])), paid_at, delivered, end, limit,
                             knew.get(no), (waits.get(no) or (None, None))[0])
        if why:
            bad.append((no, why))
    return bad, late


def check(src: Sources, spec: CheckSpec) -> Verdict:
    parts: list[bool | None] = []
    details: list[Said] = []
    counts: dict[str, object] = {}
    examples: list[dict[str, object]] = []
    wrong = 0  # findings no saturated box explains (drill.analyze LOAD_SENSITIVE)
    if src.messages is None:
        parts.append(None)
        details.append(said("messages.no_sink"))
    else:
        problems, first_ok = alert_problems(src, spec)
        counts.update(rules_accepted=sorted(first_ok), alert_problems=len(problems),
                      posts_refused=sum(1 for m in src.messages if not landed(m)))
        wrong += len(problems)
        parts.append(not problems)
        details += [why for why, _rule in problems[:5]] or [
            said("messages.alerts_ok", n=len(first_ok))]
        examples += [alert_example(src, why, rule) for why, rule in problems[:MAX_EXAMPLES]]
    limit = spec.notice_after_s if spec.notice_after_s is not None else spec.notice_delay_s
    if src.mails is None or src.payments is None:
        parts.append(None)
        details.append(said("messages.no_mails"))
    else:
        bad, late = notice_problems(src, limit)
        untold = sum(1 for _no, why in bad if why.endswith(NEVER_TOLD))
        counts.update(late_orders=late, wrong_notices=len(bad), late_never_told=untold)
        # a late buyer never told is what a saturated box does too (see drill.analyze)
        wrong += len(bad) - untold
        parts.append(False if bad else (True if limit is not None else None))
        details.append(said("messages.notices" if limit is not None else "messages.notices_nolimit",
                            n=len(bad), late=late))
        examples += [example(src, no, why) for no, why in bad[:MAX_EXAMPLES]]
    counts["wrong_answers"] = wrong
    return Verdict(ID, merge_ok(parts), joined(details), examples, counts)
