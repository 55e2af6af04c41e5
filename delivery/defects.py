"""The bug zoo's defect flags (CONTRACTS §6), as tiny predicates.

Each flag reproduces one real-world bug. The correct code path asks
`defects.on(NAME)` at the one place the bug lives; nothing else changes.
Flags are honoured only with FAKA_DRILL_ALLOW_DEFECTS=1 (checked in config).
"""

from __future__ import annotations

from typing import Any

from delivery.defects_round7 import ROUND7

DUP_NOTIFY_REDELIVER = "dup-notify-redeliver"
NO_KEY_CAS = "no-key-cas"
NO_STOCK_LOCK = "no-stock-lock"
SUPPLIER_NO_IDEMPOTENCY = "supplier-no-idempotency"
REJECT_AFTER_COMMIT_FAILS = "reject-after-commit-fails"
NO_FAILOVER = "no-failover"
RETRY_STORM = "retry-storm"
NO_RECONCILE = "no-reconcile"
ACK_BEFORE_DELIVER = "ack-before-deliver"
MANUAL_NOT_IDEMPOTENT = "manual-not-idempotent"
ALERT_NEVER_FIRES = "alert-never-fires"
ALERT_EVERY_TICK = "alert-every-tick"
NO_DELAY_NOTICE = "no-delay-notice"

ALL_DEFECTS: tuple[str, ...] = (
    DUP_NOTIFY_REDELIVER, NO_KEY_CAS, NO_STOCK_LOCK, SUPPLIER_NO_IDEMPOTENCY,
    REJECT_AFTER_COMMIT_FAILS, NO_FAILOVER, RETRY_STORM, NO_RECONCILE,
    ACK_BEFORE_DELIVER, MANUAL_NOT_IDEMPOTENT, ALERT_NEVER_FIRES, ALERT_EVERY_TICK,
    NO_DELAY_NOTICE,
)

RETRY_STORM_HARD_CAP = 200  # even the storm stops somewhere


class Defects:
    """The enabled set; `on(name)` is the only question the service asks."""

    def __init__(self, names: list[str] | tuple[str, ...] = ()) -> None:
        self._names = frozenset(names)

    def on(self, name: str) -> bool:
        return name in self._names

    @property
    def reserve_at_order(self) -> bool:
        """Correct: lock stock at order time. Broken by no-stock-lock and no-key-cas."""
        return not (self.on(NO_STOCK_LOCK) or self.on(NO_KEY_CAS))

    @property
    def names(self) -> list[str]:
        return sorted(self._names)

# -- issue 11, adversarial gateway and messages (helper "adversarial") --------------------
NOTIFY_IGNORES_AMOUNT = "notify-ignores-amount"
NOTIFY_ALWAYS_SUCCESS = "notify-always-success"
TRADE_NO_NOT_BOUND = "trade-no-not-bound"
DUP_NOTIFY_FAIL = "dup-notify-fail"
ALERT_THROTTLE_IGNORED = "alert-throttle-ignored"
DELAY_NOTICE_FROM_CREATION = "delay-notice-from-creation"
DELAY_NOTICE_REPEATS = "delay-notice-repeats"

ALL_DEFECTS = (*ALL_DEFECTS, NOTIFY_IGNORES_AMOUNT, NOTIFY_ALWAYS_SUCCESS, TRADE_NO_NOT_BOUND,
               DUP_NOTIFY_FAIL, ALERT_THROTTLE_IGNORED, DELAY_NOTICE_FROM_CREATION,
               DELAY_NOTICE_REPEATS)

# -- issue 11, helper supplier-async: suppliers, buyer truth, stock, access --------------
SUPPLIER_QTY_ONE = "supplier-qty-one"
NOT_FOUND_REBUYS = "not-found-rebuys"
NO_FAILBACK = "no-failback"
PARTIAL_AS_DELIVERED = "partial-as-delivered"
CARDS_BY_ORDER_NO = "cards-by-order-no"
EXPIRED_KEYS_KEPT = "expired-keys-kept"
ALL_DEFECTS = (*ALL_DEFECTS, SUPPLIER_QTY_ONE, NOT_FOUND_REBUYS, NO_FAILBACK, PARTIAL_AS_DELIVERED,
               CARDS_BY_ORDER_NO, EXPIRED_KEYS_KEPT)

# -- issue 11, holdout set (helper "holdout"): defects the checks were not built with ----------
# Measured against the drills before registering (docs/zoo-holdout.md); each models a real bug.
NOTIFY_STATUS_UNCHECKED = "notify-status-unchecked"
NOTIFY_UNSIGNED_ACCEPTED = "notify-unsigned-accepted"
AMOUNT_AT_LEAST_PRICE = "amount-at-least-price"
LATE_PAYMENT_DROPPED = "late-payment-dropped"
LOCAL_QTY_ONE = "local-qty-one"
PAID_SHOWN_DELIVERED = "paid-shown-delivered"
SUPPLIER_FAIL_SHOWN_DELIVERED = "supplier-fail-shown-delivered"
CATALOGUE_COUNTS_ALL = "catalogue-counts-all"
DELIVERY_IGNORES_RESERVATION = "delivery-ignores-reservation"
NOTIFY_REPLIES_OK = "notify-replies-ok"
NOTIFY_WAITS_DELIVERY = "notify-waits-delivery"
OUTBOX_GIVES_UP = "outbox-gives-up"
DELAY_NOTICE_NOT_RECHECKED = "delay-notice-not-rechecked"
TIMEOUT_AS_FAILURE = "timeout-as-failure"
TOPUP_BUYS_FULL_QTY = "topup-buys-full-qty"
ADMIN_READS_OPEN = "admin-reads-open"
# added after the first 16 were measured (probing corners the issue text names less loudly)
REVIEW_HOLD_IGNORED = "review-hold-ignored"
MAIL_BATCH_ONE_RECIPIENT = "mail-batch-one-recipient"
STUCK_RULE_COUNTS_DELIVERED = "stuck-rule-counts-delivered"
RECONCILE_CODE_ONLY = "reconcile-code-only"
TOKEN_OF_ANY_ORDER = "token-of-any-order"
SUPPLIERS_SORTED = "suppliers-sorted"
ERROR_ECHOES_ORDER = "error-echoes-order"
DOUBLE_PAYMENT_KEPT = "double-payment-kept"
NOTIFY_GET_ONLY = "notify-get-only"
HOLDOUT: tuple[str, ...] = (
    NOTIFY_STATUS_UNCHECKED, NOTIFY_UNSIGNED_ACCEPTED, AMOUNT_AT_LEAST_PRICE, LATE_PAYMENT_DROPPED,
    LOCAL_QTY_ONE, PAID_SHOWN_DELIVERED, SUPPLIER_FAIL_SHOWN_DELIVERED, CATALOGUE_COUNTS_ALL,
    DELIVERY_IGNORES_RESERVATION, NOTIFY_REPLIES_OK, NOTIFY_WAITS_DELIVERY, OUTBOX_GIVES_UP,
    DELAY_NOTICE_NOT_RECHECKED, TIMEOUT_AS_FAILURE, TOPUP_BUYS_FULL_QTY, ADMIN_READS_OPEN,
    REVIEW_HOLD_IGNORED, MAIL_BATCH_ONE_RECIPIENT, STUCK_RULE_COUNTS_DELIVERED,
    RECONCILE_CODE_ONLY, TOKEN_OF_ANY_ORDER, SUPPLIERS_SORTED, ERROR_ECHOES_ORDER,
    DOUBLE_PAYMENT_KEPT, NOTIFY_GET_ONLY)
ALL_DEFECTS = (*ALL_DEFECTS, *HOLDOUT)

# -- issue 11, round-2 misses closed: bugs whose evidence was in the records, unjudged --------
MAIL_FIRST_CODE = "mail-first-code"
ADMIN_401_ECHOES_TOKEN = "admin-401-echoes-token"
MANUAL_KEEPS_STATUS = "manual-keeps-status"
ALL_DEFECTS = (*ALL_DEFECTS, MAIL_FIRST_CODE, ADMIN_401_ECHOES_TOKEN, MANUAL_KEEPS_STATUS)
OUTBOX_GIVES_UP_AFTER = 2  # dujiaoka's TelegramPush job: tries = 2, then dropped
NOTIFY_WAIT_CAP_S = 30.0  # acg-faka: the upstream purchase inside the callback, 30 s timeout


async def wait_delivered(ctx: Any, order_no: str) -> None:
    """Bug zoo (notify-waits-delivery): the notify reply waits for the order's delivery, as a
    shop that delivers inside the payment callback does (bounded by NOTIFY_WAIT_CAP_S)."""
    import asyncio
    import time

    from delivery.store import orders

    end = time.monotonic() + NOTIFY_WAIT_CAP_S
    while time.monotonic() < end:
        o = await ctx.db.tx(orders.get, order_no)
        if o is None or o["status"] != "paid":
            return
        await asyncio.sleep(0.05)


def token_known(conn: Any, token: str) -> bool:
    """Bug zoo (token-of-any-order): is this the token of *some* order (not necessarily this)?"""
    from delivery.db import raw

    sql = "SELECT order_no FROM orders WHERE token = ? LIMIT 1"
    return raw.one(conn, sql, (token,)) is not None

# -- issue 11, holdout round 3 (helper "holdout3"): written without reading the checks ----------
# Measured against the drills before registering (docs/zoo-holdout.md, Round 3).
NOTIFY_SIGN_PLUS_SPACE = "notify-sign-plus-space"
CATALOGUE_CACHED = "catalogue-cached"
EXPIRY_SWEEP_UTC8 = "expiry-sweep-utc8"
DELAY_NOTICE_WRONG_BUYER = "delay-notice-wrong-buyer"
ALERT_DEDUPE_PER_WINDOW = "alert-dedupe-per-window"
RETRY_DROPS_QUANTITY = "retry-drops-quantity"
BREAKER_HTTP_ONLY = "breaker-http-only"
LATE_NOTIFY_REFUSED = "late-notify-refused"
REFUND_ANY_REPLY_DONE = "refund-any-reply-done"
TOKEN_OPTIONAL = "token-optional"
TOPUP_REUSES_KEY = "topup-reuses-key"
AMOUNT_TOLERANCE = "amount-tolerance"
DELAY_NOTICE_MINUTES = "delay-notice-minutes"
ROUND3: tuple[str, ...] = (
    NOTIFY_SIGN_PLUS_SPACE, CATALOGUE_CACHED, EXPIRY_SWEEP_UTC8, DELAY_NOTICE_WRONG_BUYER,
    ALERT_DEDUPE_PER_WINDOW, RETRY_DROPS_QUANTITY, BREAKER_HTTP_ONLY, LATE_NOTIFY_REFUSED,
    REFUND_ANY_REPLY_DONE, TOKEN_OPTIONAL, TOPUP_REUSES_KEY, AMOUNT_TOLERANCE,
    DELAY_NOTICE_MINUTES)
# added after the first 13 were measured (written, and their drills named, before running)
RISK_UNIT_PRICE = "risk-unit-price"
DELAY_NOTICE_PAID_ONLY = "delay-notice-paid-only"
TOPUP_OVERWRITES_CODES = "topup-overwrites-codes"
ROUND3 = (*ROUND3, RISK_UNIT_PRICE, DELAY_NOTICE_PAID_ONLY, TOPUP_OVERWRITES_CODES)
ALL_DEFECTS = (*ALL_DEFECTS, *ROUND3)
UTC8_S = 8 * 3600.0  # expiry-sweep-utc8: the sweep's clock is Asia/Shanghai, the orders' UTC
CATALOGUE_CACHE_S = 60.0  # catalogue-cached: wall seconds, as a Redis TTL is
TRANSPORT_OUTCOMES = frozenset({"unreachable", "timeout", "error"})  # breaker-http-only
_cache: dict[str, tuple[float, Any]] = {}


def plus_spaces(params: dict[str, str]) -> dict[str, str]:
    """Bug zoo (notify-sign-plus-space): the values re-encoded as http_build_query does
    (space → '+') before signing, so a notify whose `name` has a space never verifies."""
    return {k: v.replace(" ", "+") for k, v in params.items()}


def cached(key: str, fresh: Any) -> Any:
    """Bug zoo (catalogue-cached): the first value seen is served for CATALOGUE_CACHE_S."""
    import time

    at, value = _cache.get(key, (0.0, None))
    if value is None or time.monotonic() - at > CATALOGUE_CACHE_S:
        _cache[key] = (time.monotonic(), fresh)
        return fresh
    return value


def contacts_sorted(rows: Any) -> Any:
    """Bug zoo (delay-notice-wrong-buyer): the contacts fetched by a second `IN (...)` query
    come back in index order and are zipped with the order numbers as if in list order."""
    return list(zip([r[0] for r in rows], sorted(r[1] for r in rows), strict=True))

# -- issue 11, holdout round 4 (helper "holdout4"): written without reading the checks ----------
# Measured against the drills before registering (docs/zoo-holdout.md, Round 4).
REFUND_ORDER_TRADE_NO = "refund-order-trade-no"
LAST_KEY_UNSELLABLE = "last-key-unsellable"
RELEASE_ONE_KEY = "release-one-key"
BREAKER_OPEN_WAITS = "breaker-open-waits"
MAIL_CURSOR_SKIPS_NEXT = "mail-cursor-skips-next"
UNKNOWN_ORDER_ACKED = "unknown-order-acked"
OVERPAY_ACCEPTED = "overpay-accepted"
STATUS_CACHE_NO_TOKEN = "status-cache-no-token"
TOPUP_COUNTS_LAST_PART = "topup-counts-last-part"
HEALTH_COUNTS_ASYNC = "health-counts-async"
REVIVE_NO_DELIVERY_JOB = "revive-no-delivery-job"
# (its delay-notice-paid-only is round 3's, written twice blind: one flag, ROUND3)
ROUND4: tuple[str, ...] = (
    REFUND_ORDER_TRADE_NO, LAST_KEY_UNSELLABLE, RELEASE_ONE_KEY, BREAKER_OPEN_WAITS,
    MAIL_CURSOR_SKIPS_NEXT, UNKNOWN_ORDER_ACKED, OVERPAY_ACCEPTED,
    STATUS_CACHE_NO_TOKEN, TOPUP_COUNTS_LAST_PART, HEALTH_COUNTS_ASYNC, REVIVE_NO_DELIVERY_JOB)
ALL_DEFECTS = (*ALL_DEFECTS, *ROUND4)
ASYNC_OUTCOMES = frozenset({"processing", "not_found"})  # health-counts-async: "errors" now
status_cache: dict[str, dict[str, Any]] = {}  # status-cache-no-token: keyed by the path only


def release_one(conn: Any, order_no: str, now: float) -> None:
    """Bug zoo (release-one-key): the expiry gives back one reserved key (`LIMIT 1`), not all."""
    from delivery.db import raw

    raw.run(conn, "UPDATE card_keys SET status = 'available', order_no = NULL, updated_at = ? "
                  "WHERE id = (SELECT MIN(id) FROM card_keys WHERE order_no = ? "
                  "AND status = 'reserved')", (now, order_no))

# -- issue 11, holdout round 5 (helper "holdout5"): written without reading the checks ----------
# Measured against the drills before registering (docs/zoo-holdout.md, Round 5).
AMOUNT_COMPARED_AS_INT = "amount-compared-as-int"
NOTIFY_PID_UNCHECKED = "notify-pid-unchecked"
EXPIRED_SHOWN_PENDING = "expired-shown-pending"
SOLD_KEYS_STAY_RESERVED = "sold-keys-stay-reserved"
DELIVERY_MAIL_AFTER_DELAY_SKIPPED = "delivery-mail-after-delay-skipped"
LOW_STOCK_COUNTS_RESERVED = "low-stock-counts-reserved"
OUT_OF_STOCK_NO_FAILOVER = "out-of-stock-no-failover"
HALF_OPEN_LETS_ALL = "half-open-lets-all"
WORKER_CONCURRENCY_ONE = "worker-concurrency-one"
ADMIN_TOKEN_PREFIX = "admin-token-prefix"
EXPIRY_SWEEPS_PAID = "expiry-sweeps-paid"
PARTIAL_STATUS_UNKNOWN = "partial-status-unknown"
ROUND5: tuple[str, ...] = (
    AMOUNT_COMPARED_AS_INT, NOTIFY_PID_UNCHECKED, EXPIRED_SHOWN_PENDING, SOLD_KEYS_STAY_RESERVED,
    DELIVERY_MAIL_AFTER_DELAY_SKIPPED, LOW_STOCK_COUNTS_RESERVED, OUT_OF_STOCK_NO_FAILOVER,
    HALF_OPEN_LETS_ALL, WORKER_CONCURRENCY_ONE, ADMIN_TOKEN_PREFIX, EXPIRY_SWEEPS_PAID,
    PARTIAL_STATUS_UNKNOWN)
ALL_DEFECTS = (*ALL_DEFECTS, *ROUND5)
SWEPT = ("pending_payment", "paid")  # expiry-sweeps-paid: the statuses the broken sweep expires


def keys_back_to_reserved(conn: Any, order_no: str, now: float) -> None:
    """Bug zoo (sold-keys-stay-reserved): the delivered keys of the order stay `reserved`, the
    lock of 下单即锁定库存 never lifted (the keys are shown to the buyer all the same)."""
    from delivery.db import raw

    raw.run(conn, "UPDATE card_keys SET status = 'reserved', updated_at = ? "
                  "WHERE order_no = ? AND status = 'delivered'", (now, order_no))


def token_prefix(request: Any, token: str) -> bool:
    """Bug zoo (admin-token-prefix): `strncmp(given, token, strlen(given))`, tinyproxy #160: any
    prefix of the admin token passes, the empty one (`Authorization: Bearer `) too."""
    auth = str(request.headers.get("authorization", ""))
    return auth.lower().startswith("bearer ") and token.startswith(auth[7:])

# -- issue 11, holdout round 6 (helper "holdout6"): written without reading the checks ----------
# Measured against the drills before registering (docs/zoo-holdout.md, Round 6); helpers in
# delivery/defects_round6.py.
NOTIFY_ERROR_ACKED = "notify-error-acked"
KEYS_OF_ANY_PRODUCT = "keys-of-any-product"
PAID_RELEASES_RESERVATION = "paid-releases-reservation"
CRASHED_LEASES_NEVER_RECLAIMED = "crashed-leases-never-reclaimed"
LEASE_NO_HEARTBEAT = "lease-no-heartbeat"
BREAKER_SHARED = "breaker-shared"
SUPPLIER_TIMEOUT_IN_MS = "supplier-timeout-in-ms"
ALERT_FIRST_CHANNEL_ONLY = "alert-first-channel-only"
DELAY_NOTICE_ONE_PER_PASS = "delay-notice-one-per-pass"
RESERVED_CODES_SHOWN = "reserved-codes-shown"
MANUAL_CODES_NOT_SHOWN = "manual-codes-not-shown"
MONITOR_DIES_ON_ERROR = "monitor-dies-on-error"
ROUND6: tuple[str, ...] = (
    NOTIFY_ERROR_ACKED, KEYS_OF_ANY_PRODUCT, PAID_RELEASES_RESERVATION,
    CRASHED_LEASES_NEVER_RECLAIMED, LEASE_NO_HEARTBEAT, BREAKER_SHARED, SUPPLIER_TIMEOUT_IN_MS,
    ALERT_FIRST_CHANNEL_ONLY, DELAY_NOTICE_ONE_PER_PASS, RESERVED_CODES_SHOWN,
    MANUAL_CODES_NOT_SHOWN, MONITOR_DIES_ON_ERROR)
ALL_DEFECTS = (*ALL_DEFECTS, *ROUND6)
ALL_DEFECTS = (*ALL_DEFECTS, *ROUND7)  # issue 11, round 7 (helper holdout7): defects_round7.py
