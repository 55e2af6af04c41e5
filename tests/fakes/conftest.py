"""Session-scoped fake processes on loopback; every test starts from POST /_fake/reset.

Each fake is started lazily by the first test that asks for it, so running one
test file starts only the processes it needs.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from runtime import ManagedProcess

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
GATEWAY_SCALE = 600.0
SINK_SCALE = 600.0


def _start(name: str, *args: str) -> ManagedProcess:
    proc = ManagedProcess(name, [PY, "-m", *args, "--port", "0"], cwd=ROOT)
    proc.start()
    return proc


def reset(url: str) -> None:
    httpx.post(url + "/_fake/reset").raise_for_status()


@pytest.fixture(scope="session")
def merchant_proc() -> Iterator[ManagedProcess]:
    proc = _start("merchant", "tests.fakes._merchant")
    yield proc
    proc.stop()


@pytest.fixture(scope="session")
def gateway_proc() -> Iterator[ManagedProcess]:
    proc = _start("gateway", "fakes.payment", "--pid", "1001", "--key", "merchantkey",
                  "--seed", "7", "--time-scale", str(GATEWAY_SCALE))
    yield proc
    proc.stop()


@pytest.fixture(scope="session")
def primary_proc() -> Iterator[ManagedProcess]:
    proc = _start("primary", "fakes.supplier", "--name", "primary", "--api-key", "k",
                  "--api-secret", "s", "--seed", "11", "--semantics", "replay",
                  "--stock", "apple-100=1000,steam-50=1000,game-30=1000")
    yield proc
    proc.stop()


@pytest.fixture(scope="session")
def backup_proc() -> Iterator[ManagedProcess]:
    proc = _start("backup", "fakes.supplier", "--name", "backup", "--api-key", "k",
                  "--api-secret", "s", "--seed", "11", "--semantics", "reject",
                  "--stock", "apple-100=1000,steam-50=1000")
    yield proc
    proc.stop()


@pytest.fixture(scope="session")
def sink_proc() -> Iterator[ManagedProcess]:
    proc = _start("sink", "fakes.sink", "--seed", "3", "--time-scale", str(SINK_SCALE),
                  "--dingtalk-secret", "SEC123", "--dingtalk-keyword", "faka-alert")
    yield proc
    proc.stop()


@pytest.fixture
def merchant(merchant_proc: ManagedProcess) -> str:
    httpx.post(merchant_proc.url + "/_m/reset").raise_for_status()
    return merchant_proc.url


@pytest.fixture
def gateway(gateway_proc: ManagedProcess) -> str:
    reset(gateway_proc.url)
    return gateway_proc.url


@pytest.fixture
def primary(primary_proc: ManagedProcess) -> str:
    reset(primary_proc.url)
    return primary_proc.url


@pytest.fixture
def backup(backup_proc: ManagedProcess) -> str:
    reset(backup_proc.url)
    return backup_proc.url


@pytest.fixture
def sink(sink_proc: ManagedProcess) -> str:
    reset(sink_proc.url)
    return sink_proc.url
