"""Rules across a scenario's tables, checked once the model is valid; each names its field.

The model (model.py) checks types and ranges field by field; these rules need
the whole file or the run's options: the fakes' knobs, and the fault timeline
against the stack the run will really have (a `db` fault needs PostgreSQL).
"""

from __future__ import annotations

from drill.components import GATEWAY, SINK, supplier_component
from drill.faults.plan import fault_problems
from drill.scenario.knobs import knob_problems
from drill.scenario.model import Scenario

__all__ = ["scenario_problems"]


def scenario_problems(scenario: Scenario, *, db_url: str | None = None,
                      for_run: bool = False) -> list[str]:
    """What is wrong with a model-valid scenario for a run on `db_url`; [] when nothing.

    Not `for_run` (validate, list): a drill that declares `requires_db` is checked as if
    run on that database; `for_run`: the run's own --db must be that database."""
    out: list[str] = []
    if scenario.requires_db and not (db_url or "").startswith(scenario.requires_db):
        if for_run or db_url is not None:
            out.append(f"requires_db = {scenario.requires_db!r}: this drill needs the shop on "
                       "PostgreSQL; run it with --db postgresql+psycopg://postgres@127.0.0.1:"
                       "5432/test")
        else:
            db_url = f"{scenario.requires_db}://(as the drill requires)"
    out += knob_problems(GATEWAY, scenario.gateway.behaviour, "gateway.behaviour")
    out += knob_problems(SINK, scenario.sink.behaviour, "sink.behaviour")
    for name, spec in scenario.suppliers.items():
        out += knob_problems(supplier_component(name), spec.behaviour,
                             f"suppliers.{name}.behaviour")
    if scenario.gameday is not None:
        from drill.gameday.setup import pool_problems  # the game day's own rules

        out += pool_problems(scenario, db_url=db_url)
    return out + fault_problems(scenario, db_url=db_url)
