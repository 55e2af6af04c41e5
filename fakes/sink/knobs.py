"""The sink's behaviour switches."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from fakes._common import Knob

KNOBS: Mapping[str, Knob] = MappingProxyType({
    "throttle": Knob(False, "bool", "enforce the robots' per-minute limit"),
    "throttle_per_min": Knob(20, "int", "messages a minute per robot (token/key/chat)",
                             minimum=1, maximum=100_000),
    "dingtalk_penalty_s": Knob(600.0, "float", "DingTalk mutes an over-limit robot this long "
                               "(scenario s); 0 = plain sliding window", maximum=86_400.0),
    "error_rate": Knob(0.0, "prob", "answer 502 (nginx page) instead of accepting a message "
                       "over HTTP"),
    "smtp_greylist": Knob(False, "bool", "SMTP: refuse a sender's first attempt with 451 4.7.1 "
                          "at MAIL FROM (greylisting); its retry passes"),
    "smtp_greylist_s": Knob(0.0, "float", "SMTP: a greylisted sender's retry passes only this "
                            "long after the first attempt (scenario s)", maximum=86_400.0),
    "smtp_reject": Knob(0.0, "prob", "SMTP: refuse a mail with 554 5.7.1 after DATA "
                        "(permanent failure, nothing delivered)"),
    "smtp_data_delay_s": Knob(0.0, "float", "SMTP: wait this long before answering the end of "
                              "DATA (scenario s; a slow relay)", maximum=3600.0),
})
