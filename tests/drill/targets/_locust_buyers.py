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
from typing import Any

import gevent
from locust import User, task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment
from locust.exception import StopUser

from drill.targets import Buy, Gateway, SessionClient, World, buyer_flow, make_adapter

ARGS = argparse.Namespace()
RESULTS: list[dict[str, str]] = []
STARTED = [0]


def purchase(client: SessionClient) -> dict[str, str]:
    """One `buyer_flow`; the last op per step, and the cards the buyer fetched."""
    world = World(Gateway(url=ARGS.gateway, pid=ARGS.pid, key=ARGS.key))
    shop = make_adapter(ARGS.target, ARGS.shop, world)
    seen: dict[str, str] = {}

    def record(type_: str, f: str, value: dict[str, Any], at: float | None = None) -> None:
        seen[f] = type_
        if f == "fetch_card" and type_ == "ok":
            seen["cards"] = ",".join(value["cards"])
        if "error" in value:
            seen["error"] = f"{type_}: {f}: {value['error']}"

    buyer_flow(shop, client, world.gateway, Buy(ARGS.product, 1, "locust@example.com",
                                                poll_timeout_s=10, poll_interval_s=0.05),
               record, sleep=gevent.sleep)
    return seen


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
