"""A stream that draws several periods' numbers in one call (engine._Stream's batches) gives
the bytes of one call per period, with skipped periods in between, for uniforms and normals,
idle or not, up to the block's last period."""

from __future__ import annotations

import numpy as np
import pytest

from detente.core import named_rng
from detente.simulate.engine import _Stream
from detente.simulate.memory import BlockMemory


@pytest.mark.parametrize("widths", [(6, 0), (0, 1), (2, 0), (0, 3), (2, 1)])
@pytest.mark.parametrize("idle", [True, False])
@pytest.mark.parametrize("n", [1, 5, 64, 700])
def test_batched_draws_are_the_per_period_draws(
    widths: tuple[int, int], idle: bool, n: int
) -> None:
    seed = np.random.SeedSequence(13)
    periods = 40
    one = _Stream(named_rng(seed, "s"), n, widths)  # one call a period, skips jumped lazily
    many = _Stream(named_rng(seed, "s"), n, widths, BlockMemory(), "x", periods, idle)
    if n <= 64 and not (widths[0] and widths[1]):
        assert many.batch > 1  # the test covers batches
    skipped = {0, 3, 4, 11, 12, 13, 20, 27, 28, 29, 30, 31, 38, 39} if idle else set()
    for t in range(periods):
        if t in skipped:
            one.skip()
            many.skip()
            continue
        want = one.draw(None)
        got = many.draw(None)
        assert got.u.shape == (n, widths[0]) and got.z.shape == (n, widths[1])
        assert got.u.tobytes() == want.u.tobytes()
        assert got.z.tobytes() == want.z.tobytes()
    assert many.left == 0


def test_batched_rows_and_no_numbers_past_the_last_period() -> None:
    seed = np.random.SeedSequence(14)
    n, periods = 8, 5
    rows = np.array([1, 6], dtype=np.int64)
    many = _Stream(named_rng(seed, "r"), n, (0, 1), None, "", periods, False)
    assert many.batch == 16
    got = [many.draw(rows).z.copy() for _ in range(periods)]
    # the stream made exactly the block's numbers: the next normals are the sixth period's
    rest = named_rng(seed, "r").standard_normal((periods + 1, n, 1))
    for t in range(periods):
        assert got[t].tobytes() == rest[t][rows].tobytes()
    assert many.rng.standard_normal((n, 1)).tobytes() == rest[periods].tobytes()


def test_an_empty_block_draws_nothing() -> None:
    seed = np.random.SeedSequence(15)
    empty = _Stream(named_rng(seed, "e"), 0, (6, 0), BlockMemory(), "x", 10, True)
    assert empty.batch == 1
    assert empty.draw(None).u.shape == (0, 6)
