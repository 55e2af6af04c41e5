"""Sends outbox messages with retries, at-least-once: IM alert posts and HTTP buyer
mails (POST JSON), SMTP mails (buyer delivery / delay notice, admin alert mail), and
runs the refund jobs of second payments (delivery/refunds.py).

A temporary failure (network error, HTTP refusal, SMTP 4xx) is retried with backoff;
an SMTP 5xx is recorded as failed at once (the relay refused the mail for good)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import httpx

from delivery import defects as D
from delivery import refunds, smtp
from delivery.ctx import Ctx, log
from delivery.db.engine import alerting_lane
from delivery.store import jobs

KINDS = ("alert", "mail", "refund")  # the jobs the outbox claims (the worker: deliver)
# a muted robot frees one slot a penalty, so a backlog of k alerts needs k penalties: an IM
# alert post is given up only after this many give-up times (with one, the third alert queued
# behind a muted DingTalk was dropped: tests/delivery/test_monitor.py, throttling + 502s)
ALERT_PATIENCE = 10


class Outbox:
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.lease_wall = max(1.0, ctx.cfg.wall(30.0))

    async def run(self) -> None:
        with alerting_lane():  # alerts and buyer mails never queue behind the buyers' polls
            await self._loop()

    async def _loop(self) -> None:
        poll = max(0.01, self.ctx.cfg.wall(0.5))
        while True:
            try:
                batch = await self.ctx.db.tx(jobs.claim, KINDS, self.ctx.worker_id,
                                             self.ctx.now(), self.lease_wall, 32)
                await asyncio.gather(*(self._send(j) for j in batch))
            except Exception:
                log.exception("outbox pass failed")
                batch = []
            if not batch:
                self.ctx.wake_outbox.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.ctx.wake_outbox.wait(), poll)

    async def _post(self, p: dict[str, Any]) -> tuple[smtp.Verdict, str, float]:
        """(verdict, why, retry-after scenario s) of one HTTP post."""
        try:
            r = await self.ctx.client().post(p["url"], json=p["body"], timeout=5.0)
        except httpx.HTTPError as exc:
            return "retry", f"{type(exc).__name__}", 0.0
        ok, why, wait_s = accepted(r)
        if self.ctx.defects.on(D.ALERT_THROTTLE_IGNORED):  # bug zoo: HTTP status only
            ok = r.status_code < 300  # DingTalk/WeCom throttle with HTTP 200 + errcode
        return ("sent" if ok else "retry"), why, wait_s

    async def _mail(self, mail: dict[str, Any]) -> tuple[smtp.Verdict, str, float]:
        cfg = self.ctx.cfg.smtp
        if cfg is None:
            return "failed", "an SMTP mail was queued but `smtp` is not configured", 0.0
        out = await asyncio.to_thread(smtp.send, cfg, mail)
        return out.verdict, out.why, 0.0

    async def _send(self, job: dict[str, Any]) -> None:
        if job["kind"] == "refund":  # a second payment given back at the gateway
            await refunds.run(self.ctx, job)
            return
        p = json.loads(job["payload"])
        verdict, why, wait_s = await (self._mail(p["smtp"]) if "smtp" in p else self._post(p))
        now = self.ctx.now()
        if verdict == "sent":
            await self.ctx.db.tx(jobs.finish, job, now)
        elif verdict == "failed":
            log.warning("%s job %s (order %s) failed for good: %s", job["kind"], job["id"],
                        job["order_no"], why)
            await self.ctx.db.tx(jobs.finish, job, now, "failed")
        elif jobs.exhausted(job, now, self.ctx.cfg.wall(jobs.GIVE_UP_AFTER_S * (
                ALERT_PATIENCE if job["kind"] == "alert" else 1))) or (
                job["attempts"] >= D.OUTBOX_GIVES_UP_AFTER and self.ctx.defects.on(
                    D.OUTBOX_GIVES_UP)):  # bug zoo: dujiaoka's push jobs, tries = 2
            log.warning("giving up on %s job %s after %d attempts (%s)", job["kind"], job["id"],
                        job["attempts"], why)
            await self.ctx.db.tx(jobs.finish, job, now, "failed")
        else:
            delay = self.ctx.cfg.wall(max(wait_s, jobs.backoff_s(job["attempts"])))
            await self.ctx.db.tx(jobs.retry_later, job, now, now + delay)


def accepted(r: httpx.Response) -> tuple[bool, str, float]:
    """(taken, why, retry-after scenario s). DingTalk and WeCom refuse with HTTP 200 and a
    non-zero errcode (130101 / 45009 throttled); Telegram with ok=false (429 retry_after)."""
    try:
        doc = r.json()
    except ValueError:
        doc = None
    wait = 0.0
    if isinstance(doc, dict):
        params = doc.get("parameters")
        if isinstance(params, dict) and isinstance(params.get("retry_after"), int | float):
            wait = float(params["retry_after"])
        if doc.get("errcode") not in (None, 0) or doc.get("ok") is False:
            return False, f"HTTP {r.status_code} {str(doc)[:120]}", wait
    return r.status_code < 300, f"HTTP {r.status_code}", wait
