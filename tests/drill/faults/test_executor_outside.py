"""Command and container faults through the executor: proven, or unproven with the reason."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, cast

from drill.events import Events
from drill.faults.executor import FaultExecutor
from drill.faults.plan import FaultStep
from drill.stack import Stack
from runtime import PrivateDockerd
from tests.drill.faults.conftest import Web
from tests.waiting import wait_until


class Bare:
    """Command and container faults use nothing of the stack."""

    toxiproxy, scenario = None, None


def _run(tmp_path: Path, steps: list[FaultStep], **kw: Any) -> FaultExecutor:
    ex = FaultExecutor(steps, cast(Stack, Bare()), tmp_path, Events(), **kw)
    ex.start(time.time())
    return ex


def _records(tmp_path: Path, n: int) -> list[dict[str, Any]]:
    path = tmp_path / "faults.jsonl"
    wait_until(lambda: path.exists() and len(path.read_text().splitlines()) >= n, timeout=20,
               what=f"{n} fault records")
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_command_fault_runs_both_commands_and_keeps_their_output(tmp_path: Path) -> None:
    flag = tmp_path / "broken"
    params = {"command": f"touch {flag} && echo broke", "heal": f"rm {flag} && echo healed"}
    ex = _run(tmp_path, [FaultStep(0, "inject", 0, "command", "shell", params),
                         FaultStep(0.2, "heal", 0, "command", "shell", params)])
    inject, heal = _records(tmp_path, 2)
    assert inject["proven"] and heal["proven"] and ex.unproven() == []
    assert "inject command exited 0" in inject["reason"]
    assert not flag.exists()
    out = tmp_path / "faults"
    assert (out / "f0-command-shell-inject.stdout").read_text() == "broke\n"
    assert (out / "f0-command-shell-heal.stdout").read_text() == "healed\n"


def test_a_failing_heal_command_is_unproven_naming_its_exit_code(tmp_path: Path) -> None:
    params = {"command": "true", "heal": "echo cannot restart >&2; exit 4", "heal_timeout": 5.0}
    ex = _run(tmp_path, [FaultStep(0, "inject", 0, "command", "shell", params),
                         FaultStep(0.1, "heal", 0, "command", "shell", params)])
    _records(tmp_path, 2)
    (reason,) = ex.unproven()
    assert reason.startswith("fault f0-command-shell heal not proven: heal command")
    assert "exited with code 4: cannot restart" in reason


def test_a_container_fault_on_no_such_container_is_unproven(
        tmp_path: Path, dockerd: PrivateDockerd, web: Web) -> None:
    params = {"action": "kill", "container": "not-" + web.name}
    ex = _run(tmp_path, [FaultStep(0, "inject", 0, "container", "x", params)],
              docker_base_url=dockerd.base_url)
    (inject,) = _records(tmp_path, 1)
    assert inject["proven"] is False and "no running container" in inject["error"]
    assert web.name in inject["error"]            # the ones that do run are listed
    ex.heal_all(reason="test over")
    assert len(ex.unproven()) == 2                # nothing to heal either
    ex.close()
