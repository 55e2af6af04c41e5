"""Alert rows (one per rule and window) and their outbox posts to IM robots, plus the
admin's alert mail over SMTP when `smtp.admin_to` is set."""

from __future__ import annotations

import json
import math
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from delivery import defects as D
from delivery import defects_round7 as D7
from delivery import smtp
from delivery.alerts import format_for
from delivery.db.schema import alerts
from delivery.store import jobs

if TYPE_CHECKING:
    from delivery.ctx import Ctx

RULES = ("stuck_paid_orders", "supplier_health", "low_stock", "review_backlog",
         "payment_anomaly", "manual_escalation", "refund_needed")


def window_start(ctx: Ctx, now: float) -> float:
    w = ctx.cfg.wall(ctx.cfg.monitor.window_s)
    return math.floor(now / w) * w if w > 0 else now


def raise_alert(conn: Connection, ctx: Ctx, rule: str, severity: str, message: str,
                now: float) -> bool:
    """Record the alert once per (rule, window) and enqueue its IM posts. True if new."""
    if ctx.defects.on(D.ALERT_NEVER_FIRES):
        return False
    ws = now if ctx.defects.on(D.ALERT_EVERY_TICK) else window_start(ctx, now)
    keyed = [] if ctx.defects.on(D.ALERT_DEDUPE_PER_WINDOW) else [alerts.c.rule == rule]  # zoo
    if conn.execute(select(alerts.c.id).where(*keyed, alerts.c.window_start == ws)).first():
        return False
    channels = [name for name, url in ctx.cfg.alerts.model_dump().items() if url]
    try:
        with conn.begin_nested():
            key = conn.execute(insert(alerts).values(
                rule=rule, severity=severity, message=message, window_start=ws, at=now,
                channels=json.dumps(channels))).inserted_primary_key
            assert key is not None  # an INSERT always has one
            alert_id = key[0]
    except IntegrityError:
        return False  # another process raised it first
    text = f"[faka-alert] rule={rule} severity={severity}\n{message}"
    for ch in channels[:1] if ctx.defects.on(D.ALERT_FIRST_CHANNEL_ONLY) else channels:  # bug
        url = getattr(ctx.cfg.alerts, ch)  # zoo: the post loop returns after the first robot
        jobs.enqueue(conn, "alert", f"alert:{alert_id}:{ch}:{uuid.uuid4().hex[:6]}", now,
                     payload={"url": url, "body": format_for(channels[0] if ctx.defects.on(
                         D7.ALERT_BODY_FIRST_CHANNEL) else ch, text, url),  # bug zoo: one shape
                              "rule": rule})
    mail = ctx.cfg.smtp
    if mail is not None and mail.admin_to:  # the admin's alert mail, besides the IM posts
        jobs.enqueue(conn, "mail", f"mail:alert:{alert_id}", now, payload=smtp.payload(
            [mail.admin_to], f"[faka-alert] rule={rule} severity={severity}", text,
            kind="alert", rule=rule))
    ctx.metrics.alerts.labels(rule=rule).inc()
    return True
