"""Toxics without sockets: drive `pipe` through in-memory channels (like slicer_test.go)."""

from __future__ import annotations

import asyncio
import os

from fakes.toxiproxy.channel import Channel, Chunk
from fakes.toxiproxy.stub import Stub
from fakes.toxiproxy.toxics import REGISTRY, ToxicWrapper
from fakes.toxiproxy.toxics.slicer import Slicer


def wrap(type_name: str, **attrs: int) -> ToxicWrapper:
    return ToxicWrapper(REGISTRY[type_name](**attrs), type_name, type_name, "downstream",
                        False, 1.0)


async def collect(out: Channel) -> list[bytes]:
    pieces = []
    while (chunk := await out.get()) is not None:
        pieces.append(chunk[0])
    return pieces


def run_stub(wrapper: ToxicWrapper, chunks: list[bytes]) -> list[bytes]:
    async def main() -> list[bytes]:
        inp, out = Channel(), Channel()
        stub = Stub(wrapper, inp, out)
        stub.start(0.0)
        now = asyncio.get_running_loop().time()
        for data in chunks:
            inp.put((data, now))
        inp.close()
        return await asyncio.wait_for(collect(out), 5)

    return asyncio.run(main())


def test_slicer_one_byte_pieces() -> None:
    pieces = run_stub(wrap("slicer", average_size=1, size_variation=0), [b"x" * 24])
    assert len(pieces) == 24 and b"".join(pieces) == b"x" * 24


def test_slicer_480k_piece_count_and_intact() -> None:
    data = os.urandom(480 * 1024)
    pieces = run_stub(wrap("slicer", average_size=1024, size_variation=512), [data])
    assert 240 <= len(pieces) <= 720 and b"".join(pieces) == data
    assert all(1 <= len(p) <= 1024 + 512 for p in pieces)


def test_slicer_cuts_cover_chunk() -> None:
    bounds = Slicer(average_size=10, size_variation=5).cuts(1000)
    assert bounds[0] == 0 and bounds[-1] == 1000 and bounds == sorted(bounds)


def test_limit_data_truncation_cases() -> None:
    assert run_stub(wrap("limit_data", bytes=100), [b"a" * 90, b"b" * 20]) == [b"a" * 90,
                                                                            b"b" * 10]
    assert run_stub(wrap("limit_data", bytes=0), [b"abc"]) == []


def test_timeout_drops_everything() -> None:
    assert run_stub(wrap("timeout", timeout=0), [b"a", b"b"]) == []


def test_noop_and_latency_keep_order() -> None:
    chunks = [bytes([i]) for i in range(50)]
    assert run_stub(wrap("noop"), chunks) == chunks
    assert run_stub(wrap("latency", latency=5, jitter=4), chunks) == chunks


async def _until_held(stub: Stub) -> None:
    while stub.held is None:
        await asyncio.sleep(0)


def test_interrupt_forwards_held_chunk() -> None:
    async def main() -> list[Chunk | None]:
        inp, out = Channel(), Channel()
        stub = Stub(wrap("latency", latency=10_000), inp, out)
        stub.start(0.0)
        inp.put((b"held", asyncio.get_running_loop().time()))
        await asyncio.wait_for(_until_held(stub), 1)  # loop turns, not wall-clock time
        assert stub.interrupt() is True
        return [out.get_nowait()]

    assert asyncio.run(main())[0] is not None
