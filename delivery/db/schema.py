"""Tables. Dialect-neutral SQLAlchemy Core; unique constraints carry the idempotency.

`dedupe` columns hold the natural key (trade_no, order_no, rule+window).
Only the bug zoo writes anything else there, to let duplicates through.
Times are `Double` (MySQL's plain FLOAT is 4 bytes: an epoch would lose its
seconds); on MariaDB/MySQL every table is utf8mb4 with a binary collation, so
codes and keys compare case- and accent-sensitively as on PostgreSQL and SQLite
(the default collation takes `abc`, `ABC` and `abç` for one unique value).
`utf8mb4_bin` still pads: a trailing space is ignored in comparisons (codes are
stored trimmed; MariaDB's `utf8mb4_nopad_bin` has no MySQL 8 twin of that name).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    Double,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()
# MariaDB/MySQL table options (other dialects ignore them)
MYSQL: dict[str, Any] = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin"}

orders = Table(
    "orders", metadata,
    Column("order_no", String(40), primary_key=True),
    Column("token", String(64), nullable=False),
    Column("product_id", String(64), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("amount", String(20), nullable=False),
    Column("contact", String(200), nullable=False),
    Column("ip", String(64), nullable=False, default=""),
    Column("status", String(20), nullable=False),
    Column("risk", String(20), nullable=False, default="ok"),  # ok | hold | post_review | blocked
    Column("created_at", Double, nullable=False),
    Column("expires_at", Double, nullable=False),
    Column("paid_at", Double),
    Column("delivered_at", Double),
    Column("trade_no", String(64)),
    Column("updated_at", Double, nullable=False),
    **MYSQL,
)
Index("ix_orders_status_created", orders.c.status, orders.c.created_at)
Index("ix_orders_status_paid", orders.c.status, orders.c.paid_at)
Index("ix_orders_contact_paid", orders.c.contact, orders.c.paid_at)  # payment-time velocity

card_keys = Table(
    "card_keys", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("product_id", String(64), nullable=False),
    Column("code", String(200), nullable=False, unique=True),
    Column("status", String(12), nullable=False),  # available | reserved | delivered
    Column("order_no", String(40)),
    Column("updated_at", Double, nullable=False),
    **MYSQL,
)
Index("ix_keys_product_status", card_keys.c.product_id, card_keys.c.status, card_keys.c.id)
Index("ix_keys_order", card_keys.c.order_no)

stock_counts = Table(  # available keys per product in shards, kept by triggers (db/counts.py)
    "stock_counts", metadata,
    Column("product_id", String(64), primary_key=True),
    Column("shard", Integer, primary_key=True, autoincrement=False),
    Column("available", Integer, nullable=False),
    **MYSQL,
)

payments = Table(
    "payments", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("trade_no", String(64), nullable=False),
    Column("dedupe", String(100), nullable=False, unique=True),
    Column("order_no", String(40), nullable=False),
    Column("amount", String(20), nullable=False),
    Column("received_at", Double, nullable=False),
    **MYSQL,
)

jobs = Table(  # the transactional outbox: deliveries, alert posts, buyer mails, refunds
    "jobs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(12), nullable=False),  # deliver | alert | mail | refund
    Column("dedupe", String(120), nullable=False, unique=True),
    Column("order_no", String(40)),
    Column("payload", Text, nullable=False, default="{}"),
    Column("state", String(10), nullable=False),  # pending | leased | done | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("due_at", Double, nullable=False),
    Column("lease_until", Double),
    Column("claimed_by", String(64)),
    Column("created_at", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
    **MYSQL,
)
Index("ix_jobs_kind_state_due", jobs.c.kind, jobs.c.state, jobs.c.due_at)

deliveries = Table(
    "deliveries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_no", String(40), nullable=False),
    Column("dedupe", String(80), nullable=False, unique=True),
    Column("codes", Text, nullable=False),  # JSON list
    Column("source", String(10), nullable=False),  # local | primary | backup | manual
    Column("created_at", Double, nullable=False),
    **MYSQL,
)
Index("ix_deliveries_order", deliveries.c.order_no)

supplier_calls = Table(
    "supplier_calls", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_no", String(40)),
    Column("supplier", String(20), nullable=False),
    Column("endpoint", String(200), nullable=False),
    Column("idempotency_key", String(80)),
    Column("attempt", Integer, nullable=False),
    Column("status", Integer),
    Column("outcome", String(20), nullable=False),
    Column("latency_ms", Double, nullable=False),
    Column("error", Text),
    Column("at", Double, nullable=False),
    **MYSQL,
)
Index("ix_calls_at", supplier_calls.c.at)
Index("ix_calls_order", supplier_calls.c.order_no)

alerts = Table(
    "alerts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("rule", String(40), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("message", Text, nullable=False),
    Column("window_start", Double, nullable=False),
    Column("at", Double, nullable=False),
    Column("channels", Text, nullable=False),
    UniqueConstraint("rule", "window_start", name="uq_alert_rule_window"),
    **MYSQL,
)

notices = Table(
    "notices", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_no", String(40), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("at", Double, nullable=False),
    UniqueConstraint("order_no", "kind", name="uq_notice_order_kind"),
    **MYSQL,
)

anomalies = Table(
    "anomalies", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(30), nullable=False),  # bad_sign | amount_mismatch | unknown_order | ...
    Column("order_no", String(40)),
    Column("detail", Text, nullable=False),
    Column("at", Double, nullable=False),
    **MYSQL,
)
Index("ix_anomalies_at", anomalies.c.at)

audit_log = Table(  # the back office's operator actions (who, when, what, which order, outcome)
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Double, nullable=False),
    Column("operator", String(64), nullable=False),
    Column("action", String(24), nullable=False),
    Column("order_no", String(40)),
    Column("outcome", String(12), nullable=False),  # done | noop | refused
    Column("detail", Text, nullable=False),  # JSON object
    **MYSQL,
)
Index("ix_audit_at", audit_log.c.at)
