from drill.checks import CheckSpec, access
from drill.stack.credentials import ADMIN_TOKEN, secret_digests
from tests.drill.checks.literal import snoop
from tests.drill.checks.ops import bought, sources

SPEC = CheckSpec()
BUYERS = bought("A", 1.0, ["K1"]) + bought("B", 1.0, ["K2"])


def refused(n: int, f: str, t: float, **value: object) -> dict:
    return snoop(n, "fail", f, t, status=403, **value)


def test_snoopers_refused_everywhere_pass() -> None:
    ops = [refused(1, "snoop_cards", 2.0, order_no="A", how="no_token"),
           refused(1, "snoop_cards", 2.1, order_no="B", how="wrong_token"),
           refused(2, "snoop_admin", 2.2, how="admin_no_token", route="/admin/export"),
           snoop(2, "ok", "snoop_order", 2.3, order_no="A", how="neighbour", status=200)]
    v = access.check(sources(history=BUYERS + ops), SPEC)
    assert v.ok is True, v.detail
    assert v.counts["refused"] == 3 and v.counts["order_status_disclosed"] == 1


def test_a_card_seen_by_a_snooper_fails_naming_the_real_order() -> None:
    seen = snoop(1, "ok", "snoop_order", 2.0, order_no="B", how="neighbour", status=200,
                 cards=["K2"])
    v = access.check(sources(history=[*BUYERS, seen]), SPEC)
    assert v.ok is False and v.counts["leaks"] == 1
    ex = v.examples[0]
    assert ex["order_no"] == "B" and "(cards of order B)" in ex["reason"]
    assert ex["snooper_op"] == seen and ex["history"][0]["process"] == "buyer-B"


def test_admin_data_or_a_cards_route_opened_without_a_token_fails() -> None:
    admin = snoop(2, "ok", "snoop_admin", 2.0, how="admin_no_token", route="/admin/orders",
                  status=200, admin_items=40)
    v = access.check(sources(history=[*BUYERS, admin]), SPEC)
    assert v.ok is False and "admin route answered 200 to a snooper" in v.examples[0]["reason"]
    assert v.examples[0]["order_no"] is None
    empty = snoop(1, "ok", "snoop_cards", 2.0, order_no="A", how="no_token", status=200, cards=[])
    assert access.check(sources(history=[*BUYERS, empty]), SPEC).ok is False


def test_no_snoopers_or_no_history_is_unknown() -> None:
    assert access.check(sources(history=BUYERS), SPEC).ok is None
    assert access.check(sources(), SPEC).ok is None


def test_a_refusal_whose_body_dumps_the_order_fails_whatever_its_status() -> None:
    dump = "no order 'B' for this token (debug: {'token': 'tB', 'cards': ['K2']})"
    echoed = refused(1, "snoop_cards", 2.0, order_no="B", how="wrong_token", excerpt=dump)
    v = access.check(sources(history=[*BUYERS, echoed]), SPEC)
    assert v.ok is False and v.counts["leaks"] == 1
    assert v.examples[0]["order_no"] == "B" and "(cards of order B)" in v.examples[0]["reason"]
    token = refused(1, "snoop_order", 2.0, order_no="A", how="no_token", tokens_echoed=1,
                    excerpt="no order 'A' (debug: {'token': 'tA'})")
    v = access.check(sources(history=[*BUYERS, token]), SPEC)
    assert v.ok is False and "carried the token of 1 order" in v.examples[0]["reason"]


def test_a_plain_refusal_with_an_excerpt_naming_no_card_passes() -> None:
    plain = refused(1, "snoop_cards", 2.0, order_no="B", how="wrong_token",
                    excerpt="no order 'B' for this token; pass ?token= (K22 is not a card)")
    assert access.check(sources(history=[*BUYERS, plain]), SPEC).ok is True


def test_a_refusal_that_prints_the_shops_admin_token_fails() -> None:
    meta = {"secret_digests": secret_digests()}
    hint = snoop(2, "fail", "snoop_admin", 2.0, how="admin_no_token", route="/admin/orders",
                 status=401, excerpt='{"error": "admin token required (expected: Bearer '
                                     f'{ADMIN_TOKEN})", "status": 401}}')
    v = access.check(sources(history=[*BUYERS, hint], meta=meta), SPEC)
    assert v.ok is False and v.counts["leaks"] == 1
    assert "carried 1 of the shop's secrets" in v.examples[0]["reason"]
    plain = snoop(2, "fail", "snoop_admin", 2.0, how="admin_no_token", route="/admin/orders",
                  status=401, excerpt='{"error": "admin token required", "status": 401}')
    assert access.check(sources(history=[*BUYERS, plain], meta=meta), SPEC).ok is True
    # without the digests (an older run folder) the same reply cannot be judged a leak
    assert access.check(sources(history=[*BUYERS, hint]), SPEC).ok is True


def test_a_one_character_admin_token_let_in_fails_and_a_refused_walk_passes() -> None:
    """A prefix walk (drill/load/snooper.py near_admin): under a prefix compare one of the
    one-character tokens is a prefix of the real one and the shop answers 200."""
    walk = [refused(3, "snoop_admin", 2.0 + i / 100, how="admin_prefix", route="/admin/alerts",
                    sent=f"1 chars, {c!r}…") for i, c in enumerate("abc")]
    empty = refused(3, "snoop_admin", 2.5, how="admin_empty_token", route="/admin/alerts",
                    sent="0 chars")
    assert access.check(sources(history=[*BUYERS, *walk, empty]), SPEC).ok is True
    let_in = snoop(3, "ok", "snoop_admin", 2.6, how="admin_prefix", route="/admin/alerts",
                   status=200, admin_items=0, sent="1 chars, 'd'…")
    v = access.check(sources(history=[*BUYERS, *walk, empty, let_in]), SPEC)
    assert v.ok is False and v.counts["leaks"] == 1 and v.counts["refused"] == 4
    assert "admin_prefix" in v.examples[0]["reason"]
    assert v.examples[0]["snooper_op"]["value"]["sent"] == "1 chars, 'd'…"


def test_cards_shown_for_a_half_or_case_folded_token_fail() -> None:
    for how in ("token_prefix", "token_case", "empty_token", "blank_token"):
        seen = snoop(1, "ok", "snoop_cards", 2.0, order_no="A", how=how, status=200,
                     cards=["K1"])
        v = access.check(sources(history=[*BUYERS, seen]), SPEC)
        assert v.ok is False and how in v.examples[0]["reason"], how
