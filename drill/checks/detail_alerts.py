"""The sentences of the per-channel alert judgement (drill.checks.alert_channels), zh + en.

Part of the one catalogue drill.checks.detail_text.TEXTS; see there.
"""

from __future__ import annotations

from drill.i18n import Text as T

__all__ = ["CHANNELS"]

CHANNELS: dict[str, T] = {
    "messages.channel_silent": T("告警 {rule}：{n} 条已在某个渠道送达的告警没有送达 {to}"
                                 "（首条 {first:.3f}），商城配置了这些渠道",
                                 "alert {rule}: {n} alert(s) that landed on one channel never "
                                 "landed on {to} (first at {first:.3f}), channels the shop "
                                 "is configured to post to"),
    "messages.channel_late": T("预期的告警 {rule} 在时限 {limit:g} 秒内没有送达 {to}",
                               "expected alert {rule} did not land on {to} within the "
                               "{limit:g} s deadline"),
}
