"""Container faults against a real (private) dockerd and a busybox httpd on 127.0.0.1.

Every action is proven from both sides: the state the daemon reads back, and
what a client of the container sees (refused, timing out, answering again).
"""

from __future__ import annotations

import docker
import httpx
import pytest

from drill.faults.container import (
    ContainerFaultError,
    ContainerTarget,
    heal,
    inject,
    read_state,
    signal_name,
)
from tests.drill.faults.conftest import WEB_LABEL, Web
from tests.waiting import wait_until


def _refused(site: Web) -> bool:
    try:
        httpx.get(site.url, timeout=1)
    except httpx.ConnectError:
        return True
    return False


def test_kill_sends_sigkill_by_default_and_heal_starts_it_again(
        docker_client: docker.DockerClient, web: Web) -> None:
    target = ContainerTarget(name=web.name)
    applied = inject(docker_client, target, "kill")
    assert applied.proven, applied.detail
    assert [(s.status, s.exit_code) for s in applied.after] == [("exited", 137)]
    assert _refused(web)
    healed = heal(docker_client, target, "kill")
    assert healed.proven, healed.detail
    assert [s.status for s in read_state(docker_client, target)] == ["running"]
    wait_until(web.answers, timeout=10, what="httpd answering after the heal")


def test_kill_with_a_signal_the_process_survives_is_not_proven(
        docker_client: docker.DockerClient, web: Web) -> None:
    """httpd is PID 1 in its container: an unhandled SIGUSR1 does nothing, and we say so."""
    applied = inject(docker_client, ContainerTarget(name=web.name), "kill", signal="usr1",
                     settle_s=1)
    assert not applied.proven
    assert "NOT proven" in applied.detail and f"{web.name} running -> {web.name} running" \
        in applied.detail
    assert web.answers()


def test_stop_then_heal(docker_client: docker.DockerClient, web: Web) -> None:
    target = ContainerTarget(name=web.name)
    applied = inject(docker_client, target, "stop", grace_s=1)
    assert applied.proven, applied.detail
    assert applied.after[0].status == "exited" and _refused(web)
    assert heal(docker_client, target, "stop").proven
    wait_until(web.answers, timeout=10, what="httpd answering after the heal")


def test_restart_by_label_comes_back_with_a_new_start(
        docker_client: docker.DockerClient, web: Web) -> None:
    target = ContainerTarget(label=WEB_LABEL)
    applied = inject(docker_client, target, "restart", grace_s=1)
    assert applied.proven, applied.detail
    assert [s.name for s in applied.after] == [web.name]
    assert applied.after[0].started_at != applied.before[0].started_at
    wait_until(web.answers, timeout=10, what="httpd answering after the restart")
    assert heal(docker_client, target, "restart").proven


def test_pause_times_requests_out_and_unpause_answers_again(
        docker_client: docker.DockerClient, web: Web) -> None:
    target = ContainerTarget(name=web.name)
    applied = inject(docker_client, target, "pause")
    assert applied.proven, applied.detail
    assert applied.after[0].status == "paused"
    with pytest.raises(httpx.TimeoutException):
        httpx.get(web.url, timeout=1)
    healed = heal(docker_client, target, "pause")
    assert healed.proven, healed.detail
    assert healed.after[0].status == "running"
    assert httpx.get(web.url, timeout=5).status_code == 200


def test_unknown_container_is_named_with_the_running_ones(
        docker_client: docker.DockerClient, web: Web) -> None:
    with pytest.raises(ContainerFaultError, match=rf"no running container 'shop-db'.*{web.name}"):
        inject(docker_client, ContainerTarget(name="shop-db"), "kill")
    with pytest.raises(ContainerFaultError, match="labelled 'app=nothing'"):
        read_state(docker_client, ContainerTarget(label="app=nothing"))


def test_a_stopped_container_cannot_be_killed_again(
        docker_client: docker.DockerClient, web: Web) -> None:
    target = ContainerTarget(name=web.name)
    assert inject(docker_client, target, "kill").proven
    with pytest.raises(ContainerFaultError, match=f"no running container '{web.name}'"):
        inject(docker_client, target, "kill")


@pytest.mark.parametrize(("given", "name"), [(9, "SIGKILL"), ("9", "SIGKILL"), ("term", "SIGTERM"),
                                             ("SIGHUP", "SIGHUP"), ("sigint", "SIGINT")])
def test_signal_names(given: str | int, name: str) -> None:
    assert signal_name(given) == name


def test_bad_targets_signals_and_actions_are_refused_with_the_choices() -> None:
    with pytest.raises(ContainerFaultError, match="exactly one of name or label"):
        ContainerTarget()
    with pytest.raises(ContainerFaultError, match="exactly one of name or label"):
        ContainerTarget(name="a", label="b")
    with pytest.raises(ContainerFaultError, match=r"unknown signal 'SIGNOPE'.*SIGKILL"):
        signal_name("SIGNOPE")
    with pytest.raises(ContainerFaultError, match="unknown container action 'explode'"):
        inject(docker.DockerClient(base_url="unix:///nonexistent.sock", version="1.41"),
               ContainerTarget(name="x"), "explode")  # type: ignore[arg-type]


def test_a_killed_container_that_removes_itself_counts_as_killed(
        docker_client: docker.DockerClient, busybox_image: str) -> None:
    docker_client.containers.run(busybox_image, ["sleep", "300"], name="ephemeral",
                                 network_mode="host", auto_remove=True, detach=True)
    applied = inject(docker_client, ContainerTarget(name="ephemeral"), "kill")
    assert applied.proven, applied.detail
    assert [s.status for s in applied.after] in ([], ["removing"], ["exited"])
    assert "(137)" in applied.detail or "gone: ephemeral" in applied.detail
