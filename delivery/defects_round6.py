"""Bug zoo helpers of holdout round 6 (delivery/defects.py ROUND6), kept apart for size.

Each reproduces one real bug at the one place a `# bug zoo` hook calls it; nothing here runs
with the flags off."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from starlette.responses import PlainTextResponse, Response

from delivery.db import raw

MS_PER_S = 1000  # supplier-timeout-in-ms: seconds converted for an API that takes seconds


async def success_on_error(reply: Awaitable[Response]) -> Response:
    """Bug zoo (notify-error-acked): the epay demo's `echo "success"` at the end of a
    try/except: a notify whose processing raised is acknowledged all the same."""
    try:
        return await reply
    except Exception:
        return PlainTextResponse("success")


_PICK_ANY = "SELECT id FROM card_keys WHERE status = 'available' ORDER BY id LIMIT ?"


def reserve_any(conn: Any, n: int, order_no: str, now: float) -> None:
    """Bug zoo (keys-of-any-product): the reservation picks the oldest free keys without the
    product filter (pr0keys #33: another game's key received)."""
    from delivery.store.stock import OutOfStock

    ids = [r[0] for r in raw.run(conn, _PICK_ANY, (n,)).fetchall()]
    moved = 0
    if len(ids) == n:
        moved = int(raw.run(conn, f"UPDATE card_keys SET status = 'reserved', order_no = ?, "
                                  f"updated_at = ? WHERE id IN ({raw.marks(n)}) "
                                  "AND status = 'available'", [order_no, now, *ids]).rowcount)
    if moved != n:
        raise OutOfStock("any")  # the transaction rolls back what was moved


def claim_pending(conn: Any, kinds: tuple[str, ...], worker_id: str, now: float,
                  lease_wall: float, limit: int) -> list[dict[str, Any]]:
    """Bug zoo (crashed-leases-never-reclaimed): only `pending` jobs are claimed, a job leased
    by a worker that died is never taken again (sidekiq #6829, basic fetch after SIGKILL)."""
    from sqlalchemy import select, update

    from delivery.db.schema import jobs

    due = (jobs.c.kind.in_(kinds), jobs.c.state == "pending", jobs.c.due_at <= now)
    ids = [r[0] for r in conn.execute(select(jobs.c.id).where(*due)
                                      .order_by(jobs.c.due_at).limit(limit))]
    if not ids:
        return []
    until = now + lease_wall
    conn.execute(update(jobs).where(jobs.c.id.in_(ids), *due).values(
        state="leased", claimed_by=worker_id, lease_until=until,
        attempts=jobs.c.attempts + 1, updated_at=now))
    rows = conn.execute(select(jobs).where(jobs.c.id.in_(ids), jobs.c.claimed_by == worker_id,
                                           jobs.c.lease_until == until))
    return [dict(r._mapping) for r in rows]


_HELD = "SELECT code FROM card_keys WHERE order_no = ? ORDER BY id"


def held_codes(conn: Any, order_no: str) -> list[str] | None:
    """Bug zoo (reserved-codes-shown): the order page reads the keys linked to the order in the
    key table, whatever their state: a pending order's reserved keys are shown."""
    codes = [str(r[0]) for r in raw.run(conn, _HELD, (order_no,)).fetchall()]
    return codes or None
