"""Faults outside the drill's stack: the shop's containers (docker SDK) and a user's commands.

The plan carries what the scenario said in the step's params (plan.py
`step_params`): a container fault's ``action``, ``container`` or ``label`` and
``signal``; a command fault's ``command``, ``heal``, ``timeout`` and
``heal_timeout``. The docker client is made once, on first use, from
``[docker] base_url`` or else the environment (``DOCKER_HOST``,
``docker.from_env()``), so a drill without container faults never needs a daemon.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import cast

import docker
import docker.errors

from drill.errors import FaultError
from drill.faults import command as commands
from drill.faults import container as containers
from drill.faults.plan import FaultStep
from drill.faults.proof import Proof

COMMAND_DIR = "faults"        # the run folder's sub-folder for command output


def container_target(params: dict[str, object]) -> containers.ContainerTarget:
    name, label = params.get("container"), params.get("label")
    return containers.ContainerTarget(name=str(name) if name else None,
                                      label=str(label) if label else None)


class ContainerFaults:
    """kill/stop/restart/pause a shop's containers, each proven by the state read back."""

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = base_url
        self._client: docker.DockerClient | None = None
        self._lock = threading.Lock()

    def client(self) -> docker.DockerClient:
        with self._lock:
            if self._client is None:
                try:
                    self._client = (docker.DockerClient(base_url=self.base_url)
                                    if self.base_url else docker.from_env())
                    self._client.ping()
                except docker.errors.DockerException as exc:
                    where = self.base_url or "DOCKER_HOST / the default socket"
                    raise FaultError(f"cannot reach the docker daemon at {where}: {exc}",
                                     hint="set [docker] base_url or DOCKER_HOST") from None
            return self._client

    def apply(self, step: FaultStep) -> Proof:
        target = container_target(step.params)
        action = cast(containers.Action, str(step.params.get("action", "")))
        if step.action == "inject":
            applied = containers.inject(self.client(), target, action,
                                        signal=str(step.params.get("signal", "SIGKILL")))
        else:
            applied = containers.heal(self.client(), target, action)
        return Proof(applied.proven, applied.detail)

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None


def command_fault(params: dict[str, object]) -> commands.CommandFault:
    return commands.CommandFault(
        command=str(params.get("command", "")), heal=str(params.get("heal", "")),
        timeout_s=float(cast(float, params.get("timeout", 30.0))),
        heal_timeout_s=float(cast(float, params.get("heal_timeout", 30.0))))


def apply_command(step: FaultStep, run_dir: Path) -> Proof:
    """Run the command (or its heal); proven when it exits 0 in time, output kept in faults/."""
    fault = command_fault(step.params)
    out = run_dir / COMMAND_DIR
    run = commands.inject if step.action == "inject" else commands.heal
    result = run(fault, out, name=step.fault_id)
    if result.ok:
        return Proof(True, f"{step.action} command exited 0 in {result.duration_s:.2f} s; "
                           f"output in {result.stdout_path.with_suffix('')}.{{stdout,stderr}}")
    return Proof(False, result.error or "the command failed")
