"""One direction of a proxied connection: source transport -> toxics -> destination.

Two modes.  With no toxics the link is a *fast path*: `data_received` writes
straight to the destination and flow control is pause/resume_reading between
the two transports (as cheap as a bare Protocol proxy).  With toxics it is a
*pipeline* in Toxiproxy's stub model: a hidden noop stub, then one stub per
toxic, joined by `Channel`s, drained by a writer task.

Switching is lossless and ordered: fast -> pipeline is instant (the fast path
holds nothing); pipeline -> fast happens only once every channel is empty and
no stub holds a chunk, so later bytes can never overtake earlier ones.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Iterable
from typing import Any

from fakes.toxiproxy.channel import Channel
from fakes.toxiproxy.stub import Stub
from fakes.toxiproxy.toxics.base import ToxicWrapper

BACKLOG_HIGH = 16 * 1024 * 1024  # bytes queued in a pipeline before the source is paused
BACKLOG_LOW = 8 * 1024 * 1024


class Link:
    __slots__ = (
        "_backlog_paused",
        "_dst_paused",
        "_src_paused",
        "_writable",
        "_writer",
        "closed",
        "dst",
        "fast",
        "head",
        "loop",
        "meter",
        "on_done",
        "src",
        "stubs",
        "tail",
    )

    def __init__(
        self,
        src: asyncio.Transport,
        dst: asyncio.Transport,
        toxics: Iterable[ToxicWrapper],
        on_done: Callable[[Link], None],
        meter: tuple[Any, Any] | None = None,
    ) -> None:
        self.loop = asyncio.get_running_loop()
        self.meter = meter  # (received, sent) counters with -proxy-metrics, else None
        self.src = src
        self.dst = dst
        self.on_done = on_done
        self.fast = True
        self.closed = False
        self.stubs: list[Stub] = []
        self.head: Channel | None = None
        self.tail: Channel | None = None
        self._writer: asyncio.Task[None] | None = None
        self._writable: asyncio.Future[None] | None = None
        self._dst_paused = False
        self._backlog_paused = False
        self._src_paused = False
        for wrapper in toxics:
            self.add_toxic(wrapper)

    # -- data path ------------------------------------------------------------
    def data_received(self, data: bytes) -> None:
        meter = self.meter
        if meter is not None:
            meter[0].inc(len(data))
        if self.fast:
            self.dst.write(data)
            if meter is not None:
                meter[1].inc(len(data))
        elif not self.closed:
            head = self.head
            assert head is not None
            head.put((data, self.loop.time()))
            if not self._backlog_paused and self.backlog() > BACKLOG_HIGH:
                self._backlog_paused = True
                self._apply_pause()

    def src_eof(self) -> None:
        """The source ended (EOF, error or closed by us): end the stream after queued data."""
        if self.closed:
            return
        if self.fast:
            self._finish()
        else:
            assert self.head is not None
            self.head.close()

    def dst_lost(self) -> None:
        """The destination is gone: nothing more can be delivered."""
        if not self.closed:
            self._finish()

    def pause_writing(self) -> None:
        self._dst_paused = True
        self._apply_pause()

    def resume_writing(self) -> None:
        self._dst_paused = False
        waiter, self._writable = self._writable, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        self._apply_pause()

    def backlog(self) -> int:
        total = self.tail.nbytes if self.tail is not None else 0
        for stub in self.stubs:
            total += stub.input.nbytes
        return total

    def _on_get(self) -> None:
        if self._backlog_paused and self.backlog() <= BACKLOG_LOW:
            self._backlog_paused = False
            self._apply_pause()

    def _apply_pause(self) -> None:
        want = (self._dst_paused or self._backlog_paused) and not self.closed
        if want != self._src_paused:
            self._src_paused = want
            try:
                if want:
                    self.src.pause_reading()
                else:
                    self.src.resume_reading()
            except (RuntimeError, AttributeError):
                pass  # transport already closing

    # -- pipeline -------------------------------------------------------------
    def _enter_pipeline(self) -> None:
        self.head = Channel(self._on_get)
        self.tail = Channel(self._on_get)
        stub0 = Stub(None, self.head, self.tail)
        self.stubs = [stub0]
        stub0.start(0.0)
        self._writer = self.loop.create_task(self._write_loop())
        self.fast = False

    async def _write_loop(self) -> None:
        tail = self.tail
        assert tail is not None
        while True:
            if self._dst_paused:
                self._writable = self.loop.create_future()
                await self._writable
            chunk = await tail.get()
            if chunk is None:
                self._finish()
                return
            if self.dst.is_closing():
                self._finish()
                return
            self.dst.write(chunk[0])
            if self.meter is not None:
                self.meter[1].inc(len(chunk[0]))
            if len(self.stubs) == 1 and not tail and self._maybe_fast():
                return

    def _maybe_fast(self) -> bool:
        """Back to the fast path once the (toxic-free) pipeline is empty."""
        head, tail = self.head, self.tail
        if len(self.stubs) != 1 or self.closed or head is None or tail is None:
            return False
        if head or tail or head.closed or tail.closed or self.stubs[0].held is not None:
            return False
        self.stubs[0].cancel()
        self.stubs = []
        writer, self._writer = self._writer, None
        if writer is not None and writer is not asyncio.current_task():
            writer.cancel()
        self.head = self.tail = None
        self.fast = True
        self._backlog_paused = False
        self._apply_pause()
        return True

    def _find(self, name: str) -> int:
        for i, stub in enumerate(self.stubs):
            if stub.toxic is not None and stub.toxic.name == name:
                return i
        return -1

    def add_toxic(self, wrapper: ToxicWrapper) -> None:
        """Append a toxic at the end of the chain (Go's `ToxicLink.AddToxic`)."""
        if self.closed:
            return
        if self.fast:
            self._enter_pipeline()
        last = self.stubs[-1]
        new_in = Channel(self._on_get)
        stub = Stub(wrapper, new_in, last.output)
        self.stubs.append(stub)
        if last.interrupt():
            last.output = new_in
            stub.start(random.random())
            last.start(random.random())
        else:
            stub.finished = True  # the stream already ended upstream of us

    def update_toxic(self, wrapper: ToxicWrapper) -> None:
        """Restart the toxic with new attributes; its state (limit_data count) is kept."""
        i = self._find(wrapper.name)
        if i < 0 or self.closed:
            return
        stub = self.stubs[i]
        if stub.interrupt():
            stub.toxic = wrapper
            stub.start(random.random())

    def remove_toxic(self, wrapper: ToxicWrapper) -> None:
        """Unlink a toxic, moving whatever it had queued on to the next stage in order."""
        i = self._find(wrapper.name)
        if i < 0 or self.closed:
            return
        stub, prev = self.stubs[i], self.stubs[i - 1]
        if stub.toxic is not None and stub.toxic.toxic.armed(stub.state):
            return  # Go's removal waits for the reset; ours leaves it here to fire
        if not stub.interrupt():
            return  # already closed: the link is ending anyway
        if wrapper.toxic.CLOSES_ON_REMOVE:
            stub.close()
        prev_alive = prev.interrupt()
        stub.input.drain_into(stub.output)
        prev.output = stub.output
        del self.stubs[i]
        if prev_alive:
            prev.start(random.random())
        if len(self.stubs) == 1 and self.tail is not None and not self.tail:
            self._maybe_fast()

    # -- end ------------------------------------------------------------------
    def _finish(self) -> None:
        """Close the destination (after flushing) and stop all stages; Go's link end."""
        if self.closed:
            return
        self.closed = True
        for stub in self.stubs:
            stub.cancel()
        writer, self._writer = self._writer, None
        if writer is not None and writer is not asyncio.current_task():
            writer.cancel()
        if not self.dst.is_closing():
            self.dst.close()
        self.on_done(self)
