"""Run a target adapter's buyer steps inside real Locust users (FastHttpSession, gevent).

A helper the tests start as a subprocess (Locust monkey-patches on import, so
never inside pytest): `--orders` purchases by `--users` concurrent users
through `SessionClient(self.client)`, then one JSON line on stdout with each
purchase's outcome and Locust's own request count, proving the same adapter
code runs in the load generator.
"""

from __future__ import annotations

import argparse
import json
import sys

import gevent
from locust import User, task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment
from locust.exception import StopUser

from drill.targets import (
    Gateway,
    OrderState,
    SessionClient,
    World,
    make_adapter,
    op_type_of,
    pay_at_gateway,
)

ARGS = argparse.Namespace()
RESULTS: list[dict[str, str]] = []
STARTED = [0]


def purchase(client: SessionClient) -> dict[str, str]:
    """One buyer flow; each step's Jepsen op type (and the cards at the end)."""
    world = World(Gateway(url=ARGS.gateway, pid=ARGS.pid, key=ARGS.key))
    shop = make_adapter(ARGS.target, ARGS.shop, world)
    ops: dict[str, str] = {}
    try:
        order = shop.create_order(client, ARGS.product, 1, "locust@example.com")
        ops["create_order"] = "ok"
        pay_at_gateway(client, world.gateway, shop.start_payment(client, order))
        ops["pay"] = "ok"
        for _ in range(200):  # bounded: 200 polls of 50 ms
            if shop.poll_status(client, order).state is OrderState.DELIVERED:
                break
            gevent.sleep(0.05)
        ops["cards"] = ",".join(shop.read_cards(client, order))
    except Exception as exc:
        ops["error"] = f"{op_type_of(exc)}: {exc}"
    return ops


class Buyer(FastHttpUser):
    host = "http://127.0.0.1"

    @task
    def buy(self) -> None:
        if STARTED[0] >= ARGS.orders:
            raise StopUser()
        STARTED[0] += 1
        RESULTS.append(purchase(SessionClient(self.client, pass_name=True)))


def main() -> None:
    p = argparse.ArgumentParser()
    for flag in ("--shop", "--gateway", "--pid", "--key", "--product", "--target"):
        p.add_argument(flag, required=True)
    p.add_argument("--orders", type=int, default=2)
    p.add_argument("--users", type=int, default=1)
    p.parse_args(namespace=ARGS)
    users: list[type[User]] = [Buyer]
    env = Environment(user_classes=users)
    runner = env.create_local_runner()
    runner.start(ARGS.users, spawn_rate=ARGS.users)
    with gevent.Timeout(60, False):
        while len(RESULTS) < ARGS.orders:
            gevent.sleep(0.05)
    runner.quit()
    json.dump({"results": RESULTS, "requests": env.stats.total.num_requests}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
