"""Orders: create with stock reserved (下单即锁定库存), read, expire, list."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, select

from delivery import defects as D
from delivery import defects_round6 as D6
from delivery import defects_round7 as D7
from delivery.db import raw
from delivery.db.schema import orders
from delivery.store import stock

if TYPE_CHECKING:
    from delivery.config import Product
    from delivery.ctx import Ctx


COLS = _COLS = ("order_no", "token", "product_id", "quantity", "amount", "contact", "ip", "status",
         "risk", "created_at", "expires_at", "paid_at", "delivered_at", "trade_no", "updated_at")
_INSERT_RAW = f"INSERT INTO orders ({', '.join(_COLS)}) VALUES ({raw.marks(len(_COLS))})"
_GET_RAW = f"SELECT {', '.join(_COLS)} FROM orders WHERE order_no = ?"


def new_order_no(now: float) -> str:
    return f"{int(now * 1000)}{uuid.uuid4().hex[:8]}"


def create(conn: Connection, ctx: Ctx, product: Product, quantity: int, contact: str, ip: str,
           risk: str, now: float) -> dict[str, Any]:
    order_no = D7.ms_order_no(now) if ctx.defects.on(D7.ORDER_NO_PER_MS) else new_order_no(
        now)  # bug zoo: the millisecond clock alone, two buyers in one ms collide
    if product.kind == "local":
        if ctx.defects.on(D.LAST_KEY_UNSELLABLE) and stock.count_available(  # bug zoo: `<=`
                conn, product.id) <= quantity:
            raise stock.OutOfStock(product.id)
        if ctx.defects.on(D.KEYS_OF_ANY_PRODUCT):  # bug zoo: no product filter on the pick
            D6.reserve_any(conn, quantity, order_no, now)
        elif ctx.defects.reserve_at_order:
            stock.reserve(conn, product.id, quantity, order_no, now)
        elif stock.count_available(conn, product.id) < quantity:  # bug zoo: checked, not locked
            raise stock.OutOfStock(product.id)
    price = ctx.cfg.products[0].price if ctx.defects.on(  # bug zoo: the price looked up
        D7.PRICE_OF_FIRST_PRODUCT) else product.price  # on the catalogue's first entry
    row = {
        "order_no": order_no, "token": uuid.uuid4().hex, "product_id": product.id,
        "quantity": quantity, "amount": f"{(price * quantity).quantize(Decimal('0.01'))}",
        "contact": contact, "ip": ip, "status": "pending_payment", "risk": risk,
        "created_at": now, "expires_at": now + ctx.cfg.wall(ctx.cfg.order_expiry_s),
        "paid_at": None, "delivered_at": None, "trade_no": None, "updated_at": now,
    }
    raw.run(conn, _INSERT_RAW, [row[c] for c in _COLS])
    return row


def get(conn: Connection, order_no: str) -> dict[str, Any] | None:
    return raw.one(conn, _GET_RAW, (order_no,))


def set_status(conn: Connection, order_no: str, old: str | tuple[str, ...], new: str, now: float,
               **values: Any) -> bool:
    """CAS the order from `old` to `new`; False when someone else moved it first."""
    olds = (old,) if isinstance(old, str) else old
    sets = "".join(f", {k} = ?" for k in values if k in _COLS)  # column names only
    if len(values) != sets.count("?"):
        raise ValueError(f"unknown order columns in {sorted(values)}")
    sql = (f"UPDATE orders SET status = ?, updated_at = ?{sets} WHERE order_no = ? "
           f"AND status IN ({raw.marks(len(olds))})")
    return int(raw.run(conn, sql, [new, now, *values.values(), order_no, *olds]).rowcount) == 1


def expire_due(conn: Connection, now: float, limit: int = 500, *, keep_keys: bool = False,
               one_key: bool = False, paid_too: bool = False) -> int:
    """pending_payment past expires_at → expired, reservation released (keep_keys: the bug
    zoo's expired-keys-kept, the reservation is never given back)."""
    due = [r[0] for r in conn.execute(
        select(orders.c.order_no)
        .where(orders.c.status.in_(D.SWEPT) if paid_too else  # bug zoo: expiry-sweeps-paid
               orders.c.status == "pending_payment", orders.c.expires_at <= now)
        .limit(limit))]
    n = 0
    for order_no in due:
        if set_status(conn, order_no, D.SWEPT if paid_too else "pending_payment", "expired", now):
            if one_key:  # bug zoo (release-one-key): one reserved key given back
                D.release_one(conn, order_no, now)
            elif not keep_keys:
                stock.release(conn, order_no, now)
            n += 1
    return n


def listing(conn: Connection, status: str | None, older_than: float | None, now: float,
            limit: int) -> list[dict[str, Any]]:
    cond = []
    if status:
        cond.append(orders.c.status == status)
    if older_than is not None:
        cond.append(orders.c.created_at <= now - older_than)
    q = select(orders).where(and_(True, *cond)).order_by(orders.c.created_at).limit(limit)
    return [public(dict(r._mapping)) for r in conn.execute(q)]


def public(o: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in o.items() if k not in ("token",)}
