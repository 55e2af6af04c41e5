"""Faults on the drill's own stack: proxies (toxics, down), fakes (behaviour), processes.

Each `apply` acts, then reads the state back (drill/faults/proof.py) and
returns the `Proof`; an action the component refused raises (the executor
records it as an unproven fault with the error).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from drill.faults.plan import FaultStep
from drill.faults.proof import (
    Proof,
    prove_behaviour,
    prove_enabled,
    prove_process,
    prove_toxic,
    unproven,
)
from drill.stack import Stack

SETTLE_S = 3.0       # how long a read-back may take to show the new state


def settled(read: Callable[[], Proof], settle_s: float = SETTLE_S) -> Proof:
    """Read back until it proves the action, or `settle_s` passes (signals land async)."""
    deadline = time.monotonic() + settle_s
    while True:
        proof = read()
        if proof.proven or time.monotonic() >= deadline:
            return proof
        time.sleep(0.05)


def apply_link(stack: Stack, step: FaultStep, active: Mapping[int, FaultStep]) -> Proof:
    """A toxic added/removed, or the proxy disabled/enabled (`down`), then read back."""
    toxi = stack.toxiproxy
    if toxi is None:
        return unproven("the stack has no Toxiproxy")
    inject = step.action == "inject"
    if step.kind == "down":
        others = [f"f{i}" for i, s in active.items() if i != step.index
                  and s.target == step.target and s.kind == "down"]
        if not inject and others:
            proof = settled(lambda: prove_enabled(toxi, step.target, enabled=False))
            return Proof(proof.proven, f"{proof.reason}: still down under {', '.join(others)}")
        toxi.set_enabled(step.target, not inject)
        return settled(lambda: prove_enabled(toxi, step.target, enabled=not inject))
    if inject:       # any other kind is a toxic type: the proxy's answer is the truth
        toxi.add_toxic(step.target, step.fault_id, step.kind, step.params)
    else:
        toxi.remove_toxic(step.target, step.fault_id)
    return settled(lambda: prove_toxic(toxi, step.target, step.fault_id, present=inject))


class BehaviourFaults:
    """PUT /_fake/behaviour and read it back; a heal restores the start-up values."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self._baseline: dict[str, dict[str, Any]] = {}

    def apply(self, step: FaultStep, active: Mapping[int, FaultStep]) -> Proof:
        url = self.stack.url(step.target) + "/_fake/behaviour"
        with httpx.Client(timeout=5, trust_env=False) as client:
            if step.target not in self._baseline:
                r = client.get(url)
                r.raise_for_status()
                self._baseline[step.target] = dict(r.json().get("behaviour", {}))
            if step.action == "inject":
                patch = dict(step.params)
            else:  # back to the baseline, overlaid by faults still active on this fake
                values = dict(self._baseline[step.target])
                for i in sorted(active):
                    other = active[i]
                    if i != step.index and other.target == step.target:
                        values.update(other.params)
                patch = {k: values[k] for k in step.params if k in values}
            r = client.put(url, json=patch)
            if r.status_code != 200:
                raise RuntimeError(f"PUT {url} {patch} answered {r.status_code}: {r.text[:200]}")
            return settled(lambda: prove_behaviour(client, url, patch))


def apply_process(stack: Stack, step: FaultStep, *, restart_killed: bool = True) -> Proof:
    """kill (SIGKILL; heal starts it), pause (SIGSTOP/SIGCONT), restart; then read back."""
    procs = stack.processes(step.target)
    inject = step.action == "inject"
    pids = {p.name: p.pid for p in procs}
    if step.kind == "kill" and inject:
        for proc in procs:
            proc.kill()
    elif step.kind == "kill":
        if not restart_killed:
            return Proof(True, "left down: the run is stopping")
        stack.start_procs([p for p in procs if not p.alive()])
    elif step.kind == "pause":
        for proc in procs:
            proc.pause() if inject else proc.resume()
    elif step.kind == "restart" and inject:
        for proc in procs:
            proc.stop()
        stack.start_procs(procs)
    elif step.kind == "restart":
        return Proof(True, "a restart has nothing to heal")
    return settled(lambda: prove_process(procs, step.kind, step.action,
                                         pids_before=pids if step.kind == "restart" else None))
