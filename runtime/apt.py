"""Debian packages the tests need (dockerd, busybox, Chromium), installed with apt-get.

One lock for every installer on the box: the test command runs pytest in parallel
workers, and two `apt-get` runs at once fail on dpkg's lock instead of waiting.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from pathlib import Path

LOCK = Path("/tmp/faka-drill-apt.lock")


def apt_install(packages: list[str], *, recommends: bool = True,
                timeout_s: float = 900.0) -> str:
    """`apt-get update` then install `packages`, one installer at a time on this box.

    Returns the reason it failed (the command and the tail of its output), empty on success.
    """
    if shutil.which("apt-get") is None:
        return "apt-get is not available here"
    if os.geteuid() != 0:
        return f"installing needs root (uid is {os.geteuid()}); as root run " \
               f"`apt-get install {' '.join(packages)}`"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    with LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)       # released when the file closes
        for argv in (["apt-get", "update", "-qq"],
                     ["apt-get", "install", "-y", "-qq",
                      *([] if recommends else ["--no-install-recommends"]), *packages]):
            try:
                done = subprocess.run(argv, env=env, capture_output=True, text=True,
                                      timeout=timeout_s, check=False)
            except subprocess.TimeoutExpired:
                return f"`{' '.join(argv)}` took over {timeout_s:g} s; is the Debian mirror " \
                       "reachable?"
            if done.returncode != 0:
                tail = "\n".join((done.stdout + done.stderr).splitlines()[-15:])
                return f"`{' '.join(argv)}` exited {done.returncode}:\n{tail}"
    return ""
