"""What the sink remembers: behaviour, ledgers, robot throttles, SMTP greylist."""

from __future__ import annotations

from typing import Any

from fakes._common import Behaviour, Clock, Ledger, LoopClock, Streams
from fakes.sink.knobs import KNOBS
from fakes.sink.robots import Throttle

LEDGER_KINDS = ("messages", "mails", "smtp_refusals")


class SinkState:
    def __init__(self, seed: int, time_scale: float, startup: dict[str, Any],
                 dingtalk_secret: str | None = None, dingtalk_keyword: str | None = None,
                 clock: Clock | None = None) -> None:
        self.time_scale = time_scale
        self.dingtalk_secret = dingtalk_secret
        self.dingtalk_keyword = dingtalk_keyword
        self.clock: Clock = clock if clock is not None else LoopClock()
        self.behaviour = Behaviour(KNOBS, startup)
        self.ledger = Ledger(*LEDGER_KINDS)
        self.rng = Streams(seed)
        self.throttle = Throttle()
        self.message_id = 0
        self.greylist: dict[str, float] = {}  # sender -> when its first attempt was refused
        self.passed_greylist: set[str] = set()

    def reset(self) -> None:
        self.behaviour.reset()
        self.ledger.clear()
        self.rng.reset()
        self.throttle.clear()
        self.message_id = 0
        self.greylist.clear()
        self.passed_greylist.clear()

    def stats(self) -> dict[str, Any]:
        throttled = sum(1 for m in self.ledger.items("messages") if m["throttled"])
        smtp = sum(1 for m in self.ledger.items("mails") if m.get("via") == "smtp")
        return {"throttled": throttled, "smtp_mails": smtp}

    def wall(self, scenario_s: float) -> float:
        return scenario_s / self.time_scale

    def gate(self, channel: str, robot: str) -> float | None:
        """None when the message passes; else wall seconds to wait (throttled)."""
        b = self.behaviour
        if not b["throttle"]:
            return None
        penalty = self.wall(b["dingtalk_penalty_s"]) if channel == "dingtalk" else 0.0
        return self.throttle.admit(f"{channel}:{robot}", self.clock.now(), b["throttle_per_min"],
                                   self.wall(60.0), penalty)

    def broken(self) -> bool:
        """The sink's web front is down for this request (the error_rate knob)."""
        return self.rng.chance("errors", self.behaviour["error_rate"])

    def record(self, channel: str, robot: str, text: str, msgtype: str | None,
               throttled: bool) -> None:
        self.ledger.add("messages", {"channel": channel, "robot": robot, "text": text,
                                     "msgtype": msgtype, "at": self.clock.now(),
                                     "throttled": throttled})

    def greylisted(self, sender: str) -> bool:
        """True when this attempt from `sender` must get a 4xx (greylisting on).

        A sender's first attempt is refused; a retry at least ``smtp_greylist_s``
        (scenario s) later passes, and the sender is let through from then on.
        """
        if not self.behaviour["smtp_greylist"] or sender in self.passed_greylist:
            return False
        now = self.clock.now()
        first = self.greylist.get(sender)
        if first is None:
            self.greylist[sender] = now
            return True
        if now - first >= self.wall(self.behaviour["smtp_greylist_s"]):
            self.passed_greylist.add(sender)
            return False
        return True
