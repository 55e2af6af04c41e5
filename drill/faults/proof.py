"""Proof that a fault took effect: read the state back after every inject and heal.

A fault whose API call "succeeded" has not necessarily happened (a proxy that
ignored the toxic, a fake that kept its old behaviour, a process that survived
its signal). Each function here asks the component itself and returns a
`Proof`: ``proven`` and a ``reason`` a person can read ("toxic f0-latency-im
listed on im", "gateway_notify still enabled"). `timing_problem` checks the
moment of an action against the plan. Nothing here raises for a bad state; a
failed read-back is an unproven `Proof` naming what could not be read.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import psutil

from drill.stack import ToxiproxyClient
from runtime import ManagedProcess


@dataclass(frozen=True, slots=True)
class Proof:
    """What was read back after one inject or heal, and whether it shows the action took."""

    proven: bool
    reason: str


def unproven(reason: str) -> Proof:
    return Proof(False, reason)


def prove_toxic(toxi: ToxiproxyClient, link: str, toxic: str, *, present: bool) -> Proof:
    """The toxic is listed on the proxy after an inject, and gone after its heal."""
    try:
        listed = toxi.toxics(link)
    except Exception as exc:
        return unproven(f"cannot list the toxics of {link}: {exc}")
    there = toxic in listed
    shown = ", ".join(listed) or "none"
    if there == present:
        return Proof(True, f"toxic {toxic} {'listed' if there else 'gone'} on {link} "
                           f"(toxics: {shown})")
    return unproven(f"toxic {toxic} {'not listed' if present else 'still listed'} on {link} "
                    f"(toxics: {shown})")


def prove_enabled(toxi: ToxiproxyClient, link: str, *, enabled: bool) -> Proof:
    """A `down` fault disabled the proxy; its heal enabled it again."""
    try:
        now = toxi.is_enabled(link)
    except Exception as exc:
        return unproven(f"cannot read proxy {link}: {exc}")
    word = "enabled" if now else "disabled"
    return Proof(now == enabled, f"proxy {link} {word}")


def prove_behaviour(client: httpx.Client, url: str, expected: Mapping[str, Any]) -> Proof:
    """GET /_fake/behaviour shows every knob of `expected` at its value."""
    try:
        r = client.get(url)
        r.raise_for_status()
        values = dict(r.json().get("behaviour", {}))
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        return unproven(f"cannot read {url}: {exc}")
    wrong = {k: values.get(k) for k, v in expected.items() if _norm(values.get(k)) != _norm(v)}
    if wrong:
        return unproven(f"{url} shows {wrong}, expected {dict(expected)}")
    return Proof(True, f"{url} shows {dict(expected)}")


def _norm(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _status(proc: ManagedProcess) -> str:
    pid = proc.pid
    if pid is None or not proc.alive():
        return "gone"
    try:
        return str(psutil.Process(pid).status())
    except psutil.Error:
        return "gone"


def _answers(proc: ManagedProcess) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", proc.port), timeout=2):
            return True
    except (OSError, KeyError, ValueError):
        return False


def prove_process(procs: list[ManagedProcess], kind: str, step: str, *,
                  pids_before: Mapping[str, int | None] | None = None) -> Proof:
    """kill: every process gone; pause: stopped (T); heal/restart: running and accepting."""
    seen, bad = [], []
    for proc in procs:
        status = _status(proc)
        if step == "inject" and kind == "kill":
            ok = status == "gone"
        elif step == "inject" and kind == "pause":
            ok = status == psutil.STATUS_STOPPED
        else:
            ok = status not in ("gone", psutil.STATUS_STOPPED, psutil.STATUS_ZOMBIE) \
                and _answers(proc)
            if ok and kind == "restart" and pids_before is not None:
                ok = proc.pid != pids_before.get(proc.name)
                status += "" if ok else " (same pid: not restarted)"
        seen.append(f"{proc.name} {status}")
        if not ok:
            bad.append(proc.name)
    if not procs:
        return unproven(f"no process to {kind}")
    text = ", ".join(seen)
    return unproven(f"{step} {kind}: {text}") if bad else Proof(True, f"{step} {kind}: {text}")


def tolerance_s(load_duration: float) -> float:
    """How late an action may be: max(0.5 s, 5 % of the load)."""
    return max(0.5, 0.05 * load_duration)


def timing_problem(step_action: str, planned_t: float, actual_t: float, tol: float, *,
                   early_ok: bool = False) -> str | None:
    """An inject more than `tol` after its plan, or a heal more than `tol` before it."""
    late = actual_t - planned_t
    if step_action == "inject" and late > tol:
        return (f"injected {late:.2f} s after its planned {planned_t:g} s "
                f"(tolerance {tol:g} s)")
    if step_action == "heal" and not early_ok and -late > tol:
        return (f"healed at {actual_t:.2f} s, {-late:.2f} s before its planned end "
                f"{planned_t:g} s (tolerance {tol:g} s)")
    return None


def unproven_line(fault_id: str, action: str, reason: str) -> str:
    return f"fault {fault_id} {action} not proven: {reason}"


def unproven_reasons(records: Iterable[Mapping[str, Any]]) -> list[str]:
    """The unproven actions of a faults.jsonl, in words (the same as `FaultExecutor.unproven`).

    For re-judging a run folder offline; a record without ``proven`` (an older
    run) is not counted."""
    return [unproven_line(str(r.get("fault_id")), str(r.get("action")), str(r.get("reason")))
            for r in records if r.get("proven") is False]
