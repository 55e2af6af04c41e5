"""The outbox: jobs enqueued inside business transactions, claimed with a lease.

A claim sets state=leased, claimed_by, lease_until and bumps `attempts`; the
(claimed_by, attempts) pair is the fencing token every later write checks, so
a worker whose lease expired and was re-claimed can no longer finish the job.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, and_, insert, or_, select, update

from delivery.db.schema import jobs


def enqueue(conn: Connection, kind: str, dedupe: str, now: float, *, order_no: str | None = None,
            payload: dict[str, Any] | None = None, due_at: float | None = None) -> None:
    conn.execute(insert(jobs).values(
        kind=kind, dedupe=dedupe, order_no=order_no, payload=json.dumps(payload or {}),
        state="pending", attempts=0, due_at=now if due_at is None else due_at,
        lease_until=None, claimed_by=None, created_at=now, updated_at=now,
    ))


def _due(kinds: tuple[str, ...], now: float) -> Any:
    return and_(jobs.c.kind.in_(kinds), or_(
        and_(jobs.c.state == "pending", jobs.c.due_at <= now),
        and_(jobs.c.state == "leased", jobs.c.lease_until < now),
    ))


def claim(conn: Connection, kinds: tuple[str, ...], worker_id: str, now: float, lease_wall: float,
          limit: int) -> list[dict[str, Any]]:
    ids = [r[0] for r in conn.execute(
        select(jobs.c.id).where(_due(kinds, now)).order_by(jobs.c.due_at).limit(limit)
        .with_for_update(skip_locked=True)
    )]
    if not ids:
        return []
    conn.execute(
        update(jobs).where(jobs.c.id.in_(ids), _due(kinds, now))
        .values(state="leased", claimed_by=worker_id, lease_until=now + lease_wall,
                attempts=jobs.c.attempts + 1, updated_at=now)
    )
    rows = conn.execute(select(jobs).where(
        jobs.c.id.in_(ids), jobs.c.claimed_by == worker_id, jobs.c.lease_until == now + lease_wall))
    return [dict(r._mapping) for r in rows]


def _mine(job: dict[str, Any]) -> Any:
    return and_(jobs.c.id == job["id"], jobs.c.state == "leased",
                jobs.c.claimed_by == job["claimed_by"], jobs.c.attempts == job["attempts"])


def renew(conn: Connection, job: dict[str, Any], now: float, lease_wall: float) -> bool:
    return conn.execute(update(jobs).where(_mine(job))
                        .values(lease_until=now + lease_wall, updated_at=now)).rowcount == 1


def finish(conn: Connection, job: dict[str, Any], now: float, state: str = "done") -> bool:
    """Mark the claimed job done/failed; False when the lease was lost."""
    return conn.execute(update(jobs).where(_mine(job))
                        .values(state=state, lease_until=None, updated_at=now)).rowcount == 1


def retry_later(conn: Connection, job: dict[str, Any], now: float, due_at: float) -> bool:
    return conn.execute(update(jobs).where(_mine(job)).values(
        state="pending", lease_until=None, due_at=due_at, updated_at=now)).rowcount == 1


def close_for_order(conn: Connection, order_no: str, now: float) -> None:
    """A delivery happened another way (manual): pending delivery jobs have nothing to do."""
    conn.execute(update(jobs).where(jobs.c.kind == "deliver", jobs.c.order_no == order_no,
                                    jobs.c.state == "pending")
                 .values(state="done", updated_at=now))
