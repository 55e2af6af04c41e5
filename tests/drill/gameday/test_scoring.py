"""The scorecard's checkers on literal records: the good team scores full marks, and each
mistake fails exactly its own step."""

from __future__ import annotations

import pytest

from drill.gameday.facts import Mail, Order, Record
from drill.gameday.scoring import STEP_IDS, Score, score
from tests.drill.gameday.records_lit import RULES, M, act, change, good, view


def failed(sc: Score) -> set[str]:
    return {s.id for s in sc.steps if s.passed is False}


def step(sc: Score, step_id: str) -> dict[str, object]:
    return next(s.value for s in sc.steps if s.id == step_id)


def test_the_good_team_scores_full_marks_and_an_a() -> None:
    sc = score(good(), RULES)
    assert [s.id for s in sc.steps] == list(STEP_IDS)
    assert failed(sc) == set() and sc.unknown == ()
    assert sc.full_marks and sc.grade == "A"
    assert sc.reference_s == 6 * M
    assert step(sc, "acknowledge")["after_s"] == 1 * M
    assert step(sc, "cause_checked")["after_s"] == 2 * M
    assert step(sc, "told_share") == {"share": 1.0, "of": 2, "ok": 2,
                                      "delivered_before_step2": 0}
    assert step(sc, "all_delivered")["last_s"] == 16 * M


def _without(rec: Record, *actions: str) -> Record:
    assert rec.actions is not None
    return change(rec, actions=tuple(a for a in rec.actions if a.action not in actions
                                     and a.page not in actions))


def _late_look(rec: Record) -> Record:
    assert rec.actions is not None
    return change(rec, actions=(view(12, "orders"),
                                *(a for a in rec.actions if a.page != "orders")))


def _blind(rec: Record) -> Record:
    assert rec.actions is not None
    return change(rec, actions=(act(6.5, "resend", "A", "refused"), *rec.actions))


def _no_mail(rec: Record, kind: str) -> Record:
    return change(rec, mails=tuple(m for m in rec.mails if m.kind != kind))


def _twice(rec: Record) -> Record:
    return change(rec, deliveries=(*rec.deliveries, *rec.deliveries[:1]))


def _slow_b(rec: Record) -> Record:
    """B delivered only at minute 40 (waited 35 min)."""
    orders = tuple(Order("B", "steam-50", 5 * M, 40 * M, "delivered") if o.order_no == "B"
                   else o for o in rec.orders)
    return change(rec, orders=orders, collected_s=41 * M)


CASES = [
    ("late look at the stuck list", _late_look, {"acknowledge"}),
    ("never looked at the API log", lambda r: _without(r, "api_log"),
     {"cause_checked", "blind_resends"}),
    ("resend before the cause was known", _blind, {"blind_resends"}),
    ("never told the buyers", lambda r: _no_mail(_without(r, "notice"), "delay_notice"),
     {"first_notice", "told_share"}),
    ("no coupons", lambda r: _no_mail(_without(r, "coupon"), "coupon"), {"coupons"}),
    ("an order delivered twice", _twice, {"duplicates"}),
    ("a buyer waited 35 minutes", _slow_b, {"all_delivered", "over_30"}),
]


@pytest.mark.parametrize(("what", "mistake", "fails"), CASES, ids=[c[0] for c in CASES])
def test_each_mistake_fails_exactly_its_steps(what: str, mistake: object,
                                              fails: set[str]) -> None:
    assert callable(mistake)
    sc = score(mistake(good()), RULES)
    assert failed(sc) == fails, what
    assert not sc.full_marks


def test_every_step_is_covered_by_a_mistake() -> None:
    assert set().union(*(c[2] for c in CASES)) == set(STEP_IDS)


def test_a_duplicate_is_an_f_and_one_other_mistake_a_b() -> None:
    assert score(_twice(good()), RULES).grade == "F"
    assert score(_blind(good()), RULES).grade == "B"


def test_an_undelivered_stuck_order_fails_all_delivered_even_before_30_minutes() -> None:
    orders = (*good().orders, Order("D", "steam-50", 25 * M, None, "paid"))   # waits 6 min
    sc = score(change(good(), orders=orders, mails=(*good().mails,
                                                   Mail(26 * M, "delay_notice", "D"))), RULES)
    assert failed(sc) == {"all_delivered"}
    assert step(sc, "all_delivered")["open"] == 1


def test_hand_work_while_a_supplier_still_fails_is_blind() -> None:
    rec = change(good(), hand_after_heal=True, heal_s=15.5 * M)
    sc = score(rec, RULES)
    assert failed(sc) == {"blind_resends"}      # A delivered by hand at 15:00, heal at 15:30
    assert step(sc, "blind_resends")["count"] == 1


def test_without_an_audit_log_the_inside_items_are_unknown_and_mail_still_counts() -> None:
    sc = score(change(good(), actions=None), RULES)
    assert set(sc.unknown) == {"acknowledge", "cause_checked", "blind_resends"}
    assert failed(sc) == set()
    assert not sc.full_marks and sc.grade == "A"


def test_no_alert_the_clock_starts_when_the_first_buyer_passed_the_promise() -> None:
    sc = score(change(good(), alerts=()), RULES)
    assert sc.reference_s == 6 * M          # A paid at 4, promise 2 min
    assert failed(change_sc := score(change(good(), alerts=(), orders=good().orders[2:]),
                                     RULES)) == set()
    assert change_sc.reference_s == 3 * M   # nobody late: the incident's start


def test_a_buyer_delivered_while_the_team_was_still_confirming_is_not_owed_a_notice() -> None:
    """C paid at minute 5 and got its goods at minute 9 (4 min: past the 2-min promise, but
    before step 2 opened at 6 + 5 = 11): no apology was owed, none is counted missing."""
    base = _no_mail(_without(good(), "notice"), "delay_notice")
    only_c = change(base, orders=(Order("C", "steam-50", 5 * M, 9 * M, "delivered"),))
    sc = score(only_c, RULES)
    assert step(sc, "told_share") == {"share": 1.0, "of": 0, "ok": 0,
                                      "delivered_before_step2": 1}
    assert {"first_notice", "told_share"}.isdisjoint(failed(sc))
    late_c = change(base, orders=(Order("C", "steam-50", 5 * M, 12 * M, "delivered"),))
    assert {"first_notice", "told_share"} <= failed(score(late_c, RULES))
