"""epay's merchant refund API: ``api.php?act=refund`` with pid, key, trade_no (or
out_trade_no) and money, answered ``{"code": 1, "msg": "退款成功"}`` or code -1 and why.

A refund is recorded on the payment's own ledger row (`refunded` money so far,
`refunded_at`, `refunds` with each accepted request), so the payments ledger the
oracle reads shows which trades were given back. The `refund_refused` knob makes the
gateway refuse a share of refund requests (a merchant balance too low), so a shop's
"the gateway said no" path is exercised too.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fakes._common.hot import Reply, json_reply
from fakes.payment.epay import money_str, parse_money
from fakes.payment.state import GatewayState

REFUND_FIELDS = ("refunded", "refunded_at", "refunds")  # what a refund adds to a payment row


def _fail(msg: str) -> Reply:
    return json_reply({"code": -1, "msg": msg})


def _payment(state: GatewayState, f: dict[str, str]) -> dict[str, Any] | None:
    if f.get("trade_no"):
        return state.by_trade.get(f["trade_no"])
    return state.by_out.get(f.get("out_trade_no") or "")


def refund_reply(state: GatewayState, f: dict[str, str]) -> Reply:
    """Refund `money` of a paid trade (at most what is left of it); the caller checked the
    merchant's pid and key (api.php, as for act=order)."""
    if not f.get("trade_no") and not f.get("out_trade_no"):
        return _fail("缺少参数 trade_no 或 out_trade_no")
    payment = _payment(state, f)
    if payment is None:
        return _fail("订单号不存在")
    if payment["status"] != "paid":
        return _fail("订单未支付，不能退款 (the trade is not paid)")
    money = parse_money(f.get("money", ""))
    if money is None:
        return _fail("退款金额不合法 (money must be a positive amount with 2 decimals)")
    left = Decimal(payment["money"]) - Decimal(payment.get("refunded") or "0")
    if left <= 0:
        return _fail("该订单已全额退款 (already refunded)")
    if money > left:
        return _fail(f"退款金额超过可退金额 {money_str(left)} (more than is left to refund)")
    if state.rng.chance("refund", state.behaviour["refund_refused"]):
        return _fail("商户余额不足，退款失败 (merchant balance too low)")
    now = state.clock.now()
    payment["refunded"] = money_str(Decimal(payment.get("refunded") or "0") + money)
    payment["refunded_at"] = now
    payment.setdefault("refunds", []).append({"money": money_str(money), "at": now})
    return json_reply({"code": 1, "msg": "退款成功", "trade_no": payment["trade_no"],
                       "out_trade_no": payment["out_trade_no"], "money": money_str(money)})
