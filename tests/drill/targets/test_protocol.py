"""The protocol's pure parts, in-process with literal replies: errors, shapes, signing, names."""

from __future__ import annotations

import types
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

import pytest

import drill.targets as targets
from drill.targets import (
    Ability,
    Gateway,
    HttpReply,
    NotifyShape,
    PaymentStart,
    PayShape,
    StepFailed,
    StepUnknown,
    TargetAdapter,
    TargetNotFound,
    World,
    adapter_class,
    epay_sign,
    missing,
    op_type_of,
    pay_at_gateway,
    refuse,
    shipped_targets,
)
from fakes.payment import epay
from tests.drill.targets.scripted import Scripted

GW = Gateway(url="http://127.0.0.1:1", pid="1001", key="k", public_url="http://127.0.0.1:2")
WORLD = World(GW)


def test_all_lists_exactly_the_public_names_sorted() -> None:
    public = sorted(n for n, v in vars(targets).items() if not n.startswith("_")
                    and not isinstance(v, types.ModuleType) and n != "annotations")
    assert targets.__all__ == public


@pytest.mark.parametrize(("status", "cls", "op"), [
    (0, StepUnknown, "info"), (502, StepUnknown, "info"), (404, StepFailed, "fail"),
    (429, StepFailed, "fail")])
def test_replies_map_to_jepsen_op_types(status: int, cls: type, op: str) -> None:
    err = refuse("create_order", HttpReply(status, "nope", error="timed out" if not status else ""))
    assert type(err) is cls and op_type_of(err) == op
    assert err.step == "create_order" and err.status == status
    assert op_type_of(ValueError("anything unexpected")) == "info"


def test_missing_names_the_abilities_and_reasons() -> None:
    have = {Ability.CREATE_ORDER}
    assert missing(have, [Ability.CREATE_ORDER]) is None
    why = missing(have, [Ability.CREATE_ORDER, Ability.READ_CARDS],
                  {Ability.READ_CARDS: "cards go by mail"})
    assert why == "the adapter lacks read_cards (cards go by mail)"


def test_sign_matches_the_gateway_rule() -> None:
    p = {"pid": "1001", "out_trade_no": "A1", "money": "1.50", "name": "x", "type": "alipay",
         "empty": "", "sign_type": "MD5"}
    assert epay_sign(p, "key") == epay.sign(p, "key")


def test_browser_form_payment_reads_json_or_an_html_redirect() -> None:
    start = PaymentStart("A1", PayShape.BROWSER_FORM, "http://127.0.0.1:2/submit.php", {"a": "b"})
    json_reply = HttpReply(200, '{"code": 1, "trade_no": "T1"}')
    http = Scripted(json_reply, HttpReply(200, "{}"))
    assert pay_at_gateway(http, GW, start) == "T1"
    assert http.calls[-1][:2] == ("POST", "http://127.0.0.1:2/pay/T1")
    html = "<script>window.location.href='http://127.0.0.1:2/pay/T2';</script>"
    assert pay_at_gateway(Scripted(HttpReply(200, html), HttpReply(200, "{}")), GW, start) == "T2"
    with pytest.raises(StepFailed, match="refused"):
        pay_at_gateway(Scripted(HttpReply(200, '{"code": -1, "msg": "签名错误"}')), GW, start)


def test_server_submit_payment_pays_the_url_the_shop_handed_out() -> None:
    start = PaymentStart("A1", PayShape.SERVER_SUBMIT, "http://127.0.0.1:2/pay/T9")
    http = Scripted(HttpReply(200, "{}"))
    assert pay_at_gateway(http, GW, start) == "T9"
    with pytest.raises(StepUnknown):
        pay_at_gateway(Scripted(HttpReply(0, error="reset")), GW, start)


def test_notify_shapes_and_options_are_checked() -> None:
    class Embeds(TargetAdapter):
        name: ClassVar[str] = "embeds"
        notify_path: ClassVar[str] = "/pay/notify/{order_no}"
        options: ClassVar[Mapping[str, str]] = {"token": "an admin token"}

    shop = Embeds("http://127.0.0.1:3/", WORLD, {"token": "t"})
    assert shop.notify_shape is NotifyShape.EMBEDS_ORDER
    assert shop.notify_url("A1") == "http://127.0.0.1:3/pay/notify/A1"
    with pytest.raises(ValueError, match=r"unknown option\(s\) \['tokn'\]; known: token"):
        Embeds("http://127.0.0.1:3", WORLD, {"tokn": "t"})


def test_registry_knows_the_shipped_targets_and_says_where_it_looked() -> None:
    assert [n for n, _ in shipped_targets()] == ["kamifaka", "reference"]
    with pytest.raises(TargetNotFound, match=r"targets/nope\.py"):
        adapter_class("nope")


def test_a_user_adapter_file_may_use_dataclasses(tmp_path: Path) -> None:
    path = tmp_path / "with_dc.py"
    path.write_text(
        "from __future__ import annotations\n"
        "from dataclasses import dataclass\n"
        "from drill.targets import TargetAdapter\n\n"
        "@dataclass(frozen=True)\nclass Note:\n    text: str\n\n"
        "class WithDc(TargetAdapter):\n    name = 'with_dc'\n", encoding="utf-8")
    assert adapter_class(str(path)).__name__ == "WithDc"
