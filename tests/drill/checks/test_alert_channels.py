"""messages, per channel: every alert lands on every IM channel the shop was configured with."""

from drill.checks import CheckSpec, Verdict, messages
from drill.checks.alert_channels import configured, delivered_texts
from drill.checks.alert_posts import posts
from tests.drill.checks.literal import fault
from tests.drill.checks.ops import sources

THREE = ("dingtalk", "telegram", "wecom")
FAULTS = [fault(10.0, "inject", "worker-1"), fault(16.0, "heal", "worker-1")]
SPEC = CheckSpec(expect_alerts=("stuck_paid_orders",), alert_within_s=6.0, alert_channels=THREE)
COLLECT = {"phases": [{"name": "collect", "start": 60.0}]}  # the sink was read at 60.0


def post(channel: str, at: float, text: str = "7 paid orders undelivered",
         throttled: bool = False) -> dict:
    return {"channel": channel, "robot": "drill", "msgtype": "text", "at": at,
            "text": f"[faka-alert] rule=stuck_paid_orders severity=critical\n{text}",
            "throttled": throttled}


def judge(msgs: list, spec: CheckSpec = SPEC) -> Verdict:
    return messages.check(sources(messages=msgs, faults=FAULTS, meta=COLLECT), spec)


def test_an_alert_on_every_configured_channel_passes() -> None:
    msgs = [post(ch, 12.0 + i * 0.1) for i, ch in enumerate(THREE)]
    msgs += [post(ch, 30.0, "9 paid orders undelivered") for ch in THREE]
    v = judge(msgs)
    assert v.counts["alert_problems"] == 0, v.detail


def test_an_alert_on_the_first_channel_only_fails_naming_the_silent_ones() -> None:
    v = judge([post("dingtalk", 12.0), post("dingtalk", 30.0, "9 paid orders undelivered")])
    assert v.ok is False
    assert "2 alert(s) that landed on one channel never landed on telegram (2), wecom (2)" \
        in v.detail
    assert "did not land on telegram, wecom within the 6 s deadline" in v.detail


def test_a_channel_that_drops_a_repeat_of_the_same_text_fails() -> None:
    msgs = [post(ch, 12.0) for ch in THREE] + [post(ch, 30.0) for ch in THREE[:2]]
    v = judge(msgs)
    assert v.ok is False and "never landed on wecom (1)" in v.detail


def test_a_channel_reached_only_after_the_deadline_is_late() -> None:
    msgs = [post("dingtalk", 12.0), post("telegram", 12.1), post("wecom", 12.1, throttled=True),
            post("wecom", 15.0)]  # refused, accepted 5 s after the fault: in time
    assert judge(msgs).counts["alert_problems"] == 0
    late = [post("dingtalk", 12.0), post("telegram", 12.1), post("wecom", 19.0, "other text"),
            post("dingtalk", 19.0, "other text"), post("telegram", 19.0, "other text")]
    v = judge(late)
    assert v.ok is False and "did not land on wecom (9.00 s) within" in v.detail


def test_an_alert_posted_as_the_sink_was_read_is_not_owed_yet() -> None:
    msgs = [post(ch, 12.0) for ch in THREE] + [post("dingtalk", 59.0, "at the end")]
    assert judge(msgs).counts["alert_problems"] == 0
    early = [post(ch, 12.0) for ch in THREE] + [post("dingtalk", 50.0, "at the end")]
    assert judge(early).ok is False


def test_without_configured_channels_the_sink_s_own_are_owed() -> None:
    msgs = [post("dingtalk", 12.0), post("telegram", 12.0)]
    old = CheckSpec(expect_alerts=("stuck_paid_orders",), alert_within_s=6.0)
    src = sources(messages=msgs, faults=FAULTS, meta=COLLECT)
    assert configured(src, old) == ("dingtalk", "telegram")
    assert judge(msgs, old).counts["alert_problems"] == 0
    assert judge(msgs).ok is False  # wecom configured, never posted to


def test_delivered_texts_counts_a_retried_post_once_at_its_first_try() -> None:
    msgs = [post("wecom", 12.0, throttled=True), post("wecom", 13.0, throttled=True),
            post("wecom", 14.0)]
    got = delivered_texts(posts(sources(messages=msgs)))
    assert list(got.values()) == [{"wecom": [12.0]}]
