"""Scenario -> LoadPlan: the `[load]` section with the stack's URLs (wall seconds throughout)."""

from __future__ import annotations

from drill.load.plan import LoadPlan
from drill.scenario import Scenario


def load_plan(scenario: Scenario, service_url: str, gateway_url: str) -> LoadPlan:
    """The plan the Locust worker process runs; raises ValueError for a plan it cannot run."""
    load = scenario.load
    return LoadPlan(
        service_url=service_url,
        gateway_url=gateway_url,
        products=tuple(load.products or (p.id for p in scenario.catalogue)),
        shape=load.shape,
        duration_s=load.duration,
        users=load.users,
        spawn_rate=load.spawn_rate,
        rate=load.rate,
        peak_multiplier=load.spike.multiplier,
        spike_at_s=load.spike.at,
        spike_for_s=load.spike.for_,
        steps=tuple((float(at), float(v)) for at, v in load.steps),
        max_orders=load.max_orders,
        quantity=load.quantity,
        pay_probability=load.pay_probability,
        contacts=load.contacts,
        poll_timeout_s=load.poll_timeout,
        poll_interval_s=load.poll_interval,
        seed=scenario.seed,
        processes=load.processes,
        quantity_mix=load.quantities,
        browse=load.browse,
        snoopers=load.snoopers,
        late_payers=load.late_payers,
        late_wait_max_s=load.late_wait_max,
        returning=load.returning,
        workers=load.workers,
        local_workers=load.local_workers,
    )
