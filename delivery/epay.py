"""epay (易支付) signing: md5(sorted non-empty k=v joined by & (no sign/sign_type) + KEY)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping


def sign(params: Mapping[str, str], key: str) -> str:
    items = sorted((k, str(v)) for k, v in params.items()
                   if k not in ("sign", "sign_type") and v is not None and str(v) != "")
    raw = "&".join(f"{k}={v}" for k, v in items) + key
    return hashlib.md5(raw.encode("utf-8")).hexdigest()


def verify(params: Mapping[str, str], key: str) -> bool:
    """Constant-time check; any text (non-ASCII too) is compared as UTF-8 bytes."""
    given = str(params.get("sign", "")).lower()
    return bool(given) and hmac.compare_digest(given.encode("utf-8", "replace"),
                                               sign(params, key).encode())
