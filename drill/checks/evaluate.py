"""Run the requested checkers over one run folder; a crashing checker becomes *unknown*.

Like Jepsen's check-safe: the oracle never aborts a run's report because one
checker raised; that checker's verdict is ok=None with the error.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path

from drill.checks import (
    access,
    alerts,
    breaker,
    buyer_notice,
    buyer_truth,
    completion,
    double_payment,
    failback,
    failover,
    gateway_protocol,
    latency,
    mail_recipient,
    messages,
    money_goods,
    no_double_purchase,
    no_duplicate,
    no_loss,
    no_oversell,
    retries,
    review_hold,
    stock_conservation,
    supplier_quantity,
    thresholds,
)
from drill.checks.said import said
from drill.checks.sources import Sources, load_sources
from drill.checks.spec import CheckSpec
from drill.checks.verdict import Verdict
from drill.scenario import CHECK_IDS, DEFAULT_CHECKS

Checker = Callable[[Sources, CheckSpec], Verdict]

CHECKERS: dict[str, Checker] = {
    m.ID: m.check
    for m in (no_loss, no_duplicate, no_oversell, no_double_purchase, latency, retries,
              failover, alerts, buyer_notice, thresholds, completion, money_goods, buyer_truth,
              gateway_protocol, supplier_quantity, failback, stock_conservation, messages,
              access, mail_recipient, double_payment, review_hold, breaker)
}
assert set(CHECKERS) == set(CHECK_IDS)


def check_ids(spec: CheckSpec) -> list[str]:
    """The checks to run: spec.checks (all when empty), plus `thresholds` whenever the
    spec has non-latency thresholds, so a limit is never silently ignored."""
    ids = list(spec.checks or DEFAULT_CHECKS)
    if "thresholds" not in ids and any(not latency.is_latency(t) for t in spec.thresholds):
        ids.append("thresholds")
    if "latency" not in ids and any(latency.is_latency(t) for t in spec.thresholds):
        ids.append("latency")
    return ids


def run_checks(src: Sources, spec: CheckSpec) -> list[Verdict]:
    out = []
    for cid in check_ids(spec):
        try:
            out.append(CHECKERS[cid](src, spec))
        except Exception as exc:
            tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
            out.append(Verdict(cid, None, said("verdict.crashed", error=tb),
                               counts={"error": tb, "traceback": traceback.format_exc()[-2000:]}))
    return out


def evaluate(run_dir: str | Path, spec: CheckSpec) -> list[Verdict]:
    """Load the run folder once and judge it (CONTRACTS §8)."""
    try:
        src = load_sources(run_dir)
    except Exception as exc:
        return [Verdict(cid, None, said("verdict.unloadable", run_dir=str(run_dir),
                                           error=repr(exc)))
                for cid in check_ids(spec)]
    return run_checks(src, spec)
