"""Buyer mails: the delay notice and, over SMTP, the delivery mail with the codes
(Chinese by default, English available). Both go through the outbox (kind `mail`):
over SMTP when `smtp` is configured, else posted to `buyer_mail_url`."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.exc import IntegrityError

from delivery import defects as D
from delivery import defects_round7 as D7
from delivery import smtp
from delivery.db.schema import deliveries, notices, orders
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
DELIVERED = {
    "zh": ("您的订单已发货 (订单号:{order_no})",
           "尊敬的买家您好!您的订单(订单号:{order_no})已自动发货,卡密如下:\n{codes}\n"
           "感谢您的购买!"),
    "en": ("Your order {order_no} has been delivered",
           "Dear customer, your order (order no: {order_no}) has been delivered. "
           "Your codes:\n{codes}\nThank you for your purchase!"),
}
COUPON = {"zh": "\n补偿优惠券:{coupon}", "en": "\nCompensation coupon: {coupon}"}
WAITING = ("paid", "review", "manual")


def render(locale: str, order_no: str, minutes: int, coupon: str | None) -> tuple[str, str]:
    subject, body = TEMPLATES.get(locale, TEMPLATES["zh"])
    body = body.format(order_no=order_no, minutes=minutes)
    if coupon:
        body += COUPON.get(locale, COUPON["zh"]).format(coupon=coupon)
    return subject.format(order_no=order_no), body


def mail_payload(ctx: Ctx, mail: dict[str, Any]) -> dict[str, Any]:
    """The outbox payload for a buyer mail: SMTP when configured, else the HTTP post."""
    if ctx.cfg.smtp is not None:
        fields = {k: v for k, v in mail.items() if k not in ("to", "subject", "body")}
        return smtp.payload([mail["to"]], mail["subject"], mail["body"], **fields)
    return {"url": ctx.cfg.buyer_mail_url, "body": mail}


def send_due(conn: Connection, ctx: Ctx, now: float, limit: int = 200) -> int:
    """Queue a delay notice for every paid-but-undelivered order past the threshold."""
    bn = ctx.cfg.buyer_notice
    limit = 1 if ctx.defects.on(D.DELAY_NOTICE_ONE_PER_PASS) else limit  # bug zoo: cachet #2898
    if ctx.defects.on(D.NO_DELAY_NOTICE) or not (ctx.cfg.buyer_mail_url or ctx.cfg.smtp):
        return 0
    cutoff = now - ctx.cfg.wall(bn.delay_after_s / (60 if ctx.defects.on(  # bug zoo: minutes
        D.DELAY_NOTICE_MINUTES) else 1))  # setting read where the code means seconds
    noticed = select(notices.c.order_no).where(notices.c.kind == "delay")
    # bug zoo: the delay clock started at order creation (a late payer is "late" at once)
    since = orders.c.created_at if ctx.defects.on(D.DELAY_NOTICE_FROM_CREATION) else \
        orders.c.paid_at
    repeat = ctx.defects.on(D.DELAY_NOTICE_REPEATS)  # bug zoo: remembered for one period
    if repeat:
        noticed = noticed.where(notices.c.at > cutoff)
    waiting = WAITING[:1] if ctx.defects.on(D.DELAY_NOTICE_PAID_ONLY) else WAITING  # bug zoo
    rows = conn.execute(
        select(orders.c.order_no, orders.c.contact)
        .where(orders.c.status.in_((*waiting, "delivered") if ctx.defects.on(  # bug zoo:
                   D.DELAY_NOTICE_NOT_RECHECKED) else waiting), since <= cutoff,  # not re-read
               orders.c.order_no.not_in(noticed))
        .limit(limit)).all()
    if ctx.defects.on(D.DELAY_NOTICE_WRONG_BUYER):  # bug zoo: contacts zipped from an IN query
        rows = D.contacts_sorted(rows)
    minutes = max(1, int(bn.delay_after_s // 60) or 10)
    for order_no, contact in rows:
        subject, body = render(bn.locale, order_no, minutes, bn.coupon)
        mail: dict[str, Any] = {"to": contact, "order_no": order_no, "kind": "delay_notice",
                                "subject": subject, "body": body}
        if bn.coupon:
            mail["coupon"] = bn.coupon
        if repeat:
            conn.execute(delete(notices).where(notices.c.order_no == order_no,
                                               notices.c.kind == "delay"))
        conn.execute(insert(notices).values(order_no=order_no, kind="delay", at=now))
        again = f":{uuid.uuid4().hex[:8]}" if repeat else ""
        key = contact if ctx.defects.on(D7.DELAY_NOTICE_PER_CONTACT) else order_no  # bug zoo:
        jobs.enqueue(conn, "mail", f"mail:delay:{key}{again}", now, order_no=order_no,  # one
                     payload=mail_payload(ctx, mail))  # mail a contact, the next order's dropped
    return len(rows)


def send_delivered(conn: Connection, ctx: Ctx, now: float, after_id: int,
                   limit: int = 200) -> int:
    """Over SMTP only: queue the delivery mail (codes in the body) for deliveries with
    id > `after_id` whose order has none yet (a `delivered` notice row, unique per order,
    so api processes never mail twice). Returns the highest delivery id looked at."""
    if ctx.cfg.smtp is None:
        return after_id
    noticed = select(notices.c.order_no).where(notices.c.kind == "delivered")
    if ctx.defects.on(D.DELIVERY_MAIL_AFTER_DELAY_SKIPPED):  # bug zoo: one "mailed" flag an order
        noticed = select(notices.c.order_no)
    rows = conn.execute(
        select(deliveries.c.id, deliveries.c.order_no, deliveries.c.codes, orders.c.contact)
        .join(orders, orders.c.order_no == deliveries.c.order_no)
        .where(deliveries.c.id > after_id, deliveries.c.order_no.not_in(noticed))
        .order_by(deliveries.c.id).limit(limit)).all()
    subject_t, body_t = DELIVERED.get(ctx.cfg.buyer_notice.locale, DELIVERED["zh"])
    for _, order_no, codes, contact in rows:
        if ctx.defects.on(D.MAIL_BATCH_ONE_RECIPIENT):  # bug zoo: one mail object for the batch
            contact = rows[0][3]
        cards = json.loads(codes)
        if ctx.defects.on(D.MAIL_FIRST_CODE):  # bug zoo: the template shows `codes[0]`
            cards = cards[:1]
        mail = {"to": contact, "order_no": order_no, "kind": "delivery",
                "subject": subject_t.format(order_no=order_no),
                "body": body_t.format(order_no=order_no, codes="\n".join(cards))}
        try:
            with conn.begin_nested():
                conn.execute(insert(notices).values(order_no=order_no, kind="delivered", at=now))
        except IntegrityError:
            continue  # another api process mailed it
        jobs.enqueue(conn, "mail", f"mail:delivered:{order_no}", now, order_no=order_no,
                     payload=mail_payload(ctx, mail))
    skip = 1 if ctx.defects.on(D.MAIL_CURSOR_SKIPS_NEXT) else 0  # bug zoo: "next id" cursor
    return int(rows[-1][0]) + skip if rows else after_id
