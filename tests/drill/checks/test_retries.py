from drill.checks import CheckSpec, retries
from tests.drill.checks.ops import export, sources


def calls(n: int, no: str = "A", t0: float = 100.0, spacing: float = 1.0) -> list[dict]:
    return [{"downstream_order_no": no, "at": t0 + i * spacing, "outcome": "error",
             "codes": [], "replayed": False} for i in range(n)]


def test_few_attempts_pass() -> None:
    v = retries.check(sources(purchases={"primary": calls(3)}), CheckSpec(max_attempts_per_order=4))
    assert v.ok is True


def test_too_many_attempts_fail() -> None:
    v = retries.check(sources(purchases={"primary": calls(7)}), CheckSpec(max_attempts_per_order=4))
    assert v.ok is False
    assert v.counts["max_attempts"] == 7


def test_export_job_attempts_count_too() -> None:
    src = sources(purchases={"primary": calls(1)},
                  export=export([], jobs=[{"order_no": "A", "attempts": 9, "state": "failed"}]))
    assert retries.check(src, CheckSpec(max_attempts_per_order=6)).ok is False


def test_retry_storm() -> None:
    storm = calls(5, "A", spacing=0.01) + calls(5, "B", spacing=0.01)
    spec = CheckSpec(max_attempts_per_order=10, max_supplier_calls_per_s=5)
    v = retries.check(sources(purchases={"primary": storm}), spec)
    assert v.ok is False and "storm" in v.detail
