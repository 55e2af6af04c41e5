"""Container chaos through the docker SDK: kill, stop, restart or pause a shop's containers.

Most faka shops run under docker compose, so a drill breaks them the way an
outage would: a container killed (any signal, SIGKILL by default), stopped,
restarted or paused.  A fault names its containers by name or by label
(`ContainerTarget`); `inject` acts on every running match and reads the state
back until it shows the action took effect, and `heal` undoes it (start what
was killed or stopped, unpause what was paused) and reads back that every match
runs again.  Both return an `Applied` whose ``proven`` says whether the state
read back proves it, and ``detail`` says what was seen.  What stops us from
acting at all (no such container, the daemon refused) raises
`ContainerFaultError` naming the target and the containers that do run.
"""

from __future__ import annotations

import contextlib
import functools
import signal as signals
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import docker
import docker.errors
from docker.models.containers import Container

from drill.errors import FaultError

Action = Literal["kill", "stop", "restart", "pause"]
ACTIONS: tuple[Action, ...] = ("kill", "stop", "restart", "pause")
Step = Literal["inject", "heal"]


class ContainerFaultError(FaultError):
    """A container fault could not act: no matching container, or the daemon refused."""


class _NoSuchContainer(ContainerFaultError):
    """Nothing matches the target (told apart so a vanished container can prove a kill)."""


@dataclass(frozen=True, slots=True)
class ContainerTarget:
    """Which containers a fault hits: one by ``name``, or every one carrying ``label``.

    A label is ``key`` or ``key=value``, as in ``docker ps --filter label=...``.
    """

    name: str | None = None
    label: str | None = None

    def __post_init__(self) -> None:
        if (self.name is None) == (self.label is None):
            raise ContainerFaultError("a container target needs exactly one of name or label, "
                                      f"got name={self.name!r}, label={self.label!r}")

    def describe(self) -> str:
        return f"container {self.name!r}" if self.name else f"containers labelled {self.label!r}"


@dataclass(frozen=True, slots=True)
class ContainerState:
    """What the daemon reports about one container (``docker inspect`` .State)."""

    name: str
    id: str
    status: str          # created | running | paused | restarting | removing | exited | dead
    started_at: str
    exit_code: int

    @property
    def running(self) -> bool:
        return self.status == "running"

    def show(self) -> str:
        code = f" ({self.exit_code})" if self.status in ("exited", "dead", "removing") else ""
        return f"{self.name} {self.status}{code}"


@dataclass(frozen=True, slots=True)
class Applied:
    """One inject or heal: the states before and after, and whether they prove it."""

    step: Step
    action: Action
    target: ContainerTarget
    before: tuple[ContainerState, ...]
    after: tuple[ContainerState, ...]
    proven: bool
    detail: str


def read_state(client: docker.DockerClient, target: ContainerTarget, *,
               running_only: bool = False) -> tuple[ContainerState, ...]:
    """The state of every container `target` names; `ContainerFaultError` if there is none."""
    return tuple(_state(c) for c in _resolve(client, target, running_only=running_only))


def inject(client: docker.DockerClient, target: ContainerTarget, action: Action, *,
           signal: str | int = "SIGKILL", grace_s: float = 10.0,
           settle_s: float = 10.0) -> Applied:
    """Kill (with `signal`), stop, restart or pause every running container of `target`.

    `grace_s` is stop's and restart's wait before SIGKILL; `settle_s` bounds
    the wait for the read-back state to show the action took effect.
    """
    if action not in ACTIONS:
        raise ContainerFaultError(f"unknown container action {action!r} "
                                  f"(known: {', '.join(ACTIONS)})")
    sig = signal_name(signal) if action == "kill" else ""
    containers = _resolve(client, target, running_only=True)
    before = tuple(_state(c) for c in containers)
    for container in containers:
        _call(target, action, functools.partial(_act, container, action, sig, grace_s))
    return _settle(client, target, "inject", action, before, settle_s)


def heal(client: docker.DockerClient, target: ContainerTarget, action: Action, *,
         settle_s: float = 10.0) -> Applied:
    """Undo `action` on every container of `target`: unpause, or start what is not running."""
    containers = _resolve(client, target, running_only=False)
    before = tuple(_state(c) for c in containers)
    for container, state in zip(containers, before, strict=True):
        if state.status == "paused":
            _call(target, "unpause", container.unpause)
        elif state.status in ("created", "exited", "dead"):
            _call(target, "start", container.start)
    return _settle(client, target, "heal", action, before, settle_s)


def signal_name(signal: str | int) -> str:
    """``9``, ``"KILL"`` or ``"sigkill"`` → ``"SIGKILL"``; `ContainerFaultError` if unknown."""
    try:
        if isinstance(signal, int) or signal.isdigit():
            return signals.Signals(int(signal)).name
        name = signal.upper()
        return signals.Signals[name if name.startswith("SIG") else "SIG" + name].name
    except (KeyError, ValueError):
        raise ContainerFaultError(f"unknown signal {signal!r} for a container kill "
                                  "(e.g. SIGKILL, SIGTERM, SIGHUP, SIGINT, 9)") from None


# -- proofs --------------------------------------------------------------------------------

def _proven(step: Step, action: Action, was: ContainerState, now: ContainerState) -> bool:
    restarted = now.started_at != was.started_at
    if step == "heal":
        return now.running
    if action == "pause":
        return now.status == "paused"
    if action == "restart":
        return now.running and restarted
    return not now.running or restarted  # kill/stop: gone, or brought back by its policy


def _settle(client: docker.DockerClient, target: ContainerTarget, step: Step, action: Action,
            before: tuple[ContainerState, ...], settle_s: float) -> Applied:
    """Read the state back until it proves `step` for every container, or `settle_s` passes.

    A container that vanished (``--rm``) proves a kill or stop, and nothing else.
    """
    gone_is_proof = step == "inject" and action in ("kill", "stop")
    deadline = time.monotonic() + settle_s
    while True:
        after = {s.id: s for s in _states_or_none(client, target)}
        missing = [was.name for was in before if was.id not in after]
        pending = [was for was in before
                   if was.id in after and not _proven(step, action, was, after[was.id])]
        proven = not pending and (gone_is_proof or not missing)
        if proven or time.monotonic() >= deadline:
            break
        time.sleep(0.05)
    now = tuple(after[was.id] for was in before if was.id in after)
    seen = "; ".join(f"{was.show()} -> {after[was.id].show()}"
                     for was in before if was.id in after)
    if missing:
        seen += f"{'; ' if seen else ''}gone: {', '.join(missing)}"
    verdict = "proven" if proven else f"NOT proven after {settle_s:g} s"
    return Applied(step, action, target, before, now, proven,
                   f"{step} {action} on {target.describe()}: {verdict}: {seen}")


def _states_or_none(client: docker.DockerClient,
                    target: ContainerTarget) -> tuple[ContainerState, ...]:
    try:
        return read_state(client, target)
    except _NoSuchContainer:
        return ()


# -- docker calls ----------------------------------------------------------------------------

def _act(container: Container, action: Action, sig: str, grace_s: float) -> None:
    if action == "kill":
        container.kill(signal=sig)
    elif action == "stop":
        container.stop(timeout=grace_s)
    elif action == "restart":
        container.restart(timeout=grace_s)
    else:
        container.pause()


def _call(target: ContainerTarget, what: str, fn: Callable[[], object]) -> None:
    try:
        fn()
    except docker.errors.APIError as exc:
        raise ContainerFaultError(f"docker refused to {what} {target.describe()}: "
                                  f"{exc.explanation or exc}") from None
    except docker.errors.DockerException as exc:
        raise ContainerFaultError(f"cannot reach the docker daemon to {what} "
                                  f"{target.describe()}: {exc}") from None


def _state(container: Container) -> ContainerState:
    state = container.attrs.get("State", {})
    return ContainerState(name=container.name or container.short_id, id=container.id or "",
                          status=str(state.get("Status", "unknown")),
                          started_at=str(state.get("StartedAt", "")),
                          exit_code=int(state.get("ExitCode", 0)))


def _resolve(client: docker.DockerClient, target: ContainerTarget, *,
             running_only: bool) -> list[Container]:
    found: list[Container] = []

    def look() -> None:
        if target.name is not None:
            with contextlib.suppress(docker.errors.NotFound):  # reported below, with the list
                found.append(client.containers.get(target.name))
        elif target.label is not None:
            found.extend(client.containers.list(all=True, filters={"label": target.label}))

    _call(target, "look up", look)
    if running_only:
        found = [c for c in found if c.status in ("running", "restarting")]
    if not found:
        running = sorted(c.name or c.short_id for c in _listing(client))
        state = "running " if running_only else ""
        raise _NoSuchContainer(
            f"no {state}{target.describe()} on the docker daemon "
            f"(running: {', '.join(running) or 'none'})",
            hint="check the name or label (`docker ps`) and that the shop is up")
    return found


def _listing(client: docker.DockerClient) -> list[Container]:
    try:
        return client.containers.list()
    except docker.errors.DockerException:
        return []
