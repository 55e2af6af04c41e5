"""breaker: literal faults.jsonl records with the link's accepted-connection counts."""

from __future__ import annotations

from typing import Any

from drill.checks import CheckSpec, Verdict, breaker
from drill.checks.from_scenario import check_spec
from drill.scenario import load_scenario
from tests.drill.checks.ops import bought, paid, sources

# supplier-outage's policy in wall seconds: 3 failures, 300 scenario s / 60 = 5 s reset
SPEC = CheckSpec(breaker_failures=3, breaker_reset_s=5.0, breaker_processes=1,
                 supplier_products=("apple-100",))
T0 = 1000.0


def dark(at: float, action: str, accepted: int | None, *, kind: str = "reset_peer",
         target: str = "supplier_primary", **params: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {"at": at, "fault_id": f"f0-{kind}-{target}", "kind": kind,
                           "target": target, "action": action,
                           "params": {"timeout": 0, "stream": "upstream", **params}, "ok": True}
    if accepted is not None:
        rec["accepted_connections"] = accepted
    return rec


def outage(dials: int, *, seconds: float = 10.0, **kw: Any) -> list[dict[str, Any]]:
    return [dark(T0, "inject", 40, **kw), dark(T0 + seconds, "heal", 40 + dials, **kw)]


def _judge(faults: list[dict[str, Any]] | None, spec: CheckSpec = SPEC, **kw: Any) -> Verdict:
    return breaker.check(sources(faults=faults, **kw), spec)


def test_a_breaker_that_opened_dials_a_few_times_and_passes() -> None:
    v = _judge(outage(4))             # clean run: 3 failures and one half-open trial
    assert v.ok is True, v.detail
    assert v.counts["outages"][0]["attempts"] == 4
    assert v.counts["outages"][0]["allowed"] == 3 + 2 * 2 + 3 * 3  # failures, 2 windows, in flight


def test_dialling_for_every_order_fails_naming_the_link_and_the_bound() -> None:
    v = _judge(outage(239))           # breaker-http-only: refused dials never trip it
    assert v.ok is False
    assert "239 dials on supplier_primary" in v.detail and "at most 16" in v.detail
    assert v.examples[0]["fault_id"] == "f0-reset_peer-supplier_primary"


def test_the_bound_grows_with_the_outage_and_the_processes() -> None:
    spec = CheckSpec(breaker_failures=3, breaker_reset_s=5.0, breaker_processes=2)
    assert _judge(outage(35, seconds=21.0), spec).ok is True    # 2 * (3 + 2 * 5) + 9 = 35
    assert _judge(outage(36, seconds=21.0), spec).ok is False
    assert _judge(outage(17)).ok is False                       # one process, 10 s: 16


def test_no_dark_supplier_link_is_not_exercised() -> None:
    slow = [dark(T0, "inject", 1, kind="latency"), dark(T0 + 4, "heal", 900, kind="latency")]
    half = outage(500, toxicity=0.5)
    for faults in ([], slow, half, outage(500, target="im")):
        v = _judge(faults)
        assert v.ok is True and "not exercised" in v.detail, faults


DOWN = [dark(T0, "inject", None, kind="down"), dark(T0 + 10, "heal", None, kind="down")]


def calls(n: int, outcome: str = "unreachable", supplier: str = "primary") -> list[dict[str, Any]]:
    return [{"order_no": f"S{i}", "supplier": supplier, "outcome": outcome,
             "at": T0 + 0.5 + i * 0.03} for i in range(n)]


def test_a_down_link_is_counted_from_the_shops_call_log() -> None:
    """A refused dial reaches no proxy: the export's supplier_calls count it."""
    clean = calls(4) + calls(61, "breaker_open") + calls(50, "ok", "backup")
    v = _judge(DOWN, export={"supplier_calls": clean})
    assert v.ok is True and v.counts["outages"][0]["counted_by"] == "shop call log"
    assert v.counts["outages"][0]["attempts"] == 4
    v = _judge(DOWN, export={"supplier_calls": calls(239)})   # breaker-http-only
    assert v.ok is False and "239 dials on supplier_primary" in v.detail


def test_a_down_link_without_a_call_log_is_unknown_never_a_pass() -> None:
    v = _judge(DOWN, meta={"export": False})             # a shop that cannot export
    assert v.ok is None and v.detail.startswith("not judged") and "reset_peer" in v.detail
    assert _judge(DOWN, meta={"export": True}).ok is None    # expected, not collected


def test_go_toxiproxy_without_the_counter_is_unknown_not_a_pass() -> None:
    why = "Toxiproxy at http://127.0.0.1:8474 (real) counts no connections"
    faults = [dark(T0, "inject", None) | {"accepted_connections_error": why},
              dark(T0 + 10, "heal", None) | {"accepted_connections_error": why}]
    v = _judge(faults)
    assert v.ok is None and why in v.detail
    assert _judge(None).ok is None     # no faults.jsonl at all


def _target_run(dials: int, orders: int) -> Verdict:
    ops = [op for i in range(orders) for op in bought(f"S{i}", T0 + 1 + i * 0.1,
                                                      product="apple-100")]
    ops += bought("L1", T0 + 2)       # a local product's order is not a supplier order
    payments = [paid(f"S{i}", T0 + 1.05 + i * 0.1) for i in range(orders)] + [paid("L1", T0 + 2)]
    return _judge(outage(dials), history=ops, payments=payments,
                  meta={"target": {"name": "dujiaoka"}})


def test_a_target_shop_may_not_dial_once_per_supplier_order() -> None:
    bad = _target_run(dials=31, orders=30)
    assert bad.ok is False and "not fewer than the 30 supplier orders" in bad.detail
    good = _target_run(dials=6, orders=30)
    assert good.ok is True and good.counts["policy_known"] is False
    few = _target_run(dials=6, orders=4)
    assert few.ok is None and "only 4 supplier orders" in few.detail


def test_the_spec_carries_supplier_outages_policy_in_wall_seconds() -> None:
    spec = check_spec(load_scenario("supplier-outage"))
    assert (spec.breaker_failures, spec.breaker_reset_s, spec.breaker_processes) == (3, 5.0, 1)
    assert spec.supplier_products == ("apple-100",)
    assert CheckSpec.from_json(spec.to_json()) == spec
    assert "breaker" in spec.checks


def test_a_half_open_herd_on_a_hanging_supplier_fails() -> None:
    # supplier-hang: 24 s of a swallowing link, 3 failures, 2 s reset; each call hangs 1 s,
    # so a half-open breaker letting every call through sends ~9 per reset, not one trial
    spec = CheckSpec(breaker_failures=3, breaker_reset_s=2.0, breaker_processes=1)
    clean = _judge(outage(19, seconds=24.0, kind="timeout"), spec)
    assert clean.ok is True and clean.counts["outages"][0]["allowed"] == 3 + 2 * 12 + 9
    v = _judge(outage(57, seconds=24.0, kind="timeout"), spec)
    assert v.ok is False and "57 dials on supplier_primary" in v.detail
    assert "let more than one trial through when half-open" in v.detail


def server_errors(rate: float = 1.0, codes: tuple[int, ...] = (500, 502, 503),
                  target: str = "supplier-primary") -> list[dict[str, Any]]:
    """A behaviour fault: the supplier's app is down behind a live nginx, every call a 5xx."""
    params = {"error_rate": rate, "error_codes": list(codes)}
    return [{"at": at, "fault_id": f"f0-behaviour-{target}", "kind": "behaviour",
             "target": target, "action": action, "params": params, "ok": True}
            for at, action in ((T0, "inject"), (T0 + 10, "heal"))]


def purchases(n: int, outcome: str = "error_503") -> list[dict[str, Any]]:
    return [{"downstream_order_no": f"D{i}", "at": T0 + 0.5 + i * 0.03, "outcome": outcome}
            for i in range(n)]


def test_a_supplier_answering_only_5xx_is_dark_counted_on_its_ledger() -> None:
    """breaker-5xx-success: a 5xx answer taken for a success never opens the breaker."""
    late = [{"downstream_order_no": "Z", "at": T0 + 11, "outcome": "delivered"}]
    clean = {"primary": purchases(5) + late, "backup": purchases(200, "delivered")}
    v = _judge(server_errors(), purchases=clean)
    assert v.ok is True, v.detail
    assert v.counts["outages"][0]["attempts"] == 5
    assert v.counts["outages"][0]["counted_by"] == "supplier ledger"
    v = _judge(server_errors(), purchases={"primary": purchases(180)})
    assert v.ok is False and "180 dials on supplier_primary" in v.detail


def test_a_share_of_errors_or_a_429_is_not_an_outage() -> None:
    """A flaky supplier still serves some calls, and 429 is a refusal, not a dead supplier."""
    many = {"primary": purchases(500)}
    for faults in (server_errors(rate=0.9), server_errors(codes=(429, 503)),
                   server_errors(target="gateway")):
        v = _judge(faults, purchases=many)
        assert v.ok is True and "not exercised" in v.detail, faults


def test_a_5xx_outage_without_the_supplier_ledger_is_unknown() -> None:
    v = _judge(server_errors(), purchases={"backup": purchases(3)})
    assert v.ok is None and "no purchase ledger of supplier primary" in v.detail
