"""Posts outbox messages (IM alerts, buyer mails) with retries; at-least-once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

import httpx

from delivery.ctx import Ctx, log
from delivery.store import jobs

MAX_ATTEMPTS = 8
GIVE_UP_AFTER_S = 3600.0  # scenario s: outlasts DingTalk's 10-minute mute


class Outbox:
    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.lease_wall = max(1.0, ctx.cfg.wall(30.0))

    async def run(self) -> None:
        poll = max(0.01, self.ctx.cfg.wall(0.5))
        while True:
            try:
                batch = await self.ctx.db.tx(jobs.claim, ("alert", "mail"), self.ctx.worker_id,
                                             time.time(), self.lease_wall, 32)
                await asyncio.gather(*(self._send(j) for j in batch))
            except Exception:
                log.exception("outbox pass failed")
                batch = []
            if not batch:
                self.ctx.wake_outbox.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.ctx.wake_outbox.wait(), poll)

    async def _send(self, job: dict[str, Any]) -> None:
        p = json.loads(job["payload"])
        ok, why, wait_s = False, "", 0.0
        try:
            r = await self.ctx.client().post(p["url"], json=p["body"], timeout=5.0)
            ok, why, wait_s = accepted(r)
        except httpx.HTTPError as exc:
            why = f"{type(exc).__name__}"
        now = time.time()
        if ok:
            await self.ctx.db.tx(jobs.finish, job, now)
        elif (job["attempts"] >= MAX_ATTEMPTS
              and now - job["created_at"] > self.ctx.cfg.wall(GIVE_UP_AFTER_S)):
            log.warning("giving up on %s job %s after %d attempts (%s)", job["kind"], job["id"],
                        job["attempts"], why)
            await self.ctx.db.tx(jobs.finish, job, now, "failed")
        else:
            delay = self.ctx.cfg.wall(max(wait_s, min(60.0, 2.0 ** job["attempts"])))
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
