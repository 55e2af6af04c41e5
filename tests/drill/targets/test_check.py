"""`check_target` against a real reference shop: the adapter, the skeleton, and a buggy shop."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from drill.targets import (
    Ability,
    HttpxClient,
    TargetAdapter,
    adapter_class,
    check_target,
    skeleton_source,
)
from drill.targets.reference import ReferenceAdapter
from drill.targets.skeleton import SkeletonAdapter
from runtime import ManagedProcess
from tests.drill.targets.conftest import Shop, probe_item, start_shop

PROBES = ["purchase", "stock_count", "duplicate_notify", "wrong_token", "snoopers"]


def _verdicts(report: object) -> dict[str, str]:
    return {p.name: p.verdict for p in report.probes}  # type: ignore[attr-defined]


def test_reference_passes_every_probe(shop: Shop, http: HttpxClient) -> None:
    report = check_target(ReferenceAdapter(shop.url, shop.world), shop.world,
                          product=probe_item(), http=http)
    assert _verdicts(report) == dict.fromkeys(["setup_channels", *PROBES], "pass"), \
        report.render()
    assert report.passed and report.missing == ()
    assert "no ability is missing" in report.render() and "没有缺少的能力" in report.render("zh")


def test_the_skeleton_passes_against_the_reference_shop(shop: Shop, http: HttpxClient) -> None:
    shop_ = ReferenceAdapter(shop.url, shop.world)
    shop_.import_cards(http, "steam-50", probe_item().codes)  # the skeleton cannot import
    report = check_target(SkeletonAdapter(shop.url, shop.world), shop.world, http=http)
    assert _verdicts(report) == dict.fromkeys(PROBES, "pass"), report.render()
    assert {Ability.ADMIN_DELIVER, Ability.SETUP_CHANNELS} <= set(report.missing)
    assert "abilities missing" in report.render() and "缺少的能力" in report.render("zh")


def test_target_new_writes_a_skeleton_that_passes(shop: Shop, http: HttpxClient,
                                                  tmp_path: Path) -> None:
    path = tmp_path / "targets" / "my_shop.py"
    path.parent.mkdir()
    path.write_text(skeleton_source("my_shop"), encoding="utf-8")
    cls = adapter_class("my_shop", search=[tmp_path / "targets"])
    assert (cls.__name__, cls.name) == ("MyShopAdapter", "my_shop")
    assert len(re.findall(r"# TODO", path.read_text(encoding="utf-8"))) >= 6
    ReferenceAdapter(shop.url, shop.world).import_cards(http, "steam-50", probe_item().codes)
    report = check_target(cls(shop.url, shop.world), shop.world, http=http)
    assert report.passed, report.render()


class _NoCards(ReferenceAdapter):
    """An adapter that never learned to read cards."""

    abilities: ClassVar[frozenset[Ability]] = ReferenceAdapter.abilities - {Ability.READ_CARDS}
    reasons: ClassVar[Mapping[Ability, str]] = {Ability.READ_CARDS: "cards only go out by mail"}


def test_a_missing_ability_answers_unknown_with_the_reason(shop: Shop, http: HttpxClient
                                                           ) -> None:
    report = check_target(_NoCards(shop.url, shop.world), shop.world, product=probe_item(),
                          http=http)
    purchase = report.probe("purchase")
    assert purchase.verdict == "unknown" and "cards only go out by mail" in purchase.en
    assert not report.passed


def test_a_shop_that_redelivers_on_duplicate_notify_is_caught(
        tmp_path: Path, gateway: ManagedProcess, toxiproxy: ManagedProcess,
        http: HttpxClient) -> None:
    """dujiaoka #328 in the reference shop's bug zoo: every duplicate notify burns a key."""
    env = {"FAKA_DRILL_ALLOW_DEFECTS": "1"}
    buggy = start_shop(tmp_path, gateway, toxiproxy, env=env, defects=["dup-notify-redeliver"])
    try:
        report = check_target(ReferenceAdapter(buggy.url, buggy.world), buggy.world,
                              product=probe_item(6), http=http)
    finally:
        buggy.proc.stop()
    verdicts = _verdicts(report)
    assert verdicts["purchase"] == "pass" and verdicts["duplicate_notify"] == "fail", \
        report.render()


def test_without_buyer_steps_nothing_passes(shop: Shop, http: HttpxClient) -> None:
    class Empty(TargetAdapter):
        name: ClassVar[str] = "empty"

    report = check_target(Empty(shop.url, shop.world), shop.world, http=http)
    assert [(p.name, p.verdict) for p in report.probes] == [("purchase", "unknown")]
    assert "create_order" in report.probes[0].en and not report.passed


def test_a_shop_showing_cards_by_order_number_fails_the_snooper_probes(
        tmp_path: Path, gateway: ManagedProcess, toxiproxy: ManagedProcess,
        http: HttpxClient) -> None:
    """The bug zoo's kamiFaka twin: the status page shows the cards to anyone naming the order."""
    leaky = start_shop(tmp_path, gateway, toxiproxy, env={"FAKA_DRILL_ALLOW_DEFECTS": "1"},
                       defects=["cards-by-order-no"])
    try:
        report = check_target(ReferenceAdapter(leaky.url, leaky.world), leaky.world,
                              product=probe_item(3), http=http)
    finally:
        leaky.proc.stop()
    snoopers = report.probe("snoopers")
    assert report.probe("purchase").verdict == "pass", report.render()
    assert snoopers.verdict == "fail" and "no_token" in snoopers.en, report.render()
    assert "窥探" in snoopers.zh
