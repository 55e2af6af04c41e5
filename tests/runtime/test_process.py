"""The READY protocol against real child processes."""

from __future__ import annotations

import socket
import sys
import time
from pathlib import Path

import httpx
import pytest

from runtime import ManagedProcess, NonLoopbackError, ProcessError, ensure_loopback

CHILD = [sys.executable, "-m", "tests.runtime._echo_app", "--port", "0"]
ROOT = Path(__file__).resolve().parents[2]


def test_ready_line_gives_a_working_port() -> None:
    with ManagedProcess("echo", CHILD, cwd=ROOT) as proc:
        assert proc.ready["component"] == "echo"
        assert httpx.get(proc.url + "/").text == "hello"
    assert not proc.alive()


def test_child_that_dies_before_ready_reports_its_stderr(tmp_path: Path) -> None:
    proc = ManagedProcess("broken", [*CHILD, "--fail"], cwd=ROOT, log_path=tmp_path / "b.log")
    with pytest.raises(ProcessError, match="boom: configured to fail"):
        proc.start()
    assert not proc.alive()


def test_restart_keeps_the_port_and_kill_is_seen_by_clients() -> None:
    proc = ManagedProcess("echo", CHILD, cwd=ROOT)
    proc.start()
    try:
        port = proc.port
        proc.kill()
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://127.0.0.1:{port}/")
        proc.start()
        assert proc.port == port
        assert httpx.get(proc.url).text == "hello"
    finally:
        proc.stop()


def test_paused_child_does_not_answer_until_resumed() -> None:
    with ManagedProcess("echo", CHILD, cwd=ROOT) as proc:
        proc.pause()
        with pytest.raises(httpx.TimeoutException):
            httpx.get(proc.url, timeout=0.5)
        proc.resume()
        assert httpx.get(proc.url, timeout=5).text == "hello"


def test_stop_of_a_paused_child_is_prompt() -> None:
    proc = ManagedProcess("echo", CHILD, cwd=ROOT)
    proc.start()
    proc.pause()
    started = time.monotonic()
    proc.stop(grace=2)
    assert not proc.alive()
    assert time.monotonic() - started < 3


def test_non_loopback_bind_is_refused() -> None:
    proc = ManagedProcess("echo", [*CHILD, "--host", "8.8.8.8"], cwd=ROOT)
    with pytest.raises(ProcessError, match="not on loopback"):
        proc.start()


@pytest.mark.parametrize("target", ["127.0.0.1:80", "http://localhost:8474", "[::1]:5432", "http://127.9.9.9/"])
def test_loopback_targets_pass(target: str) -> None:
    ensure_loopback(target)


@pytest.mark.parametrize("target", ["10.0.0.1:80", "http://192.168.1.5:8474", "http://example.invalid/"])
def test_other_targets_are_refused_unless_allowed(target: str) -> None:
    with pytest.raises(NonLoopbackError, match="allow-non-loopback"):
        ensure_loopback(target)
    ensure_loopback(target, allow=True)


def test_port_in_use_gives_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = ManagedProcess("echo", [*CHILD[:-1], str(port)], cwd=ROOT)
        with pytest.raises(ProcessError, match="cannot bind"):
            proc.start()
