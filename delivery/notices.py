"""Buyer care: the delay notice (Chinese by default, English available)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert, select

from delivery import defects as D
from delivery.db.schema import notices, orders
from delivery.store import jobs

if TYPE_CHECKING:
    from delivery.ctx import Ctx

TEMPLATES = {
    "zh": ("您的订单正在处理中 (订单号:{order_no})",
           "尊敬的买家您好!我们已收到您的订单(订单号:{order_no}),系统正在加紧处理中,"
           "我们正在人工介入排查,请您放心,我们承诺如果{minutes}分钟内未能自动发货,"
           "将为您人工处理并可能附赠小额补偿,为您带来的不便,我们深表歉意!"),
    "en": ("Your order {order_no} is being processed",
           "Dear customer, we have received your order (order no: {order_no}) and are "
           "processing it with priority; our staff are looking into it. If it is not delivered "
           "automatically within {minutes} minutes we will deliver it by hand and may add a "
           "small compensation. We apologise for the inconvenience!"),
}
COUPON = {"zh": "\n补偿优惠券:{coupon}", "en": "\nCompensation coupon: {coupon}"}
WAITING = ("paid", "review", "manual")


def render(locale: str, order_no: str, minutes: int, coupon: str | None) -> tuple[str, str]:
    subject, body = TEMPLATES.get(locale, TEMPLATES["zh"])
    body = body.format(order_no=order_no, minutes=minutes)
    if coupon:
        body += COUPON.get(locale, COUPON["zh"]).format(coupon=coupon)
    return subject.format(order_no=order_no), body


def send_due(conn: Connection, ctx: Ctx, now: float, limit: int = 200) -> int:
    """Queue a delay notice for every paid-but-undelivered order past the threshold."""
    bn = ctx.cfg.buyer_notice
    if ctx.defects.on(D.NO_DELAY_NOTICE) or not ctx.cfg.buyer_mail_url:
        return 0
    cutoff = now - ctx.cfg.wall(bn.delay_after_s)
    noticed = select(notices.c.order_no).where(notices.c.kind == "delay")
    rows = conn.execute(
        select(orders.c.order_no, orders.c.contact)
        .where(orders.c.status.in_(WAITING), orders.c.paid_at <= cutoff,
               orders.c.order_no.not_in(noticed))
        .limit(limit)).all()
    minutes = max(1, int(bn.delay_after_s // 60) or 10)
    for order_no, contact in rows:
        subject, body = render(bn.locale, order_no, minutes, bn.coupon)
        mail: dict[str, Any] = {"to": contact, "order_no": order_no, "kind": "delay_notice",
                                "subject": subject, "body": body}
        if bn.coupon:
            mail["coupon"] = bn.coupon
        conn.execute(insert(notices).values(order_no=order_no, kind="delay", at=now))
        jobs.enqueue(conn, "mail", f"mail:delay:{order_no}", now, order_no=order_no,
                     payload={"url": ctx.cfg.buyer_mail_url, "body": mail})
    return len(rows)
