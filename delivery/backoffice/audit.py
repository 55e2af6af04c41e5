"""The audit log: every operator action (who, when, what, which order, outcome).

`GET /admin/audit` serves it as JSON for the game-day scoring, behind the admin token.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from sqlalchemy import Connection, insert, select
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from delivery.backoffice.outcome import Outcome
from delivery.ctx import Ctx
from delivery.db.schema import audit_log

MAX_LIMIT = 100_000


def record(conn: Connection, operator: str, out: Outcome, now: float) -> None:
    """One audit row for one outcome, in the caller's transaction."""
    conn.execute(insert(audit_log).values(
        at=now, operator=operator, action=out.action, order_no=out.order_no,
        outcome=out.result, detail=json.dumps(out.detail, ensure_ascii=False, default=str)))


def rows(conn: Connection, since_id: int, limit: int, order_no: str | None = None
         ) -> list[dict[str, Any]]:
    """Audit rows with id > since_id, oldest first; detail decoded."""
    q = select(audit_log).where(audit_log.c.id > since_id)
    if order_no:
        q = q.where(audit_log.c.order_no == order_no)
    out = [dict(r._mapping) for r in conn.execute(q.order_by(audit_log.c.id).limit(limit))]
    for row in out:
        row["detail"] = json.loads(row["detail"])
    return out


def last_done(conn: Connection, action: str, order_no: str) -> dict[str, Any] | None:
    """The latest successful `action` on the order, if any (e.g. a coupon already issued)."""
    row = conn.execute(select(audit_log).where(
        audit_log.c.action == action, audit_log.c.order_no == order_no,
        audit_log.c.outcome == "done").order_by(audit_log.c.id.desc()).limit(1)).first()
    if row is None:
        return None
    found = dict(row._mapping)
    found["detail"] = json.loads(found["detail"])
    return found


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status)


def _int(request: Request, name: str, default: int, hi: int) -> int:
    raw = request.query_params.get(name) or str(default)
    if not raw.isdigit() or int(raw) > hi:
        raise ValueError(f"query parameter {name}={raw!r} must be a whole number 0..{hi}")
    return int(raw)


async def audit_json(request: Request) -> Response:
    """GET /admin/audit?since_id=0&limit=1000&order_no= → {"audit": [...], "last_id": N}."""
    ctx: Ctx = request.app.state.ctx
    auth = request.headers.get("authorization", "")
    given = auth[7:] if auth.lower().startswith("bearer ") else ""
    if not given or not hmac.compare_digest(given.encode(), ctx.cfg.admin_token.encode()):
        return _error(401, "the audit log needs 'Authorization: Bearer <admin_token>'")
    try:
        since = _int(request, "since_id", 0, 2**62)
        limit = max(1, _int(request, "limit", 1000, MAX_LIMIT))
    except ValueError as exc:
        return _error(400, str(exc))
    found = await ctx.db.tx(rows, since, limit, request.query_params.get("order_no") or None)
    return JSONResponse({"audit": found, "last_id": found[-1]["id"] if found else since})
