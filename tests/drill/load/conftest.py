"""The toy shop (tests/drill/load/toyshop.py) on loopback, once per test module."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from runtime import ManagedProcess

TOYSHOP = Path(__file__).with_name("toyshop.py")


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ManagedProcess]:
    log = tmp_path_factory.mktemp("toyshop") / "toyshop.log"
    with ManagedProcess("toyshop", [sys.executable, str(TOYSHOP), "--port", "0"],
                        log_path=log) as proc:
        yield proc
