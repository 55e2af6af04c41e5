"""The harness's own findings in the one verdict: saturation, unplanned exits (literal folders).

A saturated harness makes a run inconclusive, never a shop failure, unless the
shop broke a safety rule; a shop process dying unplanned fails the run; a fake
dying unplanned is the harness's problem (inconclusive). Every output agrees.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from drill.analyze import RunState, analyze, decide
from drill.checks import CheckSpec, Threshold, Verdict
from drill.report import write_reports
from drill.saturation import ComponentLoad, HarnessLoad, write_harness
from tests.drill.report.fixture import write_run
from tests.drill.test_cli import harness

SATURATED = ["harness saturated: locust at 98% of a core (p90 over 20 samples)"]
SLOW = Verdict("latency", False, "p99 2.9 s over 1 s")
DUPLICATE = Verdict("no-duplicate", False, "one key, two orders")
PASSED = Verdict("no-loss", True, "")
SPEC = CheckSpec(prices=(("steam-50", "50.00"),), expect_alerts=("supplier_health",),
                 thresholds=(Threshold.parse("delivery_p99 < 2s"),))
TOO_STRICT = dataclasses.replace(SPEC, thresholds=(Threshold.parse("delivery_p99 < 0.1s"),))


def _exit(component: str, role: str) -> dict[str, Any]:
    return {"component": component, "at": 1.0, "exit_code": -9, "log_tail": "boom\n",
            "role": role}


EXCUSED = [*SATURATED, "failed while the harness was saturated: latency"]


def test_a_saturated_harness_excuses_only_load_sensitive_failures() -> None:
    assert decide([PASSED, SLOW], RunState(), SATURATED) == ("inconclusive", EXCUSED)
    assert decide([PASSED, SLOW, DUPLICATE], RunState(), SATURATED) == ("fail", [])
    assert decide([PASSED, SLOW], RunState()) == ("fail", [])
    assert decide([PASSED], RunState(), SATURATED) == ("pass", []), \
        "every rule held while starved: completion proved the buyers came"


def test_a_wrong_notify_answer_is_a_failure_however_busy_the_box() -> None:
    late = Verdict("gateway-protocol", False, "3 answers past the deadline",
                   counts={"wrong_answers": 0})
    assert decide([PASSED, late], RunState(), SATURATED)[0] == "inconclusive"
    forged = Verdict("gateway-protocol", False, "a forgery answered success",
                     counts={"wrong_answers": 1})
    assert decide([PASSED, forged], RunState(), SATURATED) == ("fail", [])


def test_a_dead_shop_fails_whatever_else_happened() -> None:
    dead = Verdict("shop-health", False, "service exited")
    state = RunState(interrupted=True, interrupted_phase="load", health_watched=True,
                     exits=(_exit("service", "shop"),))
    assert decide([PASSED, dead], state, SATURATED) == ("fail", [])


def _run(tmp_path: Path, spec: CheckSpec = SPEC, **meta: Any) -> Path:
    run = write_run(tmp_path / "run")
    (run / "spec.json").write_text(spec.to_json())
    data = json.loads((run / "meta.json").read_text())
    (run / "meta.json").write_text(json.dumps({**data, **meta}))
    return run


def _outputs(run: Path) -> tuple[str, dict[str, Any], ET.Element, str]:
    analysis = analyze(run)
    html = write_reports(run, analysis).read_text()
    summary = json.loads((run / "summary.json").read_text())
    return analysis.line(), summary, ET.parse(run / "junit.xml").getroot(), html


def test_saturation_from_harness_json_flows_into_every_output(tmp_path: Path) -> None:
    run = _run(tmp_path, TOO_STRICT)          # p99 0.4 s: latency fails, the harness was full
    assert analyze(run).overall == "fail", "without harness.json the shop is blamed"
    write_harness(run, HarnessLoad(
        (ComponentLoad("locust", 20, 0.95, 0.98, 1.0, 1),
         ComponentLoad("conductor", 20, 0.2, 0.3, 0.4, 1)), 0.5, 10.0, 2, 0.9, 0.01,
        extra={"healthz_ms": {"gateway": {"samples": 20, "p50": 3.0, "p90": 9.5, "max": 30.0}}},
        shop=(ComponentLoad("service", 20, 1.0, 1.0, 1.0, 1),)))
    line, summary, junit, html = _outputs(run)
    assert line.startswith("INCONCLUSIVE smoke") and SATURATED[0] in line
    assert summary["verdict"] == "inconclusive" and summary["inconclusive"] == EXCUSED
    assert summary["harness"]["saturated"] == SATURATED
    assert [c["name"] for c in summary["harness"]["shop"]] == ["service"], \
        "the shop at 100 % of a core is information, not a harness finding"
    run_case = next(c for c in junit.iter("testcase") if c.get("name") == "run")
    assert SATURATED[0] in (run_case.find("error").get("message") or "")  # type: ignore[union-attr]
    assert "Harness load" in html and "98 %" in html and SATURATED[0] in html
    assert "gateway /healthz round trip (event-loop lag): p50 3.0 ms, p90 9.5 ms" in html
    again = harness("check", str(run))
    assert again.returncode == 3 and again.stdout.startswith("INCONCLUSIVE")


def test_an_unplanned_shop_exit_in_meta_fails_the_run_as_shop_health(tmp_path: Path) -> None:
    exits = [_exit("service", "shop")]
    run = _run(tmp_path, health={"watched": True, "unplanned_exits": exits})
    line, summary, junit, html = _outputs(run)
    assert line.startswith("FAIL smoke") and "(shop-health)" in line
    assert summary["verdict"] == "fail"
    health = next(c for c in summary["checks"] if c["id"] == "shop-health")
    assert health["ok"] is False and "service (code -9)" in health["detail"]
    case = next(c for c in junit.iter("testcase") if c.get("name") == "shop-health")
    assert case.find("failure") is not None
    assert "Unplanned exits" in html and "boom" in html
    assert harness("check", str(run)).returncode == 1


def test_a_watched_run_with_no_exit_passes_shop_health(tmp_path: Path) -> None:
    run = _run(tmp_path, health={"watched": True, "unplanned_exits": []})
    line, summary, _junit, _html = _outputs(run)
    assert line.startswith("PASS smoke"), line
    assert next(c for c in summary["checks"] if c["id"] == "shop-health")["ok"] is True


def test_a_fake_dying_unplanned_is_inconclusive_not_the_shops_fault(tmp_path: Path) -> None:
    exits = [_exit("gateway", "harness")]
    run = _run(tmp_path, health={"watched": True, "unplanned_exits": exits})
    line, summary, _junit, _html = _outputs(run)
    assert summary["verdict"] == "inconclusive", line
    assert summary["inconclusive"] == [
        "harness: gateway exited with code -9 and no fault planned it"]
    assert next(c for c in summary["checks"] if c["id"] == "shop-health")["ok"] is True
