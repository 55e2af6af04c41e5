"""Apply one verified payment in ONE transaction: record it (unique trade_no),
move the order, enqueue its delivery job (transactional outbox).

Policy for a payment that arrives after the order expired: revive the order
if its stock can be reserved again (local keys still available, or supplier
stock which is bought at delivery time); otherwise the order becomes
`refund_needed` and a `refund_needed` alert is raised. A second, different
payment for an order that is already paid is given back: a refund job asks the
gateway (delivery/refunds.py; its refusal raises the `refund_needed` alert), the
order is untouched.

Risk is re-checked at payment time (`risk.assess_payment`) for a pending or expired
order: a failing payment in `block` mode → `refund_needed` + alert (risk `blocked`,
keys released, nothing delivered); in `review` → `review` (risk `hold`); in
`pass_then_review` → delivered, risk `post_review`.
"""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert

from delivery import defects as D
from delivery import refunds
from delivery import risk as R
from delivery.db import raw
from delivery.db.schema import anomalies, payments
from delivery.store import jobs, orders, stock
from delivery.store.alerts import raise_alert

if TYPE_CHECKING:
    from delivery.ctx import Ctx

log = logging.getLogger("delivery")


_GET_SEEN = (f"SELECT {', '.join(orders.COLS)}, (SELECT order_no FROM payments WHERE trade_no = ? "
             f"LIMIT 1) AS seen_by FROM orders WHERE order_no = ?")  # the order + who paid trade_no
_SEEN_HERE = "SELECT order_no FROM payments WHERE trade_no = ? AND order_no = ? LIMIT 1"
_INSERT = ("INSERT INTO payments (trade_no, dedupe, order_no, amount, received_at) "
           "VALUES (?, ?, ?, ?, ?)")


_PAID_BY_CONTACT = ("SELECT COUNT(*) FROM orders WHERE contact = ? AND paid_at >= ? "
                    "AND order_no <> ?")


class Retry(Exception):
    """A concurrent writer moved the order between our read and our CAS."""


def record_anomaly(conn: Connection, kind: str, order_no: str | None, detail: str,
                   now: float) -> None:
    conn.execute(insert(anomalies).values(kind=kind, order_no=order_no, detail=detail[:500],
                                          at=now))


def enqueue_delivery(conn: Connection, order_no: str, now: float, *, force: bool = False) -> None:
    dedupe = f"deliver:{order_no}" + (f":{uuid.uuid4().hex[:8]}" if force else "")
    jobs.enqueue(conn, "deliver", dedupe, now, order_no=order_no,
                 payload={"force": True} if force else None)


def _paid_status(ctx: Ctx, order: dict[str, Any]) -> str:
    held = order["risk"] == "hold" and not ctx.defects.on(D.REVIEW_HOLD_IGNORED)  # bug zoo
    return "review" if held else "paid"


def _risk_at_payment(conn: Connection, ctx: Ctx, order: dict[str, Any], now: float) -> str:
    """The order's risk flag after the payment-time check: its own, `hold`,
    `post_review`, or `blocked` (block mode: refund it)."""
    cfg = ctx.cfg
    recent = 0
    if cfg.risk.per_contact_per_min > 0:
        recent = int(raw.run(conn, _PAID_BY_CONTACT, (order["contact"], now - cfg.wall(60.0),
                                                      order["order_no"])).fetchone()[0])
    why = R.assess_payment(cfg, order, recent)
    if why == "ok" or order["risk"] == "hold":
        return str(order["risk"])
    log.warning("order %s fails risk at payment time (%s), mode %s", order["order_no"], why,
                cfg.risk.mode)
    return {"block": "blocked", "review": "hold"}.get(cfg.risk.mode, "post_review")


def _refuse(conn: Connection, ctx: Ctx, order: dict[str, Any], trade_no: str, now: float) -> str:
    order_no = order["order_no"]
    if not orders.set_status(conn, order_no, order["status"], "refund_needed", now,
                             paid_at=now, trade_no=trade_no, risk="blocked"):
        raise Retry(order_no)
    stock.release(conn, order_no, now)
    raise_alert(conn, ctx, "refund_needed", "warning",
                f"order {order_no} paid (trade_no={trade_no}) but refused by risk control at "
                "payment time; nothing delivered, refund it", now)
    return "refund_needed"


def _check(conn: Connection, ctx: Ctx, trade_no: str, order_no: str, money: str, now: float,
           bound: bool) -> tuple[dict[str, Any] | None, str | None]:
    """(the order, None) when the payment is to be applied, else (_, the answer): unknown
    order, amount mismatch, trade_no already paid another order, duplicate."""
    order = raw.one(conn, _GET_SEEN, (trade_no, order_no)) if bound else orders.get(conn, order_no)
    seen_by = order.pop("seen_by") if order is not None and bound else None
    if order is None:
        record_anomaly(conn, "unknown_order", order_no, f"trade_no={trade_no}", now)
        return None, "unknown_order"
    try:
        ok_amount = Decimal(money) == Decimal(order["amount"])
        if ctx.defects.on(D.OVERPAY_ACCEPTED):  # bug zoo: an overpayment is "paid in full"
            ok_amount = Decimal(money) >= Decimal(order["amount"])
        if ctx.defects.on(D.AMOUNT_AT_LEAST_PRICE):  # bug zoo: "paid at least the price"
            ok_amount = Decimal(money) >= Decimal(order["amount"]) / order["quantity"]
        if ctx.defects.on(D.AMOUNT_TOLERANCE):  # bug zoo: 1 % slack for rate rounding
            slack = Decimal(order["amount"]) / 100
            ok_amount = abs(Decimal(money) - Decimal(order["amount"])) <= slack
        if ctx.defects.on(D.AMOUNT_COMPARED_AS_INT):  # bug zoo: (int) of both, cents dropped
            ok_amount = int(Decimal(money)) == int(Decimal(order["amount"]))
    except InvalidOperation:
        ok_amount = False
    if not ok_amount and not ctx.defects.on(D.NOTIFY_IGNORES_AMOUNT):  # bug zoo: kamiFaka 0.01
        record_anomaly(conn, "amount_mismatch", order_no,
                       f"trade_no={trade_no} money={money!r} expected={order['amount']}", now)
        return order, "amount_mismatch"
    if not bound:
        here = raw.run(conn, _SEEN_HERE, (trade_no, order_no)).fetchone()
        seen_by = here[0] if here is not None else None
    if seen_by is not None and seen_by != order_no:
        record_anomaly(conn, "trade_no_reused", order_no,
                       f"trade_no={trade_no} already paid order {seen_by}", now)
        return order, "trade_no_reused"
    if seen_by is None and not bound and order["status"] not in ("pending_payment", "expired"):
        return order, "duplicate"  # that shop looks at the order's status only: paid is paid
    if seen_by is not None:
        if ctx.defects.on(D.DUP_NOTIFY_REDELIVER):  # bug zoo: no idempotency on trade_no
            conn.execute(insert(payments).values(trade_no=trade_no, dedupe=uuid.uuid4().hex,
                         order_no=order_no, amount=money, received_at=now))
            enqueue_delivery(conn, order_no, now, force=True)
        return order, "duplicate"
    return order, None


def apply(conn: Connection, ctx: Ctx, trade_no: str, order_no: str, money: str,
          now: float) -> str:
    """Returns one of: paid, review, revived, refund_needed, duplicate, double_payment,
    unknown_order, amount_mismatch, trade_no_reused (the trade number already paid
    another order: refused, this order is left as it is)."""
    bound = not ctx.defects.on(D.TRADE_NO_NOT_BOUND)  # bug zoo: a trade_no seen per order only
    order, answer = _check(conn, ctx, trade_no, order_no, money, now, bound)
    if answer is not None or order is None:
        return answer or "unknown_order"
    if order["status"] == "expired" and ctx.defects.on(D.LATE_NOTIFY_REFUSED):
        return "unknown_order"  # bug zoo (dujiao-next #108): an expired order takes no payment
    status, flag = order["status"], str(order["risk"])
    if status in ("pending_payment", "expired"):
        flag = _risk_at_payment(conn, ctx, order, now)
        if (flag != "blocked" and status == "pending_payment" and bound
                and conn.dialect.name == "postgresql"
                and _paid_status(ctx, {**order, "risk": flag}) == "paid"):
            return _paid_pg(conn, order, trade_no, money, flag, now)
    raw.run(conn, _INSERT, (trade_no, trade_no if bound else f"{trade_no}:{order_no}",
                            order_no, money, now))
    if status in ("pending_payment", "expired"):
        if flag == "blocked":
            return _refuse(conn, ctx, order, trade_no, now)
        order = {**order, "risk": flag}
    if status == "pending_payment":
        new = _paid_status(ctx, order)
        if not orders.set_status(conn, order_no, status, new, now, paid_at=now, trade_no=trade_no,
                                 risk=order["risk"]):
            raise Retry(order_no)
        if new == "paid":
            enqueue_delivery(conn, order_no, now)
            if ctx.defects.on(D.PAID_RELEASES_RESERVATION):  # bug zoo: the hold ends at payment,
                stock.release(conn, order_no, now)  # the keys are picked at delivery
        return new
    if status == "expired" and ctx.defects.on(D.LATE_PAYMENT_DROPPED):
        return "duplicate"  # bug zoo: a payment for an expired order is acknowledged, kept
    if status == "expired":
        return _late_payment(conn, ctx, order, trade_no, now)
    if ctx.defects.on(D.DOUBLE_PAYMENT_KEPT):  # bug zoo: "already paid" is all it checks
        return "duplicate"
    log.warning("order %s paid again (trade_no %s) while %s: refunding it", order_no, trade_no,
                status)
    refunded = str(order["trade_no"]) if ctx.defects.on(D.REFUND_ORDER_TRADE_NO) else trade_no
    refunds.enqueue(conn, order_no, refunded, money, now)  # the outbox asks the gateway
    return "double_payment"


_PAID_PG = ("WITH p AS (INSERT INTO payments (trade_no, dedupe, order_no, amount, received_at) "
            "VALUES (?, ?, ?, ?, ?)), o AS (UPDATE orders SET status = 'paid', updated_at = ?, "
            "paid_at = ?, trade_no = ?, risk = ? WHERE order_no = ? AND status = "
            "'pending_payment' RETURNING order_no) " + jobs.INSERT_FROM.format(select="o"))


def _paid_pg(conn: Connection, order: dict[str, Any], trade_no: str, money: str, flag: str,
             now: float) -> str:
    """PostgreSQL, a pending order paid for the first time and going to `paid`: payment row,
    order CAS and delivery job in ONE statement (one round trip instead of three; each costs
    ~60 µs of CPU on this box)."""
    no = order["order_no"]
    moved = raw.run(conn, _PAID_PG, (trade_no, trade_no, no, money, now, now, now, trade_no, flag,
                                     no, f"deliver:{no}", now, now, now)).rowcount
    if moved != 1:
        raise Retry(no)  # the order moved since we read it: the payment row rolls back too
    return "paid"


def _late_payment(conn: Connection, ctx: Ctx, order: dict[str, Any], trade_no: str,
                  now: float) -> str:
    order_no = order["order_no"]
    product = ctx.cfg.product(order["product_id"])
    revivable = product is not None
    local = product is not None and product.kind == "local"
    if revivable and product is not None and local and ctx.defects.reserve_at_order:
        try:
            with conn.begin_nested():
                stock.reserve(conn, product.id, order["quantity"], order_no, now)
        except stock.OutOfStock:
            revivable = False
    if revivable:
        new = _paid_status(ctx, order)
        if not orders.set_status(conn, order_no, "expired", new, now, paid_at=now,
                                 trade_no=trade_no, risk=order["risk"]):
            raise Retry(order_no)
        if new == "paid" and not ctx.defects.on(D.REVIVE_NO_DELIVERY_JOB):  # bug zoo: no job
            enqueue_delivery(conn, order_no, now)
        return "revived"
    if not orders.set_status(conn, order_no, "expired", "refund_needed", now, paid_at=now,
                             trade_no=trade_no):
        raise Retry(order_no)
    raise_alert(conn, ctx, "refund_needed", "warning",
                f"order {order_no} paid after expiry and stock is gone; refund trade {trade_no}",
                now)
    return "refund_needed"
