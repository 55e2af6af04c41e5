"""The 易支付 (epay) wire rules: MD5 signing, notify fields, retry schedules.

Kept free of I/O so the signature can be checked against fixed test vectors
and reused by anything that must speak epay (tests, the delivery service).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PAY_TYPES = ("alipay", "wxpay", "qqpay", "bank", "jdpay", "usdt")

# Gaps (scenario seconds) between consecutive notify attempts after a failed one; the
# notifier anchors them on the first attempt (attempt k+1 is due at sum(gaps[:k])).
SCHEDULES: dict[str, list[float]] = {
    # BEpusdt (app/task/notify.go, utils.CalcNextNotifyTime): after the n-th failed notify
    # the next is due at confirmedAt + 2^n minutes, while n <= notify_max_retry (10):
    # attempts at +0, 2, 4, 8, ..., 1024 min, 11 in all.
    "epay": [120.0] + [60.0 * 2**n for n in range(1, 10)],
    # Alipay: 8 notifies within 25 h.
    "alipay": [240, 600, 600, 3600, 7200, 21600, 54000],
    # WeChat Pay v3: 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h.
    "wechat": [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600,
               10800, 10800, 10800, 21600, 21600],
}


def sign_string(params: Mapping[str, object]) -> str:
    """Sorted non-empty ``k=v`` pairs joined by ``&``, without sign and sign_type."""
    pairs = [
        f"{k}={params[k]}"
        for k in sorted(params)
        if k not in ("sign", "sign_type") and params[k] is not None and str(params[k]) != ""
    ]
    return "&".join(pairs)


def sign(params: Mapping[str, object], key: str) -> str:
    """epay MD5: ``md5(sign_string(params) + KEY)`` as lowercase hex."""
    return hashlib.md5((sign_string(params) + key).encode("utf-8")).hexdigest()


def verify(params: Mapping[str, object], key: str) -> bool:
    given = str(params.get("sign") or "").lower()
    return bool(given) and given == sign(params, key)


def parse_money(raw: object) -> Decimal | None:
    """A positive amount with at most 2 decimals, or None."""
    text = str(raw)
    if len(text) > 32:
        return None
    try:
        value = Decimal(text)
        if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
            return None
    except (InvalidOperation, ValueError):  # e.g. 1e999999 cannot be quantized
        return None
    return value


def money_str(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
