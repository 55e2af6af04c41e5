"""A private dockerd for the container-fault tests, and one busybox web container per test.

Like PostgreSQL: with CI=true a dockerd that cannot start FAILS the tests
(skipping would hide container chaos); elsewhere they skip with the reason.
Teardown removes every container, stops the daemon and deletes its folder.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import docker
import httpx
import pytest

from runtime import DockerdError, PrivateDockerd
from tests.waiting import wait_until

WEB_LABELS = {"faka-drill.test": "web"}
WEB_LABEL = "faka-drill.test=web"  # the same, as a target names it


@pytest.fixture(scope="session")
def dockerd() -> Iterator[PrivateDockerd]:
    daemon = PrivateDockerd()
    try:
        daemon.start()
    except DockerdError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"a private dockerd could not start (CI=true requires it): {exc}")
        pytest.skip(f"a private dockerd could not start: {exc}")
    try:
        yield daemon
    finally:
        daemon.stop()


@pytest.fixture(scope="session")
def busybox_image(dockerd: PrivateDockerd) -> str:
    return dockerd.import_busybox_image()


@pytest.fixture()
def docker_client(dockerd: PrivateDockerd) -> docker.DockerClient:
    return dockerd.client()


@dataclass(frozen=True)
class Web:
    """A busybox httpd container on the host network, answering on 127.0.0.1:port."""

    name: str
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/index.html"

    def answers(self) -> bool:
        try:
            return httpx.get(self.url, timeout=1).text == "hello from busybox\n"
        except httpx.HTTPError:
            return False


def _free_port() -> int:
    # busybox httpd cannot report a port 0 it bound, so pick one; the window is tiny
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture()
def web(docker_client: docker.DockerClient, busybox_image: str) -> Iterator[Web]:
    site = Web(f"web-{uuid.uuid4().hex[:8]}", _free_port())
    container = docker_client.containers.run(
        busybox_image, ["httpd", "-f", "-p", f"127.0.0.1:{site.port}", "-h", "/www"],
        name=site.name, network_mode="host", labels=WEB_LABELS,
        detach=True)
    try:
        wait_until(site.answers, timeout=15, what=f"busybox httpd answering on {site.url}")
        yield site
    finally:
        container.remove(force=True)
