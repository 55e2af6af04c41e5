"""`harness.py gameday`: usage errors exit 2 with a message naming the fix, before anything
starts (the real exercise is in test_bots.py and test_browser.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from drill.cli import dispatch

ROOT = Path(__file__).resolve().parents[3]


def _harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("harness", ROOT / "harness.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HARNESS = _harness()


def gameday(*args: str) -> int:
    return int(dispatch(HARNESS.build_parser().parse_args(["gameday", *args])))


@pytest.mark.parametrize(("args", "says"), [
    (("gameday", "--incident", "meteor"), "--incident 'meteor' is not in the pool; known:"),
    (("gameday", "--incident", "db-slow"), "needs the shop on postgresql"),
    (("smoke",), "has no [gameday] table"),
    (("gameday", "--speed", "0"), "--speed 0 must be > 0"),
    (("gameday", "--target", "kamifaka", "--target-url", "http://127.0.0.1:9"),
     "only --target reference --target-url URL"),
    (("gameday", "--target-url", "http://127.0.0.1:9", "--incident", "worker-stalled"),
     "breaks the shop's own processes or config"),
    (("gameday", "--target-url", "http://127.0.0.1:9", "--incident", "risk-review"),
     "supplier-down, stock-out, notify-failing"),
])
def test_usage_errors_exit_2_and_say_why(args: tuple[str, ...], says: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert gameday(*args, "--out", str(tmp_path)) == 2
    assert says in capsys.readouterr().err
    assert not list(tmp_path.iterdir()), "nothing may start on a usage error"


def test_help_names_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        gameday("--help")
    assert done.value.code == 0
    out = capsys.readouterr().out
    for option in ("--speed", "--incident", "--board-port", "--bot", "--no-audit", "--lang"):
        assert option in out
