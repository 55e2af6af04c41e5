"""The [gameday] table: the shipped pool validates, a bad pool is refused naming the field,
the draw is seeded, and the scenario at a speed scales every wall table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from drill.errors import ScenarioError
from drill.gameday.setup import at_speed, choose, eligible, toxic_at_speed
from drill.scenario import load_scenario

SHIPPED = Path(__file__).resolve().parents[3] / "scenarios" / "gameday.toml"
POOL = ("supplier-down", "stock-out", "worker-stalled", "risk-review", "notify-failing",
        "db-slow")


def test_the_shipped_pool_validates_with_every_kind_of_incident() -> None:
    s = load_scenario("gameday")
    assert s.gameday is not None
    assert tuple(i.name for i in s.gameday.incidents) == POOL
    assert [i.name for i in eligible(s.gameday, None)] == list(POOL[:-1])   # db-slow: PG only
    assert [i.name for i in eligible(s.gameday, "postgresql+psycopg://x")] == list(POOL)


def test_the_draw_is_seeded_and_covers_the_pool() -> None:
    s = load_scenario("gameday")
    draws = [choose(s, seed, None).name for seed in range(40)]
    assert draws == [choose(s, seed, None).name for seed in range(40)]
    assert set(draws) == set(POOL[:-1])
    assert choose(s, 0, None, "risk-review").name == "risk-review"
    with pytest.raises(ScenarioError, match="needs the shop on postgresql"):
        choose(s, 0, None, "db-slow")
    with pytest.raises(ScenarioError, match="known: supplier-down"):
        choose(s, 0, None, "meteor")


def test_at_speed_scales_the_load_and_the_faults_and_keeps_shop_timers_scenario_time() -> None:
    s = load_scenario("gameday")
    d = at_speed(s, choose(s, 0, None, "worker-stalled"), 10.0, 7)
    assert d.time_scale == 10.0 and d.seed == 7
    assert d.load.duration == 30 * 60 / 10 and d.load.rate == pytest.approx(6 * 10 / 60)
    (f,) = d.faults
    assert (f.target, f.kind, f.at, f.end) == ("worker-1", "pause", 18.0, 18.0 + 120.0)
    assert d.service.monitor.stuck_after_s == 120     # the shop divides it by time_scale
    r = at_speed(s, choose(s, 0, None, "risk-review"), 60.0, 1)
    assert r.service.risk.mode == "review" and r.service.workers == 1   # merged, not replaced
    assert not r.operator.enabled
    (slow,) = at_speed(s, choose(s, 0, "postgresql+psycopg://x", "db-slow"), 10.0, 1).faults
    assert (slow.kind, slow.params) == ("latency", {"latency": 400})   # 4 scenario s at 10×
    assert toxic_at_speed("behaviour", {"latency_ms": 400}, 10.0) == {"latency_ms": 400}
    assert toxic_at_speed("timeout", {"timeout": 0}, 10.0) == {"timeout": 0}   # 0: forever


BASE = SHIPPED.read_text(encoding="utf-8")
BAD = [
    ('target = "worker-1"', 'target = "worker-9"', r"incidents\[2\]\.faults\[0\]\.target"),
    ("sold_out = true } },", "sold_out = 3 } },", r"incidents\[1\]\.faults\[0\]\.params"),
    ('name = "stock-out"', 'name = "supplier-down"', r"gameday\.incidents.*duplicate names"),
    ("at_min = 3\nfor_min = 20", "at_min = 25\nfor_min = 20", r"incidents\[2\]\.at_min"),
    ('evidence = ["review"]', 'evidence = ["logs"]', r"incidents\[3\]\.evidence\[0\]"),
    ('cause_en = "An over', 'cause_xx = "An over', r"incidents\[3\]\.cause_xx.*unknown key"),
    ('mode = "review"', 'mode = "hold"', r"incidents\[3\]\.service\.risk\.mode"),
    ("minutes = 30 ", "minutes = -1 ", r"gameday\.minutes"),
]


@pytest.mark.parametrize(("old", "new", "named"), BAD, ids=[b[2] for b in BAD])
def test_a_bad_pool_is_refused_naming_the_field(tmp_path: Path, old: str, new: str,
                                                named: str) -> None:
    assert old in BASE
    path = tmp_path / "gameday.toml"
    path.write_text(BASE.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(str(path))
    assert re.search(named, str(err.value)), str(err.value)


def test_an_incident_that_breaks_nothing_is_refused(tmp_path: Path) -> None:
    text = BASE.replace('stock = { steam-50 = 8 }', '')
    text += ('\n[[gameday.incidents]]\nname = "nothing"\nat_min = 1\nevidence = ["orders"]\n'
             'cause_zh = "无"\ncause_en = "none"\n')
    path = tmp_path / "gameday.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"incidents\[6\]\.faults is empty"):
        load_scenario(str(path))


def test_stock_of_a_supplier_product_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gameday.toml"
    path.write_text(BASE.replace('name = "risk-review"\nat_min = 0',
                                 'name = "risk-review"\nat_min = 0\nstock = { apple-100 = 3 }'),
                    encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"incidents\[3\]\.stock\.apple-100: not a local"):
        load_scenario(str(path))
