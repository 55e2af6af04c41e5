"""Project tooling behind `harness.py`: the venv bootstrap and the test command's gates."""

__all__: list[str] = []
