"""Buyer care from the back office: template notices (one order or every delayed one) and
coupons, sent through the shop's outbox mail path (the `jobs` table, kind `mail`)."""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from delivery import notices as shop_notices
from delivery.backoffice import audit
from delivery.backoffice.fmt import clock
from delivery.backoffice.outcome import DONE, NOOP, Outcome, Refused
from delivery.ctx import Ctx
from delivery.db.schema import notices, orders
from delivery.store import jobs

PLACEHOLDERS = ("coupon", "minutes", "order_no")
NOTICE_KIND = "operator"  # notices.kind of a back-office notice (the shop's own is "delay")
MAX_BATCH = 500


@dataclass(frozen=True, slots=True)
class Template:
    subject: str
    body: str
    minutes: int
    coupon: str

    def render(self, order_no: str) -> tuple[str, str]:
        values = {"order_no": order_no, "minutes": self.minutes, "coupon": self.coupon}
        return self.subject.format(**values), self.body.format(**values)


def default_template(lang: str, minutes: int, coupon: str) -> Template:
    """The shop's own delay notice, with its values turned back into placeholders."""
    subject, body = shop_notices.TEMPLATES.get(lang, shop_notices.TEMPLATES["zh"])
    if coupon:
        body += shop_notices.COUPON.get(lang, shop_notices.COUPON["zh"])
    return Template(subject, body, minutes, coupon)


def bad_placeholder(text: str) -> str | None:
    """The first placeholder other than {order_no} {minutes} {coupon}; "{" for bad braces."""
    try:
        for _, name, spec, conv in string.Formatter().parse(text):
            if name is not None and (name not in PLACEHOLDERS or spec or conv):
                return name or "{}"
    except ValueError:
        return "{"
    return None


def delayed(conn: Connection, paid_before: float) -> list[str]:
    """Paid-but-undelivered orders (paid, review, manual) paid at or before the cutoff."""
    q = (select(orders.c.order_no).where(orders.c.status.in_(shop_notices.WAITING),
                                         orders.c.paid_at <= paid_before)
         .order_by(orders.c.paid_at).limit(MAX_BATCH))
    return [r[0] for r in conn.execute(q)]


def _mail(ctx: Ctx, conn: Connection, order: dict[str, Any], kind: str, dedupe: str,
          subject: str, body: str, coupon: str, now: float) -> None:
    mail: dict[str, Any] = {"to": order["contact"], "order_no": order["order_no"], "kind": kind,
                            "subject": subject, "body": body, "source": "backoffice"}
    if coupon:
        mail["coupon"] = coupon
    jobs.enqueue(conn, "mail", dedupe, now, order_no=order["order_no"],
                 payload={"url": ctx.cfg.buyer_mail_url, "body": mail})


def notify(conn: Connection, ctx: Ctx, tpl: Template, order_nos: list[str], now: float
           ) -> Outcome:
    """Queue the template notice to each order not told by the back office before."""
    if not ctx.cfg.buyer_mail_url:
        raise Refused(409, "err.no_mail")
    told = {r[0] for r in conn.execute(select(notices.c.order_no).where(
        notices.c.kind == NOTICE_KIND, notices.c.order_no.in_(order_nos)))}
    sent, skipped, unknown = [], [n for n in order_nos if n in told], []
    for order_no in order_nos:
        o = None if order_no in told else conn.execute(
            select(orders).where(orders.c.order_no == order_no)).first()
        if o is None:
            unknown += [] if order_no in told else [order_no]
            continue
        subject, body = tpl.render(order_no)
        try:    # two operators telling one buyer at once: the second is a skip, not a 500
            with conn.begin_nested():
                conn.execute(insert(notices).values(order_no=order_no, kind=NOTICE_KIND, at=now))
        except IntegrityError:
            skipped.append(order_no)
            continue
        _mail(ctx, conn, dict(o._mapping), "delay_notice", f"mail:operator:{order_no}",
              subject, body, tpl.coupon, now)
        sent.append(order_no)
    if len(order_nos) == 1 and not sent and not skipped:
        raise Refused(404, "err.no_order", order_no=order_nos[0])
    detail = {"sent": sent, "skipped": skipped, "unknown": unknown, "minutes": tpl.minutes,
              "coupon": tpl.coupon,
              "subject": tpl.subject, "body": tpl.body}
    return Outcome("notice", order_nos[0] if len(order_nos) == 1 else None,
                   DONE if sent else NOOP, "out.noticed",
                   {"n": len(sent), "orders": ", ".join(sent) or "-", "skipped": len(skipped)},
                   detail)


def issue_coupon(conn: Connection, ctx: Ctx, order_no: str, code: str, lang: str,
                 now: float) -> Outcome:
    """Record a coupon against the order (once) and mail it to the buyer when mail is set."""
    o = conn.execute(select(orders).where(orders.c.order_no == order_no)).first()
    if o is None:
        raise Refused(404, "err.no_order", order_no=order_no)
    had = audit.last_done(conn, "coupon", order_no)
    if had is not None:
        return Outcome("coupon", order_no, NOOP, "out.coupon_had",
                       {"order_no": order_no, "code": had["detail"].get("code"),
                        "at": clock(had["at"])}, {"code": code, "existing": had["detail"]})
    mailed = bool(ctx.cfg.buyer_mail_url)
    if mailed:
        line = shop_notices.COUPON.get(lang, shop_notices.COUPON["zh"]).strip()
        _mail(ctx, conn, dict(o._mapping), "coupon", f"mail:coupon:{order_no}",
              line.format(coupon=code), line.format(coupon=code), code, now)
    return Outcome("coupon", order_no, DONE, "out.coupon", {"order_no": order_no, "code": code},
                   {"code": code, "mailed": mailed})
