"""The `command` fault runs the user's shell commands for real: heal, timeout, captured output."""

from __future__ import annotations

from pathlib import Path

import psutil
import pytest

from drill.errors import FaultError
from drill.faults.command import CommandFault, heal, inject, run_command


def test_inject_and_heal_run_and_their_output_is_captured(tmp_path: Path) -> None:
    flag = tmp_path / "shop-down"
    fault = CommandFault(command=f"touch {flag} && echo stopping shop && echo warn >&2",
                         heal=f"rm {flag} && echo shop started")
    broke = inject(fault, tmp_path / "faults", name="fault-0")
    assert broke.ok and broke.exit_code == 0 and flag.exists()
    assert broke.stdout_path.read_text() == "stopping shop\n"
    assert broke.stderr_path.read_text() == "warn\n"
    healed = heal(fault, tmp_path / "faults", name="fault-0")
    assert healed.ok and not flag.exists()
    assert healed.stdout_path == tmp_path / "faults" / "fault-0-heal.stdout"
    assert healed.stdout_path.read_text() == "shop started\n"


def test_non_zero_exit_is_an_error_naming_the_command(tmp_path: Path) -> None:
    result = run_command("heal", "echo no such unit >&2; exit 5", 10, tmp_path)
    assert result.exit_code == 5 and not result.ok
    assert result.error is not None
    assert "heal command 'echo no such unit >&2; exit 5' exited with code 5: no such unit" \
        in result.error
    assert str(tmp_path / "command-heal") in result.error


def test_timeout_kills_the_command_and_what_it_started(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    result = run_command("inject", f"sleep 60 & echo $! > {pid_file}; wait", 0.5, tmp_path)
    assert result.exit_code is None and result.error is not None
    assert "inject command" in result.error and "timed out after 0.5 s and was killed" \
        in result.error
    child = int(pid_file.read_text())
    assert not psutil.pid_exists(child) or psutil.Process(child).status() == psutil.STATUS_ZOMBIE


def test_a_command_killed_by_a_signal_says_which(tmp_path: Path) -> None:
    result = run_command("inject", "kill -TERM $$", 10, tmp_path)
    assert result.error is not None and "was killed by SIGTERM" in result.error


@pytest.mark.parametrize(("fields", "message"), [
    ({"command": "true", "heal": " "}, "non-empty heal"),
    ({"command": "", "heal": "true"}, "non-empty command"),
    ({"command": "true", "heal": "true", "timeout_s": 0}, "timeout_s must be a positive"),
    ({"command": "true", "heal": "true", "heal_timeout_s": float("nan")}, "heal_timeout_s"),
])
def test_a_fault_without_heal_or_with_a_bad_timeout_is_refused(
        fields: dict[str, object], message: str) -> None:
    with pytest.raises(FaultError, match=message):
        CommandFault(**fields)  # type: ignore[arg-type]
