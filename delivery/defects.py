"""The bug zoo's defect flags (CONTRACTS §6), as tiny predicates.

Each flag reproduces one real-world bug. The correct code path asks
`defects.on(NAME)` at the one place the bug lives; nothing else changes.
Flags are honoured only with FAKA_DRILL_ALLOW_DEFECTS=1 (checked in config).
"""

from __future__ import annotations

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
