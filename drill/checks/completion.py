"""completion: the drill really happened — most planned buyers got an order created.

A drill where the shop refused most buyers (or was dead) must not pass on the
strength of the few orders that went through: orders created over planned
arrivals (open model) or over order attempts (closed model) must reach
`spec.min_completion` (default 90 %; `[expect] min_completion` lowers it for a
drill that sells out on purpose).
"""

from __future__ import annotations

from drill.checks.said import said
from drill.checks.sources import Sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import Verdict, missing

ID = "completion"


def check(src: Sources, spec: CheckSpec) -> Verdict:
    if src.load is None or src.history is None:
        return missing(ID, "load.json and history.jsonl")
    creates = [op for op in src.buyer_ops() if op.get("f") == "create_order"]
    attempted = sum(1 for op in creates if op.get("type") == "invoke")
    created = sum(1 for op in creates if op.get("type") == "ok")
    planned = src.load.get("planned_arrivals")
    basis = int(planned) if isinstance(planned, int | float) and planned > 0 else attempted
    counts = {"planned_arrivals": planned, "attempted": attempted, "created": created,
              "min_completion": spec.min_completion}
    if basis == 0:
        return Verdict(ID, False, said("completion.none"), [], counts)
    share = created / basis
    counts["completion"] = round(share, 4)
    key = "completion.planned" if basis != attempted or planned else "completion.attempts"
    detail = said(key, created=created, basis=basis, share=share, min=spec.min_completion)
    return Verdict(ID, share >= spec.min_completion, detail, [], counts)
