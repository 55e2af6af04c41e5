"""Which keys go with which fault kind; container and command faults checked before start.

A container fault names its containers with ``container`` or ``label`` and an
``action``; a command fault needs both ``command`` and ``heal``. Every other
kind names a ``target`` and none of those keys. Each problem names its field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from drill.errors import FaultError
from drill.faults.container import ACTIONS, signal_name

if TYPE_CHECKING:
    from drill.scenario import Fault

CONTAINER, COMMAND = "container", "command"
OUTSIDE_KINDS = (CONTAINER, COMMAND)
CONTAINER_KEYS = ("action", "container", "label", "signal")
COMMAND_KEYS = ("command", "heal", "timeout", "heal_timeout")
MAX_COMMAND_S = 3600.0


def _set(f: Fault, keys: tuple[str, ...]) -> list[str]:
    return [k for k in keys if getattr(f, k) is not None]


def _stray(where: str, f: Fault, allowed: tuple[str, ...]) -> list[str]:
    out = []
    if f.kind in OUTSIDE_KINDS and f.target:
        way = ("container = NAME or label = \"key=value\"" if f.kind == CONTAINER
               else "command = \"...\" and heal = \"...\"")
        out.append(f"{where}.target = {f.target!r}: a {f.kind} fault takes no target; "
                   f"it names what it breaks with {way}")
    if f.kind in OUTSIDE_KINDS and f.params:
        out.append(f"{where}.params: a {f.kind} fault takes no params; use its own keys "
                   f"({', '.join(CONTAINER_KEYS if f.kind == CONTAINER else COMMAND_KEYS)})")
    for key in _set(f, (*CONTAINER_KEYS, *COMMAND_KEYS)):
        if key not in allowed:
            owner = CONTAINER if key in CONTAINER_KEYS else COMMAND
            out.append(f"{where}.{key}: only a kind = \"{owner}\" fault takes {key!r}; "
                       "remove it or change the kind")
    return out


def _container(where: str, f: Fault) -> list[str]:
    out = []
    if f.action not in ACTIONS:
        shown = "is missing" if f.action is None else f"= {f.action!r} is unknown"
        out.append(f"{where}.action {shown}; use one of {', '.join(ACTIONS)}")
    if f.container is None and f.label is None:
        out.append(f"{where}.container is missing: a container fault needs its target "
                   "container, container = \"NAME\" or label = \"key=value\"")
    elif f.container is not None and f.label is not None:
        out.append(f"{where}.label: give either container or label, not both")
    elif not (f.container or f.label or "").strip() or (f.label or "").startswith("="):
        key = "container" if f.container is not None else "label"
        out.append(f"{where}.{key} is empty; name the container (`docker ps`)")
    if f.signal is not None and f.action != "kill":
        out.append(f"{where}.signal: only action = \"kill\" sends a signal")
    elif f.signal is not None:
        try:
            signal_name(f.signal)
        except FaultError as exc:
            out.append(f"{where}.signal = {f.signal!r}: {exc.message}")
    return out


def _command(where: str, f: Fault) -> list[str]:
    out = []
    if not (f.command or "").strip():
        out.append(f"{where}.command is missing or empty: give the shell command that breaks "
                   "the shop, e.g. command = \"systemctl stop php-fpm\"")
    if not (f.heal or "").strip():
        out.append(f"{where}.heal is missing or empty: a command fault needs the command that "
                   "undoes it, e.g. heal = \"systemctl start php-fpm\"")
    for key in ("timeout", "heal_timeout"):
        value = getattr(f, key)
        if value is not None and value > MAX_COMMAND_S:
            out.append(f"{where}.{key} = {value:g}s is over {MAX_COMMAND_S:g}s; a fault "
                       "command must end by itself")
    return out


def kind_key_problems(where: str, f: Fault) -> list[str] | None:
    """Problems of a container or command fault's keys, or of stray ones on another kind.

    None means: not an outside kind and no stray keys, go on with target checks."""
    if f.kind == CONTAINER:
        return _stray(where, f, CONTAINER_KEYS) + _container(where, f)
    if f.kind == COMMAND:
        return _stray(where, f, COMMAND_KEYS) + _command(where, f)
    stray = _stray(where, f, ())
    if not f.target:
        stray.append(f"{where}.target is missing: name the link, fake or process to break "
                     "(or use kind = \"container\" / \"command\")")
    return stray or None


def outside_target(f: Fault) -> str:
    """The step target of a container or command fault (in its fault id)."""
    if f.kind == CONTAINER:
        return f.container or f"label:{f.label}"
    return "shell"


def outside_params(f: Fault) -> dict[str, object]:
    """What the executor needs from a container or command fault's own keys."""
    keys = CONTAINER_KEYS if f.kind == CONTAINER else COMMAND_KEYS
    return {k: v for k in keys if (v := getattr(f, k)) is not None}
