"""The end of a block simulated until the settlement in one pass (branch sp23b).

:func:`detente.simulate.engine._close_settled` writes the rows the record left unwritten and
blanks each run after its stop, storing whole rows past the caches
(:func:`~detente.simulate.engine._stream_row`). Checked against the two passes it replaced
(the unwritten rows copied to the block's last period, then every entry after a run's stop
NaN and its events 0), written here in NumPy, on random blocks: row lengths that are not a
multiple of a cache line, rows that start off a line's boundary, garbage in every entry not
recorded, NaN payloads and signed zeros kept bit for bit; compiled and interpreted.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numba
import numpy as np
import pytest

from detente.simulate import RunInputs, simulate_block
from detente.simulate.engine import _close_settled, _stream_row
from detente.simulate.model import build_model

ROOT = Path(__file__).resolve().parents[2]
IntArray = np.ndarray[Any, np.dtype[np.int64]]


def _reference(
    ran: int,
    since: IntArray,
    srcs: IntArray,
    vs: IntArray,
    stop: IntArray,
    out: np.ndarray[Any, Any],
    events: np.ndarray[Any, Any],
) -> None:
    """The two passes :func:`_close_settled` replaced (engine ``_fill`` to ``ran``, then
    ``_blank_after``)."""
    for k, v in zip(srcs, vs, strict=True):
        out[v, since[k] : ran] = out[v, since[k] - 1]
    if out.shape[2] == 0:
        return
    after = np.arange(out.shape[1])[:, None] > stop[None, :]  # (P, N)
    events[after] = 0
    out[:, after] = np.float32(np.nan)


def _aligned_off(shape: tuple[int, ...], shift: int) -> np.ndarray[Any, Any]:
    """A C-contiguous float32 array of ``shape`` starting ``shift`` entries past a 64-byte
    boundary."""
    size = int(np.prod(shape))
    buf = np.empty(size + 32, np.float32)
    lead = (-(buf.ctypes.data % 64) // 4) % 16
    out = buf[lead + shift : lead + shift + size].reshape(shape)
    assert not size or out.ctypes.data % 64 == 4 * shift
    return out


def _case(rng: np.random.Generator, n: int, shift: int) -> tuple[Any, ...]:
    n_v, n_p, n_src = int(rng.integers(1, 6)), int(rng.integers(1, 30)), 4
    vs = rng.permutation(n_v).astype(np.int64)
    srcs = rng.integers(0, n_src, n_v).astype(np.int64)
    # the block ran up to ``ran`` periods; each run stopped at or before its last one
    ran = int(rng.integers(1, n_p + 1))
    stop = rng.integers(0, ran, n).astype(np.int64)
    if n and ran == n_p and rng.random() < 0.5:
        stop[rng.integers(0, n)] = n_p - 1  # a run still going at the horizon
    since = rng.integers(1, ran + 1, n_src).astype(np.int64)
    out = _aligned_off((n_v, n_p, n), shift)
    # garbage, with NaN payloads, infinities and signed zeros among the recorded values
    out.view(np.uint32)[...] = rng.integers(0, 2**32, out.shape, dtype=np.uint64).astype(np.uint32)
    flat = out.reshape(-1)
    special = np.array([np.nan, -0.0, 0.0, np.inf, -np.inf], np.float32)
    picks = rng.random(flat.size) < 0.1
    flat[picks] = special[rng.integers(0, special.size, int(picks.sum()))]
    events = rng.integers(-5, 5, (n_p, n)).astype(np.int32)
    return ran, since, srcs, vs, stop, out, events


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "interpreted"])
@pytest.mark.parametrize("n", [0, 1, 15, 16, 17, 33, 100, 257, 1000])
def test_one_pass_equals_the_fill_and_the_blanking(n: int, compiled: bool) -> None:
    close: Callable[..., None] = _close_settled if compiled else _close_settled.py_func
    rng = np.random.default_rng(1000 + n)
    for trial in range(12 if compiled else 3):
        ran, since, srcs, vs, stop, out, events = _case(rng, n, shift=trial % 16)
        want, want_ev = out.copy(), events.copy()
        _reference(ran, since, srcs, vs, stop, want, want_ev)
        close(ran, since, srcs, vs, stop, out, events)
        assert out.view(np.uint32).tobytes() == want.view(np.uint32).tobytes()
        assert events.tobytes() == want_ev.tobytes()


@numba.njit
def _copy_compiled(dst: Any, src: Any) -> None:
    _stream_row(dst, src)


@pytest.mark.parametrize("shift", [0, 1, 3, 8, 15])
def test_stream_row_stores_every_byte(shift: int) -> None:
    rng = np.random.default_rng(shift)
    for n in (0, 1, 5, 15, 16, 17, 31, 32, 47, 64, 100, 4096, 4097):
        src = rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32).view(np.float32)
        src = src.copy()
        buf = _aligned_off((n + 40,), shift)
        buf.view(np.uint32)[...] = 0xDEADBEEF
        dst = buf[3 : 3 + n]  # the row and the untouched entries on either side
        _copy_compiled(dst, src)
        assert dst.view(np.uint32).tobytes() == src.view(np.uint32).tobytes()
        assert (buf.view(np.uint32)[:3] == 0xDEADBEEF).all()
        assert (buf.view(np.uint32)[3 + n :] == 0xDEADBEEF).all()


def test_block_paths_are_the_default_modes_up_to_each_stop() -> None:
    """A block until the settlement against the same block to the horizon: every path and
    event up to each run's stop equal bit for bit, NaN and 0 after, also written over a
    reused output filled with garbage."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import vs_negmas
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    for name in ("boul-conc", "asp-asp"):
        model = build_model(vs_negmas.negotiation_scenario(10, *vs_negmas.PAIRINGS[name]))
        n = 300
        rng = np.random.default_rng(7)
        wa, wb = rng.uniform(0.2, 0.8, n), rng.uniform(0.2, 0.8, n)
        w = np.stack([np.stack([wa, 1 - wa], 1), np.stack([wb, 1 - wb], 1)], axis=1)
        seed = np.random.SeedSequence(11)
        full = simulate_block(model, n, 100, seed, inputs=RunInputs(weights=w))
        reuse = simulate_block(model, n, 100, seed, inputs=RunInputs(weights=w))
        for x in reuse.paths.values():
            x[...] = 3.0
        reuse.events[...] = 77
        for old in (None, reuse):
            got = simulate_block(
                model, n, 100, seed, inputs=RunInputs(weights=w), until="settlement", reuse=old
            )
            assert got.stopped_at is not None
            after = np.arange(100)[:, None] > got.stopped_at[None, :]
            assert after.any() and not after.all()
            for var, path in got.paths.items():
                want = np.where(after, np.float32(np.nan), full.paths[var])
                assert path.view(np.uint32).tobytes() == want.view(np.uint32).tobytes(), var
            assert got.events.tobytes() == np.where(after, 0, full.events).tobytes()
