"""How LoadRun asks Locust for each way of splitting the load (no process started)."""

from pathlib import Path

import pytest

from drill.load import LoadPlan, LoadRun
from drill.load.runner import MASTER_BIND_ENV
from runtime.loopback import NonLoopbackError

BASE = {"service_url": "http://127.0.0.1:1", "gateway_url": "http://127.0.0.1:2",
        "products": ("steam-50",), "shape": "arrival_rate", "rate": 10.0}


def _after(argv: list[str], flag: str) -> str:
    return argv[argv.index(flag) + 1]


def test_master_expects_every_worker_and_binds_loopback(tmp_path: Path) -> None:
    argv = LoadRun(LoadPlan(**BASE, workers=3, local_workers=1), tmp_path).argv()
    assert "--master" in argv and _after(argv, "--expect-workers") == "3"
    assert (_after(argv, "--master-bind-host"), _after(argv, "--master-bind-port")) == (
        "127.0.0.1", "0")
    assert _after(argv, "-u") == "3", "one arrival scheduler a worker"
    assert "--processes" not in argv


def test_processes_mode_is_unchanged(tmp_path: Path) -> None:
    argv = LoadRun(LoadPlan(**BASE, processes=2), tmp_path).argv()
    assert _after(argv, "--processes") == "2" and "--master" not in argv


def test_master_bind_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = LoadPlan(**BASE, workers=2)
    monkeypatch.setenv(MASTER_BIND_ENV, "0.0.0.0:5557")
    with pytest.raises(NonLoopbackError, match="Locust master bind"):
        LoadRun(plan, tmp_path)
    argv = LoadRun(plan, tmp_path, allow_non_loopback=True).argv()
    assert (_after(argv, "--master-bind-host"), _after(argv, "--master-bind-port")) == (
        "0.0.0.0", "5557")
    monkeypatch.setenv(MASTER_BIND_ENV, "5557")
    with pytest.raises(ValueError, match="is not host:port"):
        LoadRun(plan, tmp_path)
    monkeypatch.setenv(MASTER_BIND_ENV, "nonsense")
    LoadRun(LoadPlan(**BASE), tmp_path)  # not master/worker: the variable is not read
