"""Events keep recording and display apart; the plain progress prints one line a phase."""

from __future__ import annotations

import pytest

from drill.console import Progress
from drill.events import EventHook, Events
from drill.faults.plan import FaultStep


def test_a_failing_listener_does_not_stop_the_others(caplog: pytest.LogCaptureFixture) -> None:
    hook, seen = EventHook("x"), []

    def broken(**_: object) -> None:
        raise RuntimeError("boom")

    hook.add_listener(broken)
    hook.add_listener(lambda **kw: seen.append(kw))
    hook.fire(a=1)
    assert seen == [{"a": 1}] and "boom" in caplog.text


def test_plain_progress_prints_phases_and_faults(capsys: pytest.CaptureFixture[str]) -> None:
    events = Events()
    Progress(events, planned_s=20, title="t", fancy=False)
    events.phase_changed.fire(name="load", at=0.0)
    events.fault_applied.fire(step=FaultStep(1, "inject", 0, "down", "im"), at=1.0, ok=True,
                              error=None)
    err = capsys.readouterr().err
    assert "phase load" in err and "fault inject f0-down-im ok" in err


def test_plain_progress_speaks_chinese_and_the_panel_too(capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    events = Events()
    progress = Progress(events, planned_s=20, title="冒烟", fancy=False, lang="zh")
    events.phase_changed.fire(name="load", at=0.0)
    events.fault_applied.fire(step=FaultStep(1, "inject", 0, "down", "im"), at=1.0, ok=False,
                              error="timeout")
    events.stopping.fire(reason="SIGINT during load", at=2.0)
    err = capsys.readouterr().err
    assert "阶段 压测" in err and "故障 注入 f0-down-im 失败：timeout" in err
    assert "正在停止：SIGINT during load" in err
    from rich.console import Console

    console = Console(record=True, width=80)
    console.print(progress.render())
    panel = console.export_text()
    assert "阶段" in panel and "压测" in panel and "订单/秒" in panel and "故障" in panel
