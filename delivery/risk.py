"""Risk control: amount limit, per-contact/per-IP velocity, blacklist.

`assess` returns "ok" or a reason; the configured mode decides what a reason
does: block (refuse), review (hold the paid order for a human) or
pass_then_review (先放行,后审核: deliver now, flag for review).
"""

from __future__ import annotations

import time
from collections import deque
from decimal import Decimal

from delivery.config import Config


class Risk:
    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self._seen: dict[str, deque[float]] = {}

    @property
    def mode(self) -> str:
        return self.cfg.risk.mode

    def blacklisted(self, contact: str, ip: str) -> bool:
        bl = self.cfg.risk.blacklist
        return contact in bl or ip in bl

    def _velocity(self, key: str, limit: int, now: float) -> bool:
        """Record one hit; True when the key exceeded `limit` per scenario minute."""
        if limit <= 0:
            return False
        window = self.cfg.wall(60.0)
        q = self._seen.setdefault(key, deque())
        while q and q[0] <= now - window:
            q.popleft()
        q.append(now)
        if len(self._seen) > 100_000:  # bound memory under address-spraying load
            self._seen.clear()
        return len(q) > limit

    def assess(self, contact: str, ip: str, amount: Decimal, now: float | None = None) -> str:
        now = time.time() if now is None else now
        r = self.cfg.risk
        if self.blacklisted(contact, ip):
            return "blacklist"
        if amount > r.max_amount:
            return "amount_limit"
        over_contact = self._velocity("c:" + contact, r.per_contact_per_min, now)
        over_ip = self._velocity("i:" + ip, r.per_ip_per_min, now)
        if over_contact:
            return "contact_velocity"
        if over_ip:
            return "ip_velocity"
        return "ok"
