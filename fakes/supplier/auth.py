"""dujiao-next open-API request signing (HMAC-SHA256 over method, path, timestamp, body MD5).

``Dujiao-Next-Signature = hex(hmac_sha256(secret, METHOD\\nPATH\\nTS\\nmd5hex(body)))``,
the timestamp in Unix seconds within ±60 s of the server's clock. PATH excludes
the query string. Pure functions, so tests and clients can sign with the same code.
Header values may carry any bytes (servers decode them as latin-1), so they are
compared as bytes: a non-ASCII header is a 401, not a crash.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

HEADER_KEY = "Dujiao-Next-Api-Key"
HEADER_TS = "Dujiao-Next-Timestamp"
HEADER_SIG = "Dujiao-Next-Signature"
MAX_SKEW_S = 60
MAX_TS_CHARS = 12


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison that accepts any characters (compare_digest refuses
    non-ASCII str)."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"),
                               expected.encode("utf-8", "surrogatepass"))


def signature(secret: str, method: str, path: str, ts: str, body: bytes) -> str:
    message = f"{method.upper()}\n{path}\n{ts}\n{hashlib.md5(body).hexdigest()}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def sign_headers(api_key: str, secret: str, method: str, path: str, body: bytes = b"",
                 ts: int | None = None) -> dict[str, str]:
    """Headers a client sends; used by tests, the bench and any Python client."""
    stamp = str(int(time.time()) if ts is None else ts)
    return {HEADER_KEY: api_key, HEADER_TS: stamp,
            HEADER_SIG: signature(secret, method, path, stamp, body)}


def check(headers: Mapping[str, str], api_key: str, secret: str, method: str, path: str,
          body: bytes, now: float | None = None) -> str | None:
    """None when the request is authentic, else the reason (for a 401 error_message)."""
    key, ts, sig = headers.get(HEADER_KEY), headers.get(HEADER_TS), headers.get(HEADER_SIG)
    if not key or not ts or not sig:
        return f"missing auth headers {HEADER_KEY}, {HEADER_TS}, {HEADER_SIG}"
    if not _same(key, api_key):
        return "unknown api key"
    if not (ts.isascii() and ts.isdigit()) or len(ts) > MAX_TS_CHARS:
        return f"{HEADER_TS} {ts[:40]!r} is not Unix seconds"
    stamp = int(ts)
    now = time.time() if now is None else now
    if abs(now - stamp) > MAX_SKEW_S:
        return f"{HEADER_TS} {stamp} is more than {MAX_SKEW_S}s from server time {int(now)}"
    if not _same(sig.lower(), signature(secret, method, path, ts, body)):
        return "signature mismatch"
    return None
