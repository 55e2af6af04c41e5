"""The sink's behaviour switches."""

from __future__ import annotations

from fakes._common import Knob

KNOBS: dict[str, Knob] = {
    "throttle": Knob(False, "bool", "enforce the robots' per-minute limit"),
    "throttle_per_min": Knob(20, "int", "messages a minute per robot (token/key/chat)", minimum=1),
    "dingtalk_penalty_s": Knob(600.0, "float", "DingTalk mutes an over-limit robot this long "
                               "(scenario s); 0 = plain sliding window"),
    "error_rate": Knob(0.0, "prob", "answer 502 (nginx page) instead of accepting a message"),
}
