"""An idle locustfile that ties its forked --processes workers to the master, as ours must."""

from __future__ import annotations

from locust import User, constant, task

from runtime.orphans import tie_forked_children

tie_forked_children()  # imported before Locust forks; without it the workers outlive a
#                        SIGKILLed master by up to 60 s (its heartbeat timeout)


class Idle(User):
    wait_time = constant(1)

    @task
    def nothing(self) -> None:
        """Load is not the point: only the process tree is."""
