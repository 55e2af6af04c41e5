"""One pipeline stage: a toxic running between an input and an output channel.

Mirrors Toxiproxy's `ToxicStub`.  Interrupting a stub (for a live toxic
change) cancels its task synchronously; whatever chunk the toxic was holding
at that moment is parked in `held` by the toxic before every await, and the
link forwards it to `output` before re-wiring.  So an interrupt never drops or
reorders a byte, and the API never waits on a data path.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from fakes.toxiproxy.channel import Channel, Chunk

if TYPE_CHECKING:
    from fakes.toxiproxy.toxics.base import ToxicWrapper


class Stub:
    __slots__ = ("finished", "held", "input", "output", "state", "task", "toxic")

    def __init__(self, toxic: ToxicWrapper | None, input: Channel, output: Channel) -> None:
        self.toxic = toxic
        self.input = input
        self.output = output
        self.held: Chunk | None = None
        self.task: asyncio.Task[None] | None = None
        self.finished = False  # the stub closed its output (EOF or a toxic's close)
        self.state: Any = toxic.toxic.new_state() if toxic is not None else None

    # -- helpers for toxics ---------------------------------------------------
    async def recv(self) -> Chunk | None:
        return await self.input.get()

    def send(self, chunk: Chunk) -> None:
        self.output.put(chunk)

    def close(self) -> None:
        """End the stream downstream of this stub (Go's `stub.Close()`)."""
        self.finished = True
        self.output.close()

    async def hold(self, chunk: Chunk, delay: float) -> None:
        """Keep `chunk` for `delay` seconds; on interrupt the link forwards it."""
        self.held = chunk
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            await asyncio.sleep(0)
        self.held = None

    # -- lifecycle, driven by the link ----------------------------------------
    def start(self, rng_draw: float) -> None:
        """Run the toxic, or a noop if the toxicity draw fails (drawn per start, as Go does)."""
        if self.finished:
            return
        toxic = self.toxic
        active = toxic is not None and (
            toxic.toxic.armed(self.state) or rng_draw < toxic.toxicity
        )
        self.task = asyncio.get_running_loop().create_task(self._run(active))

    async def _run(self, active: bool) -> None:
        try:
            if active:
                assert self.toxic is not None
                await self.toxic.toxic.pipe(self)
            else:
                await noop_pipe(self)
        except asyncio.CancelledError:
            return
        self.close()

    def interrupt(self) -> bool:
        """Stop the running toxic now; return False if the stub had already closed."""
        task, self.task = self.task, None
        if task is not None and not task.done():
            task.cancel()
        if self.held is not None:
            self.output.put(self.held)
            self.held = None
        return not self.finished

    def cancel(self) -> None:
        """Tear down without forwarding anything (the connection is gone)."""
        task, self.task = self.task, None
        if task is not None and not task.done():
            task.cancel()
        self.held = None


async def noop_pipe(stub: Stub) -> None:
    """Pass chunks through unchanged until end of stream."""
    while True:
        chunk = await stub.input.get()
        if chunk is None:
            return
        stub.output.put(chunk)
