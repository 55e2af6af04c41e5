"""A one-way chunk channel between pipeline stages (Go's `chan *StreamChunk`).

Unbounded, single consumer, with a sticky close (reading a closed, drained
channel returns None forever, like a closed Go channel).  Chunks stay in the
deque until the consumer actually runs, never parked inside a waiter future,
so the link can always see exactly what is still in flight: that is what
makes re-wiring the chain on live toxic changes lossless and ordered.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable

# A chunk: (payload, timestamp).  The timestamp is loop.time() at read, later
# shifted by latency toxics so that consecutive delays add up.
Chunk = tuple[bytes, float]


class Channel:
    """FIFO of chunks with an awaitable `get`; tracks its byte count for back-pressure."""

    __slots__ = ("_items", "_waiter", "closed", "nbytes", "on_get")

    def __init__(self, on_get: Callable[[], None] | None = None) -> None:
        self._items: deque[Chunk] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self.closed = False
        self.nbytes = 0
        self.on_get = on_get

    def __len__(self) -> int:
        return len(self._items)

    def put(self, chunk: Chunk) -> None:
        if self.closed:
            return  # writes after close are dropped, like sends to a closed stub
        self._items.append(chunk)
        self.nbytes += len(chunk[0])
        self._wake()

    def close(self) -> None:
        """Mark end of stream; queued chunks are still delivered first."""
        if not self.closed:
            self.closed = True
            self._wake()

    def drain_into(self, other: Channel) -> None:
        """Move everything queued here (and the close, if any) to the end of `other`."""
        while self._items:
            other.put(self._items.popleft())
        self.nbytes = 0
        if self.closed:
            other.close()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    def get_nowait(self) -> Chunk | None:
        """Pop one chunk, or None if empty (check `closed` to tell EOF apart)."""
        if not self._items:
            return None
        chunk = self._items.popleft()
        self.nbytes -= len(chunk[0])
        if self.on_get is not None:
            self.on_get()
        return chunk

    async def get(self) -> Chunk | None:
        """Next chunk, or None at end of stream."""
        while not self._items:
            if self.closed:
                return None
            waiter = asyncio.get_running_loop().create_future()
            self._waiter = waiter
            try:
                await waiter
            finally:
                if self._waiter is waiter:
                    self._waiter = None
        return self.get_nowait()
