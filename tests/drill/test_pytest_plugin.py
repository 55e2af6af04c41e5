"""The pytest plugin (drill/pytest_plugin.py), as a user's pytest loads it: through its entry point.

pytester runs each user test file in a fresh pytest session that loads the
installed plugin by its entry point: in-process where the inner run imports
only what this module already imported (pytester drops modules a run newly
imported, and numpy cannot be loaded twice), in a child pytest (~20 s of
plugin start-up on a busy box) for the drill itself. The passing path of
`run_drill` and `drill_target` is examples/test_my_shop.py (collected by the
project's test command); here: the failing path, the options, and that
loading the plugin costs the project's own suite nothing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import drill.pytest_world  # (imported before pytester's in-process runs; see above)
import drill.targets.conduct  # noqa: F401  (run_drill's; it pulls in numpy via the report)
from drill.errors import ScenarioError
from drill.pytest_plugin import scenario_with

pytest_plugins = ("pytester",)


def test_importing_the_plugin_pulls_in_nothing_heavy() -> None:
    """pytest imports the plugin in every session of a project that installs faka-drill."""
    code = ("import sys; import drill.pytest_plugin; print(sorted(m for m in ('locust', "
            "'gevent', 'httpx', 'drill.run', 'drill.targets', 'drill.scenario') if m in "
            "sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_the_fixtures_are_registered_by_the_entry_point(pytester: pytest.Pytester) -> None:
    listed = pytester.runpytest("--fixtures", "-p", "no:cacheprovider")
    for name in ("run_drill", "drill_world", "drill_target", "drill_product", "drill_http"):
        listed.stdout.fnmatch_lines([f"{name}*"])
    listed.stdout.fnmatch_lines(["*drill/pytest_plugin.py*"])


def test_options_and_environment_reach_drill_config(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKA_DRILL_TARGET_OPTIONS", "admin_email=ops@example.com")
    pytester.makepyfile(test_user="""
        def test_config(drill_config):
            assert drill_config.target == "kamifaka"
            assert drill_config.target_url == "http://127.0.0.1:18080"
            assert dict(drill_config.target_options) == {"admin_email": "ops@example.com",
                                                         "admin_password": "s=cret"}
            assert drill_config.external
    """)
    result = pytester.runpytest(
        "--drill-target", "kamifaka", "--drill-target-url", "http://127.0.0.1:18080",
        "--drill-target-option", "admin_password=s=cret")
    result.assert_outcomes(passed=1)


def test_a_malformed_target_option_is_a_usage_error_naming_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user="def test_config(drill_config):\n    pass\n")
    result = pytester.runpytest("--drill-target-option", "admin_password")
    result.stdout.fnmatch_lines(["*'admin_password': write KEY=VALUE*"])
    assert result.ret != 0


def test_a_non_loopback_shop_is_refused_without_the_opt_in(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user="def test_shop(drill_target):\n    pass\n")
    result = pytester.runpytest("--drill-target", "kamifaka",
                                           "--drill-target-url", "http://203.0.113.9:8000")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*203.0.113.9*"])


def test_run_drill_hands_the_target_options_to_the_harness(pytester: pytest.Pytester) -> None:
    """Against --drill-target-url, the harness's own refusals (no bug-zoo defect in a shop it
    did not start; a world base port out of range) come back before any process or folder."""
    pytester.makepyfile(test_user="""
        import pytest
        from drill.errors import DrillError

        def test_defect_on_your_shop(run_drill):
            with pytest.raises(DrillError, match="cannot be run against --target-url"):
                run_drill("smoke", defects=("no-key-cas",))
            assert run_drill.runs == []
    """)
    url = ("--drill-target", "kamifaka", "--drill-target-url", "http://127.0.0.1:9")
    pytester.runpytest(*url).assert_outcomes(passed=1)
    pytester.makepyfile(test_user="""
        def test_world(run_drill):
            run_drill("smoke")
    """)
    result = pytester.runpytest(*url, "--drill-world-ports", "80")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*--drill-world-ports 80: base port 80 is out of range*"])


def test_run_drill_hands_back_a_failing_verdict_and_names_the_run_folder(
        pytester: pytest.Pytester, tmp_path: Path) -> None:
    """A drill whose latency bound no shop can meet: the user's assert fails, and the test's
    output carries the verdict line and the report's path (the folder exists)."""
    pytester.makepyfile(test_user="""
        def test_impossible(run_drill):
            analysis = run_drill("smoke", load={"duration": "2s", "rate": 3}, faults=[],
                                 expect={"settle": "6s", "thresholds": ["delivery_p99 < 1ms"]})
            assert analysis.failed == ["latency"]     # the latency check judges delivery_p99
            assert analysis.overall == "pass", analysis.line()
    """)
    out = tmp_path / "runs"
    result = pytester.runpytest_subprocess("--drill-out", str(out), timeout=240)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*faka-drill*", "* smoke: *failed (latency)*",
                                 "report: *report.html"])
    runs = [p for p in out.iterdir() if p.is_dir()]
    assert len(runs) == 1 and (runs[0] / "report.html").is_file()
    assert (out / "index.jsonl").is_file()


def test_scenario_with_merges_tables_and_replaces_fields() -> None:
    s = scenario_with("smoke", seed=3, load={"duration": "4s"}, faults=[],
                      expect={"thresholds": ["error_rate < 1%"]})
    assert (s.seed, s.load.duration, s.faults) == (3, 4.0, ())
    assert s.load.rate == 12 and s.expect.settle == 20.0     # the file's other keys stay
    assert len(s.expect.thresholds) == 1


def test_scenario_with_reports_a_bad_override_naming_the_field() -> None:
    with pytest.raises(ScenarioError) as exc:
        scenario_with("smoke", load={"duraton": "4s"})
    assert "load.duraton" in str(exc.value)
