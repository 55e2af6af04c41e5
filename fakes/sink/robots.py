"""Robot wire rules: DingTalk signing, message text extraction, per-robot throttling.

DingTalk's optional security signature is
``sign = urlencode(base64(hmac_sha256(secret, f"{timestamp_ms}\\n{secret}")))``.
Throttling follows the real robots: 20 messages a minute per robot; a DingTalk
robot that exceeds it stays muted for ``throttle_penalty_s`` (10 min). The
minute and the penalty are scenario time (divided by time_scale).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import urllib.parse
from collections import deque
from typing import Any


def dingtalk_sign(secret: str, timestamp_ms: int | str) -> str:
    """The ``sign`` query value (already URL-encoded), as DingTalk's docs compute it."""
    msg = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), msg, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def dingtalk_sign_ok(secret: str, timestamp_ms: str, sign: str) -> bool:
    """Compare with the *decoded* sign (frameworks URL-decode query values)."""
    expected = urllib.parse.unquote_plus(dingtalk_sign(secret, timestamp_ms))
    return hmac.compare_digest(expected, sign)


def robot_text(body: Any) -> tuple[str | None, str | None]:
    """(msgtype, text) of a DingTalk/WeCom robot body; text None when missing."""
    if not isinstance(body, dict):
        return None, None
    msgtype = body.get("msgtype")
    part = body.get(msgtype) if isinstance(msgtype, str) else None
    if not isinstance(part, dict):
        return msgtype if isinstance(msgtype, str) else None, None
    if msgtype == "markdown":
        text = part.get("text", part.get("content"))
        title = part.get("title")
        if isinstance(title, str) and isinstance(text, str):
            text = f"{title}\n{text}"
    else:
        text = part.get("content")
    return msgtype, text if isinstance(text, str) and text else None


class Throttle:
    """Sliding one-minute window of accepted messages per robot, plus optional mute."""

    def __init__(self) -> None:
        self.sent: dict[str, deque[float]] = {}
        self.muted_until: dict[str, float] = {}

    def clear(self) -> None:
        self.sent.clear()
        self.muted_until.clear()

    def admit(self, robot: str, now: float, per_min: int, minute_wall: float,
              penalty_wall: float) -> float | None:
        """None if the message may pass (and count it); else wall seconds until it could."""
        until = self.muted_until.get(robot, 0.0)
        if now < until:
            return until - now
        window = self.sent.setdefault(robot, deque())
        while window and window[0] <= now - minute_wall:
            window.popleft()
        if len(window) >= per_min:
            if penalty_wall > 0:
                self.muted_until[robot] = now + penalty_wall
                return penalty_wall
            return window[0] + minute_wall - now
        window.append(now)
        return None


def retry_after_scenario_s(wait_wall: float, time_scale: float) -> int:
    return max(1, math.ceil(wait_wall * time_scale))
