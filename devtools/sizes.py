"""The size rule, checked with `ast`: no function over 60 lines, no module over 300 (500 hard).

    python -m devtools.sizes [PATH ...]     exit 1 and one line a finding

A module between 300 and 500 lines is reported too: the rule is 300, and 500
is only the point where no reason is accepted. Line counts are physical lines
(a function from its `def`, decorators included, to its last line).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

FUNCTION_MAX = 60
MODULE_MAX = 300
MODULE_HARD_MAX = 500
DEFAULT_PATHS = ("drill", "delivery", "fakes", "runtime", "harness.py")


def python_files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.py") if ".venv" not in p.parts)
        elif path.suffix == ".py":
            yield path


def findings(path: Path) -> list[str]:
    """Every breach of the size rule in one file, as `path:line: what`."""
    text = path.read_text(encoding="utf-8")
    lines = len(text.splitlines())
    out = []
    if lines > MODULE_MAX:
        limit = "the hard limit" if lines > MODULE_HARD_MAX else "the limit"
        out.append(f"{path}:1: module has {lines} lines, over {limit} "
                   f"({MODULE_HARD_MAX if lines > MODULE_HARD_MAX else MODULE_MAX}); split it")
    for node in ast.walk(ast.parse(text, filename=str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - start + 1
            if length > FUNCTION_MAX:
                out.append(f"{path}:{start}: function {node.name} has {length} lines "
                           f"(limit {FUNCTION_MAX}); split it")
    return out


def check(paths: list[Path]) -> list[str]:
    return [f for p in python_files(paths) for f in findings(p)]


def main(argv: list[str]) -> int:
    problems = check([Path(a) for a in argv or DEFAULT_PATHS])
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
