"""The compiled normals (detente.core.normals) are NumPy's, bit for bit and state for state."""

from __future__ import annotations

import numpy as np
import pytest
from numba.np.random import _constants as zig

from detente.core.normals import fill_normals, normal_source


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.array_equal(a.view(np.int64), b.view(np.int64)))


def _plain(x: object) -> object:
    """A bit generator's state with its arrays as lists (comparable with ``==``)."""
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    return x.tolist() if isinstance(x, np.ndarray) else x


def _same_state(a: np.random.Generator, b: np.random.Generator) -> bool:
    return _plain(a.bit_generator.state) == _plain(b.bit_generator.state)


@pytest.mark.parametrize("bits", [np.random.PCG64, np.random.PCG64DXSM, np.random.Philox])
def test_numbers_and_state_are_numpys(bits: type[np.random.BitGenerator]) -> None:
    ours = np.random.Generator(bits(20261203))
    theirs = np.random.Generator(bits(20261203))
    source = normal_source(ours)
    # sizes across calls (an empty one too), 1-D and 3-D (the engine's batched buffers)
    for shape in [(0,), (1,), (7,), (4096,), (3, 5, 2), (2, 1000, 1), (250_000,)]:
        a, b = np.empty(shape), np.empty(shape)
        fill_normals(source, a)
        theirs.standard_normal(out=b)
        assert _same(a, b), shape
        assert _same_state(ours, theirs)
    # NumPy's other draws after ours see the same state
    assert _same(ours.random(5), theirs.random(5))


def test_every_branch_of_the_ziggurat() -> None:
    """2,000,000 numbers: the tail (|x| > r) and the wedges are reached, and equal."""
    ours, theirs = np.random.default_rng(45), np.random.default_rng(45)
    a, b = np.empty(2_000_000), np.empty(2_000_000)
    fill_normals(normal_source(ours), a)
    theirs.standard_normal(out=b)
    assert _same(a, b)
    assert (np.abs(b) > zig.ziggurat_nor_r).sum() > 100  # the tail's branch
    assert _same_state(ours, theirs)


def test_only_contiguous_float64() -> None:
    source = normal_source(np.random.default_rng(1))
    with pytest.raises(ValueError, match="C-contiguous"):
        fill_normals(source, np.empty((4, 4))[:, 0])
    with pytest.raises(ValueError, match="C-contiguous"):
        fill_normals(source, np.empty(4, dtype=np.float32))
