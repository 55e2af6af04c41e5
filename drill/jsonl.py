"""JSON Lines, the format of every history and ledger in a run folder.

Readers skip blank and torn lines (a killed writer leaves half a line), so a
partial run folder is still readable. The oracle's reader (`read_records`)
also interns the short strings records repeat (op types, function names,
process names, order and trade numbers, statuses): a million-order history
names each order in a dozen records across the sources, and one shared string
object instead of a dozen copies is about a third of its memory
(bench/oracle.py). It also stores each record as a key-sharing dict (`compact`):
records of one shape (the same keys in the same order) share one key table, as
the instance dicts of one class do, which halves a small dict (272 -> 120 bytes
for a history op) and takes a third off a history of plain dicts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

try:  # 3-5x faster on big run folders (bench/oracle.py); the stdlib parser otherwise
    import orjson

    _loads: Callable[[bytes], Any] = orjson.loads
    _ERRORS: tuple[type[Exception], ...] = (orjson.JSONDecodeError,)
except ImportError:  # pragma: no cover - depends on the environment
    _loads = json.loads
    _ERRORS = (json.JSONDecodeError, UnicodeDecodeError)

loads: Callable[[bytes], Any] = _loads  # the fast parser, for whole JSON documents too
INTERN_MAX = 64  # longer strings (texts, errors, URLs with queries) are rarely repeated


class _Strings(dict[str, str]):
    """The short strings read so far, each mapped to its first copy: `sys.intern` without
    its costs (a lookup that hits is a plain dict's, C only; 10 % of loading a history) and
    without the interpreter keeping a table of every order number to the end: the oracle
    drops this one when the run folder is loaded (`forget_strings`)."""

    def __missing__(self, key: str) -> str:
        self[key] = key
        return key


_strings = _Strings()
_intern: Callable[[str], str] = _strings.__getitem__


def forget_strings() -> None:
    """Drop the table of strings read so far (the records keep their shared copies)."""
    _strings.clear()


def _objects(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, "rb") as fh:
        yield from _parsed(fh)


def _parsed(lines: Iterable[bytes]) -> Iterator[dict[str, Any]]:
    for line in lines:
        try:
            item = _loads(line)  # surrounding whitespace is fine; a blank line raises
        except _ERRORS:
            continue
        if isinstance(item, dict):
            yield item


CHUNK_BYTES = 1 << 20  # lines parsed a batch at a time: a chunk's records, not a file's bytes


def _chunks(path: Path) -> Iterator[list[Any]]:
    """The file's parsed lines a chunk at a time: one `map` over a chunk (no generator step
    a line: 7 % of reading a history); a chunk with a blank or torn line is parsed line by
    line, skipping those."""
    with open(path, "rb") as fh:
        while lines := fh.readlines(CHUNK_BYTES):
            try:
                yield list(map(_loads, lines))
            except _ERRORS:
                yield list(_parsed(lines))


def read_jsonl(path: Path) -> list[dict[str, Any]] | None:
    """The objects of a JSONL file in order; None when the file is missing."""
    if not path.exists():
        return None
    return list(_objects(path))


SHAPES_MAX = 4096  # distinct key sequences given a shared key table; others stay plain dicts
_SHARED_MAX = 30  # CPython shares at most this many keys a table
Builder = Callable[[dict[str, Any]], dict[str, Any]]
_builders: dict[tuple[str, ...], Builder] = {}


def _shape(keys: tuple[str, ...]) -> type | None:
    """The class whose instance dicts share these keys (created once a key sequence)."""
    if len(keys) > _SHARED_MAX or any(key.startswith("__") for key in keys):
        return None  # "__class__" is the class's, not data
    cls = type("Record", (), {"__slots__": ("__dict__",)})
    seed = cls()
    for key in keys:  # fills the class's shared key table, in this order
        setattr(seed, key, None)
    return cls


def _builder(keys: tuple[str, ...]) -> Builder:
    """The compact-maker of one key sequence, its keys unrolled in straight-line code: the
    generic loop (`_compact_plain`) costs twice as much a record, and a million-order run
    folder holds a dozen million records of a few dozen shapes (bench/oracle.py)."""
    cls = _shape(keys)
    if cls is None:
        return _compact_plain
    body = ["def build(record):", "    out = new().__dict__"]
    for key in keys:
        body += [f"    v = record[{key!r}]", "    t = type(v)",
                 f"    out[{key!r}] = (intern(v) if len(v) <= {INTERN_MAX} else v) if t is str"
                 " else compact(v) if t is dict else listed(v) if t is list else v"]
    body.append("    return out")
    scope: dict[str, Any] = {"new": cls, "intern": _intern, "compact": compact,
                             "listed": listed}
    exec("\n".join(body), scope)  # our code: the keys are repr() literals
    built: Builder = scope["build"]
    return built


def _compact_plain(record: dict[str, Any]) -> dict[str, Any]:
    """An unshared shape: the record itself, its short strings interned in place."""
    for key, value in record.items():
        kind = type(value)
        if kind is str:
            record[key] = _intern(value) if len(value) <= INTERN_MAX else value
        elif kind is dict:
            record[key] = compact(value)
        elif kind is list:
            listed(value)
    return record


def listed(items: list[Any]) -> list[Any]:
    """A record's list, in place: its short strings interned, its dicts `compact`. A key's
    code is named by the buyer's fetch, the export's delivery, the supplier's ledger and
    stock.json: one string object, not four (about 200 bytes an order)."""
    for i, item in enumerate(items):
        kind = type(item)
        if kind is str:
            if len(item) <= INTERN_MAX:
                items[i] = _intern(item)
        elif kind is dict:
            items[i] = compact(item)
    return items


def interned(doc: Any) -> Any:
    """A whole JSON document's lists `listed` (in place) at any depth below its dicts."""
    if type(doc) is dict:
        for value in doc.values():
            interned(value)
    elif type(doc) is list:
        listed(doc)
    return doc


def compact(record: dict[str, Any]) -> dict[str, Any]:
    """An equal dict (same keys, same order, equal values) that shares its key table with
    every record of its shape, its short strings interned, its dict values compacted too.
    Mutating it is fine (it then stops sharing); reading it is an ordinary dict's speed."""
    keys = tuple(record)
    build = _builders.get(keys)
    if build is None:
        if len(_builders) >= SHAPES_MAX:
            return _compact_plain(record)
        build = _builders[keys] = _builder(keys)
    return build(record)


def read_records(path: Path) -> list[dict[str, Any]] | None:
    """`read_jsonl` for the oracle's big sources: every record `compact`."""
    if not path.exists():
        return None
    out: list[dict[str, Any]] = []
    for items in _chunks(path):
        out += [compact(item) for item in items if type(item) is dict]
    return out
