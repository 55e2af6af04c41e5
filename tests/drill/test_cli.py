"""harness.py as a user runs it: exit codes, the smoke drill end to end, Ctrl-C mid-run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "FAKA_DRILL_NO_BOOTSTRAP": "1", "CI": "true", "PYTHONUNBUFFERED": "1"}


def harness(*args: str, timeout: float = 30, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "harness.py", *args], cwd=ROOT, env={**ENV, **env},
                          capture_output=True, text=True, timeout=timeout, check=False)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_validate_good_scenario_exits_0() -> None:
    r = harness("validate", "smoke")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("ok: ")


def test_validate_bad_scenario_exits_2_naming_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "x"\n[[catalogue]]\nid = "p"\n[load]\nusers = "many"\n')
    r = harness("validate", str(bad))
    assert r.returncode == 2
    assert f"{bad}: load.users = 'many'" in r.stderr


def test_unknown_scenario_exits_2() -> None:
    r = harness("run", "no-such-drill")
    assert r.returncode == 2 and "known scenarios" in r.stderr


@pytest.mark.parametrize("option", [
    ("--db", "postgresql+psycopg://postgres@10.1.2.3:5432/test"),
    ("--toxiproxy", "http://10.1.2.3:8474")])
def test_a_non_loopback_target_exits_2_before_any_folder_or_process(
        option: tuple[str, str], tmp_path: Path) -> None:
    r = harness("run", "smoke", *option, "--out", str(tmp_path))
    assert r.returncode == 2 and "allow-non-loopback" in r.stderr, r.stderr
    assert not tmp_path.exists() or not any(tmp_path.iterdir()), "no run folder is made"


def test_list_shows_every_scenario_with_tags() -> None:
    r = harness("list")
    assert r.returncode == 0
    assert "smoke" in r.stdout and "[smoke, ci, nightly]" in r.stdout


def test_run_smoke_end_to_end(tmp_path: Path) -> None:
    """The CI's key test: a real drill, exit 0, the report files, the folder printed last.
    Run with --lang zh (over FAKA_DRILL_LANG=en), re-judged with --lang en (over
    FAKA_DRILL_LANG=zh): one drill proves both languages and the flag's precedence."""
    r = harness("run", "smoke", "--lang", "zh", "--out", str(tmp_path), timeout=150,
                FAKA_DRILL_LANG="en")
    lines = r.stdout.strip().splitlines()
    assert r.returncode == 0, r.stdout + r.stderr[-3000:]
    run_dir = Path(lines[-1])
    assert run_dir.parent == tmp_path and lines[-2].startswith("通过 smoke：")
    assert "阶段 压测" in r.stderr and "故障 注入" in r.stderr, r.stderr[-2000:]
    assert "<h2>检查项</h2>" in (run_dir / "report.html").read_text(encoding="utf-8")
    for name in ("summary.json", "junit.xml", "report.html", "meta.json", "spec.json",
                 "history.jsonl", "faults.jsonl", "export.json", "stock.json", "scenario.toml"):
        assert (run_dir / name).exists(), name
    meta = json.loads((run_dir / "meta.json").read_text())
    assert meta["interrupted"] is False and meta["toxiproxy"]["kind"] == "embedded"
    assert not any(_alive(pid) for pid in meta["pids"].values())
    nemesis = [json.loads(x) for x in (run_dir / "history.jsonl").read_text().splitlines()
               if '"nemesis"' in x]
    assert [op["value"]["action"] for op in nemesis] == ["inject", "heal"]
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["lang"] == "zh" and "no-loss" in {c["id"] for c in summary["checks"]}
    table = {row["name"]: row for row in summary["requests"]}
    assert table["create_order"]["requests"] >= summary["metrics"]["orders_created"] > 0
    assert table["total"]["requests"] == sum(r["requests"] for r in summary["requests"][:-1])
    again = harness("check", str(run_dir), "--lang", "en", FAKA_DRILL_LANG="zh")
    assert again.returncode == 0 and again.stdout.startswith("PASS smoke: ")
    assert "<h2>Checks</h2>" in (run_dir / "report.html").read_text(encoding="utf-8")


def test_sigint_mid_run_stops_every_child_within_5s_and_writes_a_partial_report(
        tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "harness.py", "run", "smoke", "--out", str(tmp_path)],
                            cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    assert proc.stderr is not None
    deadline = time.monotonic() + 60
    for line in proc.stderr:                    # wait for the load phase, bounded
        if "phase load" in line or time.monotonic() > deadline:
            break
    run_dir = next(tmp_path.iterdir())
    # the point is an interrupt *during* load: wait until buyers have recorded ops
    wait_until(lambda: any(p.stat().st_size for p in (run_dir / "load").glob("history-*.jsonl")),
               timeout=30, what="buyer ops recorded")
    pids = json.loads((run_dir / "meta.json").read_text())["pids"]
    proc.send_signal(signal.SIGINT)
    wait_until(lambda: not any(_alive(pid) for pid in pids.values()), timeout=5,
               what="every child gone after SIGINT")
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 3, "an interrupted run is inconclusive, never a pass or a fail"
    meta = json.loads((run_dir / "meta.json").read_text())
    assert meta["interrupted"] is True and meta["interrupted_phase"] == "load"
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["verdict"] == "inconclusive"
    assert any("interrupted during load" in r for r in summary["inconclusive"])
    lines = out.strip().splitlines()
    assert lines[-1] == str(run_dir) and lines[-2].startswith("INCONCLUSIVE smoke")
    for line in (run_dir / "faults.jsonl").read_text().splitlines() if (
            run_dir / "faults.jsonl").exists() else []:
        assert json.loads(line)["ok"]



def test_serve_prints_urls_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    import httpx

    proc = subprocess.Popen([sys.executable, "harness.py", "serve", "smoke", "--out",
                             str(tmp_path)], cwd=ROOT, env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    text, deadline = "", time.monotonic() + 60
    for line in proc.stdout:                    # the URLs JSON object, bounded
        text += line
        if line.startswith("}") or time.monotonic() > deadline:
            break
    urls = json.loads(text)
    assert httpx.get(urls["service"] + "/healthz", timeout=5).status_code == 200
    assert "link:supplier_primary" in urls
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=15)
    with pytest.raises(httpx.TransportError):
        httpx.get(urls["service"] + "/healthz", timeout=2)
