"""faka-drill as a pytest plugin (entry point ``pytest11``): a team's resilience test in ten lines.

    def test_our_shop_survives_a_flaky_gateway(run_drill):
        analysis = run_drill("callback-flaky", load={"duration": "10s"})
        assert analysis.overall == "pass", analysis.line()

Fixtures (all named ``drill_*`` or ``run_drill``, so they do not shadow a
project's own ``shop``/``gateway``/``http``):

- ``run_drill(scenario, **overrides) -> Analysis``: one whole drill (stack or
  target, load, faults, checks) and its verdict; overrides replace scenario
  fields, a table (``load={...}``) is merged key by key into the file's.
- ``drill_world``: the fake epay gateway and the embedded proxy (session).
- ``drill_target``: the shop under test as a `TargetAdapter`: by default a
  reference shop started for the session; ``--drill-target NAME
  --drill-target-url URL`` names yours (its channels are pointed at
  ``drill_world`` for each test when the adapter can set them).
  ``run_drill`` drives the same shop: a reference stack of its own by
  default, else yours through the adapter (``harness.py run --target``).
- ``drill_product``: a `CatalogueItem` with fresh keys for probing `drill_target`.
- ``drill_http``: an HTTP client for the adapter's steps.

Loading the plugin imports only the standard library and pytest, and starts
nothing: the project's own test suite pays nothing for it.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from drill.analyze import Analysis
    from drill.pytest_world import DrillWorld, ReferenceShop
    from drill.scenario import Scenario
    from drill.targets import CatalogueItem, HttpxClient, TargetAdapter

__all__ = ["DrillConfig", "DrillRunner", "drill_config", "drill_http", "drill_product",
           "drill_target", "drill_world", "pytest_addoption", "run_drill", "scenario_with"]


def _env(name: str) -> str | None:
    return os.environ.get("FAKA_DRILL_" + name) or None


def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("faka-drill", "faka-drill: drill a 发卡网 shop (env FAKA_DRILL_*)")
    g.addoption("--drill-target", default=_env("TARGET") or "reference",
                help="adapter of the shop under test: a shipped name, a file, or module:Class")
    g.addoption("--drill-target-url", default=_env("TARGET_URL"),
                help="base URL of your running shop (staging!); default: one is started")
    g.addoption("--drill-target-option", action="append", metavar="KEY=VALUE",
                default=[o for o in (_env("TARGET_OPTION") or _env("TARGET_OPTIONS") or ""
                                     ).split(",") if o],
                help="adapter option, repeatable (e.g. admin_password=...)")
    g.addoption("--drill-world-ports", type=int, default=_env("WORLD_PORTS"), metavar="BASE",
                help="every fake and proxy listener of run_drill at BASE+k (harness.py "
                     "world --print shows them), for a shop configured by hand")
    g.addoption("--drill-out", default=_env("OUT"),
                help="folder for run folders and index.html (default: pytest's tmp folder)")
    g.addoption("--drill-allow-non-loopback", action="store_true",
                default=(_env("ALLOW_NON_LOOPBACK") or "") in ("1", "true", "yes"),
                help="permit a shop off this machine (a staging copy, never production)")


@dataclass(frozen=True)
class DrillConfig:
    """The plugin's command-line options, read once."""

    target: str = "reference"
    target_url: str | None = None
    target_options: Mapping[str, str] = dataclasses.field(default_factory=dict)
    out: Path | None = None
    allow_non_loopback: bool = False
    world_ports: int | None = None

    @classmethod
    def from_pytest(cls, config: pytest.Config) -> DrillConfig:
        pairs: list[str] = config.getoption("drill_target_option") or []
        bad = [p for p in pairs if "=" not in p]
        if bad:
            raise pytest.UsageError(f"--drill-target-option {bad[0]!r}: write KEY=VALUE")
        out = config.getoption("drill_out")
        ports = config.getoption("drill_world_ports")
        return cls(config.getoption("drill_target"), config.getoption("drill_target_url"),
                   dict(p.split("=", 1) for p in pairs), Path(out) if out else None,
                   bool(config.getoption("drill_allow_non_loopback")),
                   int(ports) if ports else None)

    @property
    def external(self) -> bool:
        return bool(self.target_url)


def scenario_with(name_or_path: str, **overrides: Any) -> Scenario:
    """The scenario file with `overrides` applied: a value replaces the field, a dict is merged
    into the file's table (``load={"duration": "5s"}`` keeps the file's rate)."""
    from drill.scenario import load_scenario, resolve

    path = resolve(name_or_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        data = {}                       # load_scenario reports the file's problem below
    merged = {k: {**data.get(k, {}), **v} if isinstance(v, dict) and isinstance(
        data.get(k), dict) else v for k, v in overrides.items()}
    return load_scenario(str(path), for_run=True, **_tuples(merged))


def _tuples(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


class DrillRunner:
    """`run_drill(scenario, **overrides)`: run one drill, return its `Analysis`.

    Each run's folder is kept (`runs`); the verdict line and the report's path
    are attached to the test's report, so a failing assert shows where to look.
    """

    def __init__(self, config: DrillConfig, out: Path,
                 report: Callable[[str], None] = lambda _text: None) -> None:
        self.config, self.out, self._report = config, out, report
        self.runs: list[Path] = []

    def __call__(self, scenario: str, *, defects: tuple[str, ...] = (),
                 **overrides: Any) -> Analysis:
        from drill.options import RunOptions
        from drill.stack.world import WorldSpec
        from drill.targets.conduct import make_run

        c = self.config
        world = WorldSpec(c.world_ports, source=f"--drill-world-ports {c.world_ports}") \
            if c.world_ports else WorldSpec()
        opts = RunOptions(out=self.out, defects=tuple(defects), fancy=False,
                          allow_non_loopback=c.allow_non_loopback, target=c.target,
                          target_url=c.target_url, target_options=tuple(c.target_options.items()),
                          world=world)
        result = make_run(scenario_with(scenario, **overrides), opts).execute()
        self.runs.append(result.run_dir)
        self._report(f"{result.summary_line}\nreport: {result.run_dir / 'report.html'}"
                     + "".join(f"\nerror: {e}" for e in result.errors))
        return result.analysis


@pytest.fixture(scope="session")
def drill_config(request: pytest.FixtureRequest) -> DrillConfig:
    return DrillConfig.from_pytest(request.config)


@pytest.fixture
def run_drill(drill_config: DrillConfig, request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> DrillRunner:
    out = drill_config.out or tmp_path_factory.mktemp("drill")
    node = request.node
    return DrillRunner(drill_config, out,
                       lambda text: node.add_report_section("call", "faka-drill", text))


@pytest.fixture(scope="session")
def drill_world(drill_config: DrillConfig,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[DrillWorld]:
    from drill.pytest_world import start_world

    world = start_world(tmp_path_factory.mktemp("drill-world"),
                        shop_url_for_gateway=drill_config.target_url or "")
    try:
        yield world
    finally:
        world.stop()


@pytest.fixture(scope="session")
def _drill_reference_shop(drill_config: DrillConfig,
                          drill_world: DrillWorld) -> ReferenceShop | None:
    """The reference shop of the session, when no --drill-target-url names a shop."""
    from drill.pytest_world import start_reference_shop

    if drill_config.external:
        return None
    if drill_config.target != "reference":
        raise pytest.UsageError(f"--drill-target {drill_config.target} needs "
                                "--drill-target-url URL (your running shop)")
    return start_reference_shop(drill_world)


@pytest.fixture
def drill_target(drill_config: DrillConfig, drill_world: DrillWorld,
                 _drill_reference_shop: ReferenceShop | None) -> TargetAdapter:
    """The shop as an adapter; channels set for every test (a `run_drill` in between points the
    shop at that run's own world)."""
    from drill.targets import Ability, HttpxClient, make_adapter
    from drill.targets.reference import ReferenceAdapter
    from runtime import ensure_loopback

    if _drill_reference_shop is not None:
        shop = _drill_reference_shop
        return ReferenceAdapter(shop.url, shop.world, drill_config.target_options)
    url = str(drill_config.target_url)
    ensure_loopback(url, allow=drill_config.allow_non_loopback, what="--drill-target-url")
    adapter = make_adapter(drill_config.target, url, drill_world.world,
                           drill_config.target_options)
    drill_world.behave(getattr(adapter, "gateway_behaviour", {}))
    if Ability.SETUP_CHANNELS in adapter.abilities:
        with HttpxClient(timeout_s=15) as http:
            adapter.setup_channels(http)
    return adapter


@pytest.fixture
def drill_product(drill_target: TargetAdapter) -> CatalogueItem:
    """A product to probe with, 3 fresh card keys: the reference shop's configured one, else a
    new ``DRILL-…`` product at 2.50 (the adapter's setup_catalogue creates it)."""
    from drill.pytest_world import REFERENCE_PRODUCT
    from drill.targets import CatalogueItem

    tag = secrets.token_hex(4)
    codes = tuple(f"DRILL-{tag}-{i}" for i in range(3))
    if drill_target.name == "reference":
        pid, name, price = REFERENCE_PRODUCT
        return CatalogueItem(pid, name, Decimal(price), codes)
    return CatalogueItem(f"DRILL-{tag}", f"DRILL-{tag}", Decimal("2.50"), codes)


@pytest.fixture
def drill_http() -> Iterator[HttpxClient]:
    from drill.targets import HttpxClient

    with HttpxClient(timeout_s=15) as client:
        yield client
