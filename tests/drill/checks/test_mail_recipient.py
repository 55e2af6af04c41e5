from drill.analyze import RunState, decide
from drill.checks import CheckSpec, mail_recipient
from tests.drill.checks.literal import purchase
from tests.drill.checks.ops import bought, op, sources

SPEC = CheckSpec()


def with_contact(no: str, t: float, cards: list[str]) -> list[dict]:
    """A buyer flow whose create_order ok op records the contact it sent."""
    ops = bought(no, t, cards)
    ops[1] = op(f"buyer-{no}", "ok", "create_order", t + 0.01, order_no=no,
                product_id="steam-50", contact=f"{no.lower()}@drill.test")
    return ops


BUYERS = with_contact("A", 1.0, ["K1"]) + with_contact("B", 1.0, ["K2"])


def mail(no: str, to: str, body: str, kind: str = "delivery") -> dict:
    return {"to": to, "rcpt_tos": [to], "order_no": no, "kind": kind, "body": body, "at": 2.0}


def test_each_mail_to_its_own_buyer_passes() -> None:
    mails = [mail("A", "a@drill.test", "卡密如下:\nK1\n"), mail("B", "B@drill.test", "K2"),
             mail("A", "a@drill.test", "your order is late", kind="delay_notice")]
    v = mail_recipient.check(sources(history=BUYERS, mails=mails), SPEC)
    assert v.ok is True, v.detail
    assert v.counts["about_known_orders"] == 3


def test_a_delivery_mail_to_another_buyer_fails_naming_the_order() -> None:
    mails = [mail("A", "a@drill.test", "K1"), mail("B", "a@drill.test", "codes:\nK2\n")]
    v = mail_recipient.check(sources(history=BUYERS, mails=mails), SPEC)
    assert v.ok is False and v.counts["wrong"] == 1
    ex = v.examples[0]
    assert ex["order_no"] == "B" and "not to its buyer's contact b@drill.test" in ex["reason"]
    assert ex["mail"]["to"] == "a@drill.test"


def test_another_orders_codes_in_the_body_fail_even_to_the_right_address() -> None:
    mails = [mail("A", "a@drill.test", "K1\nK2")]
    v = mail_recipient.check(sources(history=BUYERS, mails=mails), SPEC)
    assert v.ok is False and "codes of order(s) B" in v.examples[0]["reason"]


def test_two_orders_of_one_returning_buyer_are_judged_each_on_its_own() -> None:
    """A repeat customer: orders A and A2 share a contact; each mail is judged per order, so
    both mailed right pass, and one order's codes in the other's mail still fail."""
    again = with_contact("A2", 1.5, ["K3"])
    again[1]["value"]["contact"] = "a@drill.test"
    hist = BUYERS + again
    right = [mail("A", "a@drill.test", "K1"), mail("A2", "a@drill.test", "K3"),
             mail("A2", "a@drill.test", "late", kind="delay_notice")]
    v = mail_recipient.check(sources(history=hist, mails=right), SPEC)
    assert v.ok is True and v.counts["about_known_orders"] == 3, v.detail
    mixed = [mail("A", "a@drill.test", "K1"), mail("A2", "a@drill.test", "K1")]
    bad = mail_recipient.check(sources(history=hist, mails=mixed), SPEC)
    assert bad.ok is False and "codes of order(s) A" in bad.examples[0]["reason"]


def test_supplier_sold_codes_belong_to_their_order() -> None:
    hist = with_contact("A", 1.0, ["K1"]) + with_contact("C", 1.0, ["K1x"])
    sold = purchase("C", 1.2, ["S-9"])
    sold["order_no"] = "C"
    src = sources(history=hist, mails=[mail("A", "a@drill.test", "K1 S-9")],
                  purchases={"primary": [sold]})
    v = mail_recipient.check(src, SPEC)
    assert v.ok is False and "order(s) C" in v.examples[0]["reason"]


def test_no_mail_passes_no_contact_or_no_ledger_is_unknown() -> None:
    assert mail_recipient.check(sources(history=BUYERS, mails=[]), SPEC).ok is True
    old = bought("A", 1.0, ["K1"])  # a history from before contacts were recorded
    assert mail_recipient.check(sources(history=old, mails=[mail("A", "x@y", "K1")]),
                                SPEC).ok is None
    assert mail_recipient.check(sources(history=BUYERS), SPEC).ok is None


def test_a_delivery_mail_with_some_of_the_orders_codes_fails_one_with_none_passes() -> None:
    hist = with_contact("A", 1.0, ["K1", "K2", "K3"])
    first_only = [mail("A", "a@drill.test", "卡密如下:\nK1\n")]
    v = mail_recipient.check(sources(history=hist, mails=first_only), SPEC)
    assert v.ok is False and v.counts["wrong"] == 1
    assert "carried 1 of the 3 codes its buyer fetched (missing K2, K3)" in v.examples[0]["reason"]
    every = [mail("A", "a@drill.test", "卡密如下:\nK1\nK2\nK3\n")]
    assert mail_recipient.check(sources(history=hist, mails=every), SPEC).ok is True
    notice = [mail("A", "a@drill.test", "订单已发货，请到订单页查看"),  # no codes: a notice
              mail("A", "a@drill.test", "K1", kind="delay_notice")]  # not a delivery mail
    assert mail_recipient.check(sources(history=hist, mails=notice), SPEC).ok is True


def test_a_delivered_order_without_its_delivery_mail_fails_when_the_shop_mails_others() -> None:
    """mail-cursor-skips-next: a batch cursor saved one past the last row skips a mail."""
    hist = with_contact("A", 1.0, ["K-A"]) + with_contact("B", 1.0, ["K-B"])
    mails = [mail("A", "a@drill.test", "K-A")]
    src = sources(history=hist, mails=mails, meta={"ended_at": 100.0})
    v = mail_recipient.check(src, CheckSpec())
    assert v.ok is False and v.counts["unmailed"] == 1 and v.counts["wrong_answers"] == 0
    assert v.examples[0]["order_no"] == "B" and "no delivery mail" in v.examples[0]["reason"]
    assert decide([v], RunState(), ["box saturated"])[0] == "inconclusive"
    everyone = sources(history=hist, mails=[*mails, mail("B", "b@drill.test", "K-B")],
                       meta={"ended_at": 100.0})
    assert mail_recipient.check(everyone, CheckSpec()).ok is True


def test_no_delivery_mail_is_owed_by_a_shop_that_mails_none_or_at_the_very_end() -> None:
    hist = with_contact("A", 1.0, ["K-A"]) + with_contact("B", 1.0, ["K-B"])
    notices = [mail("A", "a@drill.test", "your order is late", kind="delay_notice")]
    assert mail_recipient.check(sources(history=hist, mails=notices,
                                        meta={"ended_at": 100.0}), CheckSpec()).ok is True
    late = sources(history=hist, mails=[mail("A", "a@drill.test", "K-A")],
                   meta={"ended_at": 2.0})
    assert mail_recipient.check(late, CheckSpec()).counts["unmailed"] == 0
