"""Seeded randomness split into independent named streams.

One `random.Random` per concern (trade numbers, behaviour draws, latency…)
derived from the run seed, so adding a draw in one place never shifts the
sequence of another: the same seed and the same calls give the same keys,
trade numbers and fault draws.
"""

from __future__ import annotations

import hashlib
import random


def derive_seed(seed: int, stream: str) -> int:
    digest = hashlib.sha256(f"{seed}:{stream}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


class Streams:
    """Lazily created named `random.Random` instances derived from one seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._streams: dict[str, random.Random] = {}

    def __call__(self, stream: str) -> random.Random:
        rng = self._streams.get(stream)
        if rng is None:
            rng = self._streams[stream] = random.Random(derive_seed(self.seed, stream))
        return rng

    def chance(self, stream: str, probability: float) -> bool:
        """True with `probability`; 0 and 1 never draw, so they do not perturb the stream."""
        if probability <= 0:
            return False
        if probability >= 1:
            return True
        return self(stream).random() < probability

    def reset(self) -> None:
        self._streams.clear()
