"""PrivateDockerd's pieces: the busybox rootfs, and the sweep after a SIGKILLed owner.

Starting, stopping and using the daemon is proven by tests/drill/faults
(the container faults run against it).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from runtime import DockerdError, PrivateDockerd, die_with_parent
from runtime.dockerd import BUSYBOX_APPLETS, ROOT_PREFIX, busybox_rootfs_tar, sweep_stale_daemons
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]


def test_the_rootfs_holds_busybox_its_applets_and_a_page(tmp_path: Path) -> None:
    fake = tmp_path / "busybox"
    fake.write_bytes(b"\x7fELF static busybox")
    with tarfile.open(fileobj=io.BytesIO(busybox_rootfs_tar(fake))) as tar:
        members = {m.name: m for m in tar.getmembers()}
        page = tar.extractfile("www/index.html")
        assert page is not None and page.read() == b"hello from busybox\n"
    assert members["bin/busybox"].isfile() and members["bin/busybox"].mode & 0o111
    assert {members[f"bin/{a}"].linkname for a in BUSYBOX_APPLETS} == {"busybox"}
    assert members["tmp"].isdir()


def test_a_missing_busybox_and_a_long_socket_path_are_explained(tmp_path: Path) -> None:
    with pytest.raises(DockerdError, match="busybox-static"):
        busybox_rootfs_tar(tmp_path / "nothing")
    with pytest.raises(DockerdError, match=r"too long for a unix socket|needs root"):
        PrivateDockerd(tmp_path / ("x" * 120)).start()


@pytest.fixture()
def short_tmp() -> Iterator[Path]:
    """A folder with a short path (unix socket paths are limited to 108 bytes)."""
    base = Path(tempfile.mkdtemp(prefix="h5-sweep-"))
    yield base
    sweep_stale_daemons(base)
    shutil.rmtree(base)


def _naming(root: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        if any(str(root) in part for part in proc.info["cmdline"] or ()):
            found += [proc, *proc.children(recursive=True)]
    return found


def _running(procs: list[psutil.Process]) -> list[psutil.Process]:
    alive = []
    for proc in procs:
        try:
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                alive.append(proc)
        except psutil.Error:
            continue
    return alive


def test_containers_left_by_a_sigkilled_owner_are_swept(short_tmp: Path) -> None:
    """dockerd dies with its owner, containerd's shims do not: the next start sweeps them."""
    root = short_tmp / f"{ROOT_PREFIX}owner"
    owner = subprocess.Popen([sys.executable, "-m", "tests.runtime._dockerd_owner", str(root)],
                             cwd=ROOT, stdout=subprocess.PIPE, text=True,
                             preexec_fn=die_with_parent())
    assert owner.stdout is not None
    report = json.loads(owner.stdout.readline() or '{"error": "the owner died"}')
    if "error" in report:
        owner.wait(30)
        if os.environ.get("CI") == "true":
            pytest.fail(f"a private dockerd could not start (CI=true requires it): {report}")
        pytest.skip(f"a private dockerd could not start: {report['error']}")
    kin = _naming(root)
    assert any("sleep" in " ".join(p.cmdline()) for p in kin), "the container's sleep runs"
    owner.send_signal(signal.SIGKILL)
    owner.wait(5)
    wait_until(lambda: not any(p.name() == "dockerd" for p in _running(kin)), timeout=10,
               what="dockerd dead with its owner")
    assert _running(kin), "the shim and its container outlive the owner (why the sweep exists)"
    assert sweep_stale_daemons(short_tmp) == [root]
    wait_until(lambda: not _running(kin), timeout=5, what="the shim and the container gone")
    assert not root.exists()
    with open("/proc/self/mounts", encoding="utf-8") as mounts:
        assert str(root) not in mounts.read()


class _Misconfigured(PrivateDockerd):
    def argv(self) -> list[str]:
        return [*super().argv(), "--no-such-flag"]


def test_a_dockerd_that_exits_at_once_is_reported_with_its_log(short_tmp: Path) -> None:
    if shutil.which("dockerd") is None or os.geteuid() != 0:
        pytest.skip("needs dockerd installed and root")
    daemon = _Misconfigured(short_tmp / f"{ROOT_PREFIX}bad")
    with pytest.raises(DockerdError, match=r"(?s)dockerd exited with code \d+ .*no-such-flag"):
        daemon.start()
    assert not (short_tmp / f"{ROOT_PREFIX}bad" / "docker.sock").exists()
