"""A private Docker daemon for container chaos on a machine with no registry.

Container faults need a real dockerd, and CI boxes have none running and no
internet.  `PrivateDockerd` installs Debian's ``docker.io`` and
``busybox-static`` when they are missing, starts ``dockerd`` on its own unix
socket with its own data and exec roots in one folder (vfs storage, no
iptables, no bridge: the host's network and any system daemon stay untouched;
containers use host networking and bind 127.0.0.1), waits until the API
answers a ping, and imports a tiny image made of the static busybox (no
registry).  `stop()` removes every container, stops the daemon, unmounts what
it left and deletes the folder::

    with PrivateDockerd() as dockerd:
        image = dockerd.import_busybox_image()
        dockerd.client().containers.run(image, ["httpd", "-f", "-p", "127.0.0.1:8080"],
                                        network_mode="host", detach=True)

dockerd needs root.  It is tied to us with `runtime.orphans.die_with_parent`.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import os
import shutil
import signal
import subprocess
import tarfile
import tempfile
import time
from collections import deque
from pathlib import Path
from typing import IO, TYPE_CHECKING

import httpx
import psutil

from runtime.apt import apt_install
from runtime.orphans import die_with_parent

if TYPE_CHECKING:
    import docker

BUSYBOX = Path("/bin/busybox")
BUSYBOX_APPLETS = ("cat", "echo", "httpd", "kill", "ls", "sh", "sleep", "wget")
DEFAULT_IMAGE = "faka-drill/busybox:latest"
ROOT_PREFIX = "faka-dockerd-"
_STARTING_GRACE_S = 120.0  # a folder this young without a pidfile may be a daemon starting
_MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes
_MNT_DETACH = 2


class DockerdError(RuntimeError):
    """dockerd could not be installed, started or stopped; the message says why and what to do."""


def install_dockerd(*, timeout_s: float = 600.0) -> None:
    """apt-get install ``docker.io`` and ``busybox-static`` if dockerd or busybox is missing."""
    if shutil.which("dockerd") and BUSYBOX.is_file():
        return
    if shutil.which("apt-get") is None:
        raise DockerdError("dockerd is not installed and there is no apt-get here; "
                           "install Docker (dockerd) and a static busybox at /bin/busybox")
    why = apt_install(["docker.io", "busybox-static"], recommends=False, timeout_s=timeout_s)
    if why:
        raise DockerdError(f"dockerd is not installed and could not be installed: {why}")


def _unmount_below(root: Path) -> None:
    """Lazily unmount whatever is still mounted under `root` (dockerd leaves netns/default)."""
    prefix = str(root.resolve()) + "/"
    with open("/proc/self/mounts", encoding="utf-8") as fh:
        points = [line.split()[1] for line in fh if line.split()[1].startswith(prefix)]
    libc = ctypes.CDLL(None, use_errno=True)
    for point in sorted(points, key=len, reverse=True):
        libc.umount2(point.encode(), _MNT_DETACH)


def sweep_stale_daemons(tmp: Path | None = None) -> list[Path]:
    """Clean up after private daemons whose owner died without `stop` (SIGKILL).

    dockerd and its containerd die with their owner, but containerd's shims
    are built to outlive them and keep the containers running; so every
    ``faka-dockerd-*`` folder whose dockerd is gone has the processes naming
    it (and their descendants) killed, its mounts detached and is removed.
    Returns the folders swept.
    """
    swept = []
    for root in sorted(Path(tmp or tempfile.gettempdir()).glob(ROOT_PREFIX + "*")):
        if root.is_dir() and not _daemon_alive(root):
            _kill_processes_naming(root)
            _unmount_below(root)
            shutil.rmtree(root, ignore_errors=True)
            swept.append(root)
    return swept


def _daemon_alive(root: Path) -> bool:
    try:
        pid = int((root / "dockerd.pid").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return time.time() - root.stat().st_mtime < _STARTING_GRACE_S
    try:
        return str(root) in " ".join(psutil.Process(pid).cmdline())
    except psutil.Error:
        return False


def _kill_processes_naming(root: Path) -> None:
    """SIGKILL every process whose command line names `root`, and all their descendants."""
    doomed: list[psutil.Process] = []
    for proc in psutil.process_iter(["cmdline"]):
        with contextlib.suppress(psutil.Error):
            if any(str(root) in part for part in proc.info["cmdline"] or ()):
                doomed += [proc, *proc.children(recursive=True)]
    for proc in doomed:
        with contextlib.suppress(psutil.Error):
            proc.kill()


def busybox_rootfs_tar(busybox: Path = BUSYBOX) -> bytes:
    """A root filesystem tarball: /bin/busybox, its applet links, /www/index.html, /tmp."""
    if not busybox.is_file():
        raise DockerdError(f"{busybox} is missing; install busybox-static (a static busybox)")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for folder in ("bin", "tmp", "www"):
            info = tarfile.TarInfo(folder)
            info.type, info.mode = tarfile.DIRTYPE, 0o1777 if folder == "tmp" else 0o755
            tar.addfile(info)
        binary = tar.gettarinfo(str(busybox), arcname="bin/busybox")
        binary.mode, binary.uid, binary.gid = 0o755, 0, 0
        with open(busybox, "rb") as fh:
            tar.addfile(binary, fh)
        for applet in BUSYBOX_APPLETS:
            link = tarfile.TarInfo(f"bin/{applet}")
            link.type, link.linkname = tarfile.SYMTYPE, "busybox"
            tar.addfile(link)
        page = b"hello from busybox\n"
        index = tarfile.TarInfo("www/index.html")
        index.size, index.mode = len(page), 0o644
        tar.addfile(index, io.BytesIO(page))
    return buf.getvalue()


class PrivateDockerd:
    """One dockerd of our own: start, client, busybox image, stop (see the module docstring)."""

    def __init__(self, root: str | Path | None = None, *, start_timeout_s: float = 60.0) -> None:
        self._owns_root = root is None
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix=ROOT_PREFIX))
        self.start_timeout_s = start_timeout_s
        self.socket_path = self.root / "docker.sock"
        self.log_path = self.root / "dockerd.log"
        self.started_in_s: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._client: docker.DockerClient | None = None

    @property
    def base_url(self) -> str:
        return f"unix://{self.socket_path}"

    def argv(self) -> list[str]:
        r = self.root
        return ["dockerd", "--host", self.base_url, "--data-root", str(r / "data"),
                "--exec-root", str(r / "exec"), "--pidfile", str(r / "dockerd.pid"),
                "--config-file", str(r / "daemon.json"), "--storage-driver=vfs",
                "--iptables=false", "--ip-masq=false", "--bridge=none"]

    def start(self) -> PrivateDockerd:
        """Install if needed, start dockerd, return once its API answers (or raise DockerdError)."""
        if os.geteuid() != 0:
            raise DockerdError(f"dockerd needs root and this process runs as uid {os.geteuid()}")
        if len(str(self.socket_path)) > _MAX_SOCKET_PATH:
            raise DockerdError(f"socket path {self.socket_path} is too long for a unix socket; "
                               "pass a shorter root folder")
        install_dockerd()
        sweep_stale_daemons()
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "daemon.json").write_text("{}\n", encoding="utf-8")  # not /etc/docker's
        self._log = open(self.log_path, "ab")  # noqa: SIM115
        began = time.monotonic()
        self._proc = subprocess.Popen(self.argv(), stdin=subprocess.DEVNULL, stdout=self._log,
                                      stderr=subprocess.STDOUT, process_group=0,
                                      preexec_fn=die_with_parent())
        try:
            self._await_api()
        except DockerdError:
            self.stop()
            raise
        self.started_in_s = time.monotonic() - began
        return self

    def client(self) -> docker.DockerClient:
        """A docker SDK client for this daemon (one, reused; closed by `stop`)."""
        import docker

        if self._client is None:
            self._client = docker.DockerClient(base_url=self.base_url, timeout=60)
        return self._client

    def import_busybox_image(self, tag: str = DEFAULT_IMAGE) -> str:
        """Import the busybox rootfs as image `tag` (no registry involved); return the tag."""
        repository, _, version = tag.rpartition(":")
        self.client().api.import_image_from_data(busybox_rootfs_tar(), repository=repository,
                                                 tag=version)
        return tag

    def stop(self, grace_s: float = 15.0) -> None:
        """Remove every container, stop dockerd, unmount its leftovers, delete the folder."""
        if self._client is not None:
            import docker.errors
            import requests

            with contextlib.suppress(docker.errors.DockerException, requests.RequestException):
                for container in self._client.containers.list(all=True):  # daemon may be gone
                    container.remove(force=True)
            self._client.close()
            self._client = None
        self._stop_daemon(grace_s)
        _kill_processes_naming(self.root)
        _unmount_below(self.root)
        if self._owns_root:
            shutil.rmtree(self.root, ignore_errors=True)
            if self.root.exists():
                raise DockerdError(f"could not remove dockerd's folder {self.root}; "
                                   f"see `grep {self.root} /proc/self/mounts`")

    def log_tail(self, lines: int = 15) -> str:
        if not self.log_path.exists():
            return ""
        with open(self.log_path, encoding="utf-8", errors="replace") as fh:
            return "".join(deque(fh, maxlen=lines))

    def __enter__(self) -> PrivateDockerd:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- internals -----------------------------------------------------------
    def _await_api(self) -> None:
        assert self._proc is not None
        transport = httpx.HTTPTransport(uds=str(self.socket_path))
        deadline = time.monotonic() + self.start_timeout_s
        with httpx.Client(transport=transport, base_url="http://docker", timeout=2) as http:
            while time.monotonic() < deadline:
                if self._proc.poll() is not None:
                    raise DockerdError(f"dockerd exited with code {self._proc.returncode} "
                                       f"before its API answered; log tail:\n{self.log_tail()}")
                with contextlib.suppress(httpx.TransportError):
                    if http.get("/_ping").text == "OK":
                        return
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._proc.wait(0.1)  # wakes at once if dockerd dies
        raise DockerdError(f"dockerd's API did not answer within {self.start_timeout_s:g} s "
                           f"on {self.socket_path}; log tail:\n{self.log_tail()}")

    def _stop_daemon(self, grace_s: float) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(grace_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if self._log is not None:
            self._log.close()
            self._log = None
