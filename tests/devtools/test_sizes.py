"""The size gate of `harness.py test`: functions over 60 lines and modules over 300 are found."""

from __future__ import annotations

from pathlib import Path

from devtools import sizes
from devtools.gates import gates


def _function(name: str, body_lines: int) -> str:
    return f"def {name}() -> None:\n" + "    x = 1\n" * (body_lines - 1)


def test_long_function_and_long_module_are_findings(tmp_path: Path) -> None:
    ok = tmp_path / "ok.py"
    ok.write_text(_function("short", 60))
    long_fn = tmp_path / "long_fn.py"
    long_fn.write_text("\n" + _function("too_long", 61))
    long_mod = tmp_path / "long_mod.py"
    long_mod.write_text("x = 1\n" * 301)
    assert sizes.findings(ok) == []
    assert sizes.findings(long_fn) == [
        f"{long_fn}:2: function too_long has 61 lines (limit 60); split it"]
    assert sizes.findings(long_mod) == [
        f"{long_mod}:1: module has 301 lines, over the limit (300); split it"]
    assert sizes.main([str(tmp_path)]) == 1 and sizes.main([str(ok)]) == 0


def test_the_test_command_runs_ruff_mypy_and_sizes() -> None:
    assert [name for name, _ in gates()] == ["ruff", "mypy", "sizes"]
    assert sizes.check([Path("drill"), Path("harness.py")]) == [], "drill must stay in size"
