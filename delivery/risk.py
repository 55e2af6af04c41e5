"""Risk control: amount limit, per-contact/per-IP velocity, blacklist.

`assess` (order time) and `assess_payment` (payment time) return "ok" or a reason;
the configured mode decides what a reason does: block (refuse the order; a payment
that fails → refund_needed + alert), review (hold the paid order for a human) or
pass_then_review (先放行,后审核: deliver now, flag for review).
"""

from __future__ import annotations

import time
from collections import deque
from decimal import Decimal
from typing import Any

from delivery import defects as D
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


def assess_payment(cfg: Config, order: dict[str, Any], paid_last_minute: int) -> str:
    """Payment-time re-check of an order that passed (or was flagged) at order time:
    blacklist (contact, or the buyer IP recorded at order time), amount limit, and the
    velocity of PAID orders per contact (`paid_last_minute` = other orders of this
    contact paid in the last scenario minute; more than `per_contact_per_min` paid in a
    minute including this one fails). Stateless: the count comes from the database, so
    api and worker processes agree; concurrent payments may each miss the other."""
    r = cfg.risk
    bl = r.blacklist
    if order["contact"] in bl or (order["ip"] and order["ip"] in bl):
        return "blacklist"
    unit = D.RISK_UNIT_PRICE in cfg.defects  # bug zoo: the limit against the unit price
    if Decimal(order["amount"]) / (order["quantity"] if unit else 1) > r.max_amount:
        return "amount_limit"
    if r.per_contact_per_min > 0 and paid_last_minute >= r.per_contact_per_min:
        return "paid_velocity"
    return "ok"
