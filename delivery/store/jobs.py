"""The outbox: jobs enqueued inside business transactions, claimed with a lease.

A claim sets state=leased, claimed_by, lease_until and bumps `attempts`; the
(claimed_by, attempts) pair is the fencing token every later write checks, so
a worker whose lease expired and was re-claimed can no longer finish the job.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, Integer, and_, bindparam, or_, select, update

from delivery.db import raw
from delivery.db.schema import jobs

_MINE = update(jobs).where(jobs.c.id == bindparam("j_id"), jobs.c.state == "leased",
                           jobs.c.claimed_by == bindparam("j_by"),
                           jobs.c.attempts == bindparam("j_att"))


_INSERT_RAW = ("INSERT INTO jobs (kind, dedupe, order_no, payload, state, attempts, due_at, "
               "lease_until, claimed_by, created_at, updated_at) "
               "VALUES (?, ?, ?, ?, 'pending', 0, ?, NULL, NULL, ?, ?)")


# a delivery job for each order_no a CTE named {select} returns (payments._PAID_PG); the
# parameters: dedupe, due_at, created_at, updated_at
INSERT_FROM = ("INSERT INTO jobs (kind, dedupe, order_no, payload, state, attempts, due_at, "
               "lease_until, claimed_by, created_at, updated_at) SELECT 'deliver', ?, order_no, "
               "'{{}}', 'pending', 0, ?, NULL, NULL, ?, ? FROM {select}")


def enqueue(conn: Connection, kind: str, dedupe: str, now: float, *, order_no: str | None = None,
            payload: dict[str, Any] | None = None, due_at: float | None = None) -> None:
    raw.run(conn, _INSERT_RAW, (kind, dedupe, order_no, json.dumps(payload) if payload else "{}",
                                now if due_at is None else due_at, now, now))


_DUE = and_(jobs.c.kind.in_(bindparam("kinds", expanding=True)), or_(
    and_(jobs.c.state == "pending", jobs.c.due_at <= bindparam("now")),
    and_(jobs.c.state == "leased", jobs.c.lease_until < bindparam("now")),
))
_DUE_IDS = (select(jobs.c.id).where(_DUE).order_by(jobs.c.due_at)
            .limit(bindparam("n", type_=Integer, literal_execute=True))
            .with_for_update(skip_locked=True))
_CLAIM = (update(jobs).where(jobs.c.id.in_(bindparam("ids", expanding=True)), _DUE)
          .values(state="leased", claimed_by=bindparam("by"), lease_until=bindparam("until"),
                  attempts=jobs.c.attempts + 1, updated_at=bindparam("now")))
_CLAIMED = select(jobs).where(jobs.c.id.in_(bindparam("ids", expanding=True)),
                              jobs.c.claimed_by == bindparam("by"),
                              jobs.c.lease_until == bindparam("until"))


def claim(conn: Connection, kinds: tuple[str, ...], worker_id: str, now: float, lease_wall: float,
          limit: int) -> list[dict[str, Any]]:
    ids = [r[0] for r in conn.execute(_DUE_IDS, {"kinds": list(kinds), "now": now, "n": limit})]
    if not ids:
        return []
    until = now + lease_wall
    conn.execute(_CLAIM, {"ids": ids, "kinds": list(kinds), "now": now, "by": worker_id,
                          "until": until})
    rows = conn.execute(_CLAIMED, {"ids": ids, "by": worker_id, "until": until})
    return [dict(r._mapping) for r in rows]


def _fenced(conn: Connection, job: dict[str, Any], **values: Any) -> bool:
    params = {"j_id": job["id"], "j_by": job["claimed_by"], "j_att": job["attempts"], **values}
    return conn.execute(_MINE, params).rowcount == 1


def renew(conn: Connection, job: dict[str, Any], now: float, lease_wall: float) -> bool:
    return _fenced(conn, job, lease_until=now + lease_wall, updated_at=now)


def finish(conn: Connection, job: dict[str, Any], now: float, state: str = "done") -> bool:
    """Mark the claimed job done/failed; False when the lease was lost."""
    return _fenced(conn, job, state=state, lease_until=None, updated_at=now)


def retry_later(conn: Connection, job: dict[str, Any], now: float, due_at: float) -> bool:
    return _fenced(conn, job, state="pending", lease_until=None, due_at=due_at, updated_at=now)


def close_for_order(conn: Connection, order_no: str, now: float) -> None:
    """A delivery happened another way (manual): pending delivery jobs have nothing to do."""
    conn.execute(update(jobs).where(jobs.c.kind == "deliver", jobs.c.order_no == order_no,
                                    jobs.c.state == "pending")
                 .values(state="done", updated_at=now))


# the outbox's retry policy (IM posts, mails, refunds), scenario seconds
MAX_ATTEMPTS = 8
GIVE_UP_AFTER_S = 3600.0  # outlasts DingTalk's 10-minute mute
BACKOFF_CAP_S = 60.0


def exhausted(job: dict[str, Any], now: float, give_up_wall: float) -> bool:
    """Tried MAX_ATTEMPTS times and older than the give-up time (wall seconds)."""
    return bool(job["attempts"] >= MAX_ATTEMPTS and now - job["created_at"] > give_up_wall)


def backoff_s(attempts: int) -> float:
    """Scenario seconds before the next try: doubling, capped."""
    return min(BACKOFF_CAP_S, 2.0 ** attempts)
