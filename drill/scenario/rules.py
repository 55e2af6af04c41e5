"""Rules across a scenario's tables, checked once the model is valid; each names its field.

The model (model.py) checks types and ranges field by field; these rules need
the whole file or the run's options: the fakes' knobs, and the fault timeline
against the stack the run will really have (a `db` fault needs PostgreSQL or MariaDB).
"""

from __future__ import annotations

from drill.components import GATEWAY, SINK, supplier_component
from drill.faults.plan import DB_EXAMPLES, DB_NAMES, db_kind, fault_problems
from drill.scenario.knobs import knob_problems
from drill.scenario.model import Scenario

__all__ = ["scenario_problems"]


def scenario_problems(scenario: Scenario, *, db_url: str | None = None,
                      for_run: bool = False) -> list[str]:
    """What is wrong with a model-valid scenario for a run on `db_url`; [] when nothing.

    Not `for_run` (validate, list): a drill that declares `requires_db` is checked as if
    run on that database; `for_run`: the run's own --db must be that database."""
    out: list[str] = []
    needs = scenario.requires_db
    if needs and db_kind(db_url) not in needs:
        if for_run or db_url is not None:
            out.append(f"requires_db = {list(needs)}: this drill needs the shop on "
                       f"{' or '.join(DB_NAMES[k] for k in needs)}; run it with "
                       + " or ".join(f"--db {DB_EXAMPLES[k]}" for k in needs))
        else:
            db_url = f"{needs[0]}://(as the drill requires)"
    out += knob_problems(GATEWAY, scenario.gateway.behaviour, "gateway.behaviour")
    out += knob_problems(SINK, scenario.sink.behaviour, "sink.behaviour")
    for name, spec in scenario.suppliers.items():
        out += knob_problems(supplier_component(name), spec.behaviour,
                             f"suppliers.{name}.behaviour")
    if scenario.gameday is not None:
        from drill.gameday.setup import pool_problems  # the game day's own rules

        out += pool_problems(scenario, db_url=db_url)
    return out + fault_problems(scenario, db_url=db_url)
