"""No orphans: a child started by faka-drill dies when the process that started it dies.

A harness killed with SIGKILL runs no cleanup, so its children must be tied to
it by the kernel: Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` makes the kernel
kill the child the moment its parent goes.  Use it as a ``preexec_fn``::

    subprocess.Popen(argv, preexec_fn=die_with_parent())

Three facts to know:

- It is race-free only with the check done here: the parent may die between
  ``fork`` and ``prctl``; then the signal never comes, so after ``prctl`` the
  child compares ``os.getppid()`` to the pid it expected and kills itself if
  they differ.
- The signal fires when the *thread* that forked the child exits, not the
  process.  Start children from a long-lived thread (the main thread, or a
  pool that lives as long as the children).
- It ties only the direct child: the flag is cleared in a forked child.  A
  program that forks workers of its own must tie them to itself: call
  `tie_forked_children` once before it forks.  Locust's ``--processes``
  workers need this: when their master is SIGKILLed they run on until their
  60 s master-heartbeat timeout; a locustfile is imported before the fork, so
  calling `tie_forked_children` at its top ties every worker to the master.

Outside Linux this is a no-op: there is no parent-death signal to ask for.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1


def _load_prctl() -> Callable[..., int] | None:
    """Resolve prctl in the parent: dlopen after fork in a threaded process can deadlock."""
    if not sys.platform.startswith("linux"):
        return None
    prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    return prctl


_PRCTL = _load_prctl()


def tie_to_parent(parent_pid: int, sig: int = signal.SIGKILL) -> None:
    """Ask the kernel to send `sig` to this process when `parent_pid` (its parent) dies.

    If the parent is already gone (``os.getppid() != parent_pid``), die now
    with `sig` rather than live on as an orphan.  Raises `OSError` when the
    kernel refuses the request, so the caller never believes in a tie that
    does not exist.
    """
    if _PRCTL is None:
        return
    if _PRCTL(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"prctl(PR_SET_PDEATHSIG) failed: {os.strerror(errno)}")
    if os.getppid() != parent_pid:
        os.kill(os.getpid(), sig)


def die_with_parent(sig: int = signal.SIGKILL) -> Callable[[], None]:
    """A ``preexec_fn`` tying the child to the calling process (see the module docstring).

    Call it in the parent, where ``os.getpid()`` is the pid the child must
    watch; the returned function runs in the child between fork and exec.
    """
    parent_pid = os.getpid()

    def preexec() -> None:
        tie_to_parent(parent_pid, sig)

    return preexec


def tie_forked_children(sig: int = signal.SIGKILL) -> None:
    """From now on, every child this process forks (``os.fork``) dies when its forker dies.

    The forker's pid is recorded just before each fork, so a child forking in
    turn ties its own children to itself, not to its parent.
    """
    forker = {"pid": os.getpid()}

    def record_forker() -> None:
        forker["pid"] = os.getpid()

    def tie_child() -> None:
        tie_to_parent(forker["pid"], sig)

    os.register_at_fork(before=record_forker, after_in_child=tie_child)
