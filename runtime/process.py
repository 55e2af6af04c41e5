"""The parent side of the READY protocol: start, await READY, signal, stop.

One helper serves the conductor's stack, process chaos and the tests, so a
child is started and stopped the same way everywhere and never outlives us:
by default it is tied to us with `runtime.orphans.die_with_parent` (the
kernel SIGKILLs it if we die without cleaning up) and runs in its own process
group (the terminal's Ctrl-C reaches only the conductor).

Beware: Linux delivers the parent-death signal when the *thread* that forked
the child exits, not the process. Start children from a long-lived thread (the
main thread, or a pool that lives as long as the children), never from a
short-lived worker thread, or they die with it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from runtime.announce import parse_ready
from runtime.orphans import die_with_parent


class ProcessError(RuntimeError):
    """A managed child failed to start, or died before it was ready."""


class ManagedProcess:
    """A child process speaking the READY protocol.

    ``argv`` should contain ``--port 0`` (or a fixed port); after the first
    start the resolved port is reused on restart so clients find it again.
    ``orphan_proof=False`` lets the child outlive us (only for a daemon meant
    to, which nothing in faka-drill is today).
    """

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        cwd: str | Path | None = None,
        log_path: str | Path | None = None,
        ready_timeout: float = 30.0,
        orphan_proof: bool = True,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = env
        self.cwd = str(cwd) if cwd else None
        self.log_path = Path(log_path) if log_path else None
        self.ready_timeout = ready_timeout
        self.orphan_proof = orphan_proof
        self.ready: dict[str, Any] = {}
        self.popen: subprocess.Popen[str] | None = None
        self.paused = False
        self._stdout_tail: deque[str] = deque(maxlen=50)
        self._log_file: IO[str] | None = None

    # -- facts -------------------------------------------------------------
    @property
    def port(self) -> int:
        return int(self.ready["port"])

    @property
    def url(self) -> str:
        return str(self.ready.get("url") or f"http://127.0.0.1:{self.port}")

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen else None

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def exit_code(self) -> int | None:
        """The exit code once the child has ended (negative: killed by that signal), else None."""
        return self.popen.poll() if self.popen is not None else None

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> dict[str, Any]:
        """Start and block until READY; raise `ProcessError` with the log tail if it fails."""
        if self.alive():
            raise ProcessError(f"{self.name} is already running (pid {self.pid})")
        argv = self._argv_with_known_port()
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **(self.env or {})}
        if self.log_path:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log_file = open(self.log_path, "a", encoding="utf-8")  # noqa: SIM115
        try:
            self.popen = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=self._log_file or subprocess.PIPE,
                text=True,
                env=env,
                cwd=self.cwd,
                process_group=0,
                preexec_fn=die_with_parent() if self.orphan_proof else None,
            )
        except OSError as exc:
            raise ProcessError(f"cannot start {self.name} ({argv[0]}): {exc}") from exc
        self.ready = self._await_ready()
        self.paused = False
        return self.ready

    def stop(self, grace: float = 3.0) -> int | None:
        """SIGTERM, wait `grace` seconds, then SIGKILL. Returns the exit code."""
        proc = self.popen
        if proc is None:
            return None
        if proc.poll() is None:
            if self.paused:
                self.signal(signal.SIGCONT)
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                proc.wait(5)
        self.paused = False
        self._close_log()
        return proc.returncode

    def kill(self) -> None:
        """SIGKILL without grace (process chaos)."""
        if self.alive():
            self.signal(signal.SIGKILL)
            assert self.popen is not None
            self.popen.wait(5)
        self.paused = False

    def pause(self) -> None:
        self.signal(signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        self.signal(signal.SIGCONT)
        self.paused = False

    def restart(self, grace: float = 3.0) -> dict[str, Any]:
        self.stop(grace)
        return self.start()

    def signal(self, sig: int) -> None:
        if self.alive():
            assert self.popen is not None
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.popen.pid, sig)

    def log_tail(self, lines: int = 20) -> str:
        text = ""
        if self.log_path and self.log_path.exists():
            with open(self.log_path, encoding="utf-8", errors="replace") as fh:
                text = "".join(deque(fh, maxlen=lines))
        return text + "".join(self._stdout_tail)

    def __enter__(self) -> ManagedProcess:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- internals ---------------------------------------------------------
    def _argv_with_known_port(self) -> list[str]:
        argv = list(self.argv)
        if self.ready and "--port" in argv:
            i = argv.index("--port")
            if i + 1 < len(argv) and argv[i + 1] == "0":
                argv[i + 1] = str(self.port)
        return argv

    def _await_ready(self) -> dict[str, Any]:
        assert self.popen is not None and self.popen.stdout is not None
        found: dict[str, Any] = {}
        got = threading.Event()
        stdout = self.popen.stdout
        stderr_tail: deque[str] = deque(maxlen=30)

        def pump_stdout() -> None:
            for line in stdout:
                self._stdout_tail.append(line)
                if not got.is_set():
                    parsed = parse_ready(line)
                    if parsed is not None:
                        found.update(parsed)
                        got.set()
            got.set()

        def pump_stderr() -> None:
            assert self.popen is not None and self.popen.stderr is not None
            for line in self.popen.stderr:
                stderr_tail.append(line)
                sys.stderr.write(f"[{self.name}] {line}")

        threading.Thread(target=pump_stdout, daemon=True, name=f"{self.name}-stdout").start()
        if self._log_file is None:
            threading.Thread(target=pump_stderr, daemon=True, name=f"{self.name}-stderr").start()
        deadline = time.monotonic() + self.ready_timeout
        while not got.wait(0.05):
            if time.monotonic() > deadline:
                self.stop(grace=1)
                raise ProcessError(
                    f"{self.name} did not print READY within {self.ready_timeout:.0f}s; "
                    f"last output:\n{self.log_tail()}{''.join(stderr_tail)}"
                )
        if not found:
            self.popen.wait(5)
            raise ProcessError(
                f"{self.name} exited with code {self.popen.returncode} before it was ready; "
                f"last output:\n{self.log_tail()}{''.join(stderr_tail)}"
            )
        return found

    def _close_log(self) -> None:
        if self._log_file:
            self._log_file.close()
            self._log_file = None
