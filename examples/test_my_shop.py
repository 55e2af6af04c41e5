"""A team's own resilience tests, written with faka-drill's pytest plugin (no conftest needed).

    pytest examples/                                    # the reference shop (CI runs this)
    pytest examples/ --drill-target kamifaka --drill-target-url http://127.0.0.1:8000

`run_drill` runs one whole drill and returns its verdict; `drill_target` is
your shop as an adapter, already pointed at the fake gateway of `drill_world`.
"""

from drill.pytest_plugin import DrillRunner
from drill.targets import CatalogueItem, TargetAdapter, check_target


def test_a_quiet_day_loses_nothing(run_drill: DrillRunner) -> None:
    analysis = run_drill("smoke", load={"duration": "6s", "rate": 6}, faults=[],
                         expect={"settle": "10s"})
    assert analysis.overall == "pass", analysis.line()


def test_a_paid_order_is_delivered_once(drill_target: TargetAdapter,
                                        drill_product: CatalogueItem) -> None:
    report = check_target(drill_target, drill_target.world, product=drill_product)
    assert report.probe("purchase").verdict == "pass", report.render()
    assert report.probe("duplicate_notify").verdict == "pass", report.render()
