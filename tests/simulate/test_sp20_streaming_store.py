"""Streaming stores (branch sp20): ``detente.core.prefetch.store_streaming`` stores the bits an
assignment stores (only past the caches), and the per-run tables of two-issue utilities built
with it (``row_keys._two_issue_rows``, its sorted utilities) are the tables the packed keys
give (``test_s16b_tables``) and the same whichever way they are stored. fx21 (rev20 finding 3):
the misaligned cases are views at a byte offset, an output may be strided, the store is
typed as an assignment (a read-only or 2-D array, a non-integer index or a value the dtype
cannot take is refused when compiling), and on x86-64 the compiled kernels hold the
non-temporal store (``movnti``) and the fence (``sfence``)."""

from __future__ import annotations

import platform
import re

import numba
import numpy as np
import pytest
from numba.core.errors import TypingError

from detente.core.prefetch import store_fence, store_streaming
from detente.simulate import row_keys


# compiled here, never cached: Numba keys a cached kernel on its own file only, so a cached
# test kernel would keep the store of an earlier detente.core.prefetch
@numba.njit
def _streamed(src: np.ndarray, out: np.ndarray) -> None:
    for i in range(src.shape[0]):
        store_streaming(out, i, src[i])
    store_fence()


@numba.njit
def _assigned(src: np.ndarray, out: np.ndarray) -> None:
    for i in range(src.shape[0]):
        out[i] = src[i]


def _values(dtype: type, size: int = 4099) -> np.ndarray:
    rng = np.random.default_rng(20)
    if np.issubdtype(dtype, np.floating):
        special = [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 1.0, 1.5]
        x = np.concatenate([special, rng.uniform(-2, 2, size)])
        return x.astype(dtype)
    if dtype is np.bool_:
        return rng.uniform(size=size) < 0.5
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, size, dtype=dtype, endpoint=True)


def _at_byte(offset: int, values: np.ndarray) -> np.ndarray:
    """A copy of ``values`` in a view starting ``offset`` bytes into a fresh buffer (NumPy's
    own buffers are aligned: offset 0 is aligned, 1 and 3 misaligned for every dtype wider
    than a byte)."""
    raw = np.zeros(values.nbytes + offset, np.uint8)[offset:]
    out = raw.view(values.dtype)
    out[:] = values
    return out


DTYPES = [np.uint64, np.int64, np.float64, np.int32, np.int16, np.int8, np.float32, np.bool_]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("offset", [0, 1, 3])  # bytes: misaligned views of a buffer
def test_a_streaming_store_stores_the_assignments_bits(dtype: type, offset: int) -> None:
    src = _at_byte(offset, _values(dtype))
    start = np.full(src.shape, 7, dtype=dtype)
    streamed, assigned = _at_byte(offset, start), _at_byte(offset, start)
    if offset and src.itemsize > 1:
        assert not streamed.flags.aligned and streamed.ctypes.data % src.itemsize
    _streamed(src, streamed)
    _assigned(src, assigned)
    assert streamed.tobytes() == assigned.tobytes() == src.tobytes()
    interpreted = np.zeros_like(src)
    _streamed.py_func(src, interpreted)  # NUMBA_DISABLE_JIT: ``a[i] = v``
    assert interpreted.tobytes() == src.tobytes()
    assert store_fence() is None


@pytest.mark.parametrize("dtype", [np.uint64, np.float64, np.int16])
def test_a_strided_output_is_stored_in_place(dtype: type) -> None:
    """Every other element of a buffer (and of a misaligned one): the gaps keep their bytes."""
    src = _values(dtype, 1001)
    for offset in (0, 1):
        buf = _at_byte(offset, np.full(2 * src.size, 7, dtype=dtype))
        streamed = buf[::2]
        assert not streamed.flags.c_contiguous
        _streamed(src, streamed)
        assert streamed.tobytes() == src.tobytes()
        assert (buf[1::2] == 7).all()


def _kernel_error(*args: object) -> str:
    with pytest.raises(TypingError) as info:
        _streamed_one(*args)
    return str(info.value)


@numba.njit
def _streamed_one(out: np.ndarray, i: object, v: object) -> None:
    store_streaming(out, i, v)
    store_fence()


def test_the_store_is_typed_as_an_assignment() -> None:
    """Refused when compiling, as ``a[i] = v`` would be or where the store cannot act as one
    (rev20: it wrote into a read-only bytes-backed array, and into ``a[i, 0]`` of a 2-D one)."""
    readonly = np.frombuffer(bytes(64), dtype=np.uint64)
    assert "cannot write a read-only array" in _kernel_error(readonly, 0, np.uint64(1))
    assert readonly.tobytes() == bytes(64)
    two_d = np.zeros((2, 4))
    assert "needs a one-dimensional array" in _kernel_error(two_d, 0, 1.0)
    assert not two_d.any()
    assert "needs an integer index" in _kernel_error(np.zeros(4), 1.0, 1.0)
    assert "cannot store complex128" in _kernel_error(np.zeros(4), 0, 1j)
    when = np.zeros(4, "datetime64[D]")
    assert "array of booleans or numbers" in _kernel_error(when, 0, when[0])
    out = np.zeros(4)
    _streamed_one(out, np.int32(2), True)  # what an assignment casts: an index, a value
    assert out.tolist() == [0.0, 0.0, 1.0, 0.0]


def test_a_streaming_store_casts_as_an_assignment() -> None:
    src = np.array([0, 1, 2**40 + 3, 2**63 - 1], dtype=np.int64)
    streamed, assigned = np.zeros(4, np.float64), np.zeros(4, np.float64)
    _streamed(src, streamed)
    _assigned(src, assigned)
    assert streamed.tobytes() == assigned.tobytes()


def test_two_issue_rows_are_the_same_stored_either_way() -> None:
    """The kernel's streamed sorted utilities against its interpreted form's assignments."""
    rng = np.random.default_rng(3)
    n, k = 40, 200
    dist = rng.uniform(0, 1, (2, 2, k))
    weights = rng.uniform(0.2, 0.8, (n, 2, 2))
    weights[:, :, 1] = 1 - weights[:, :, 0]
    feasible = rng.uniform(size=(n, k)) < 0.9
    feasible[::3] = True
    share = weights[:, :, 0] / weights.sum(axis=2)
    runs = np.ascontiguousarray(np.argsort(share.T, axis=1, kind="stable"), dtype=np.int64)
    outs = []
    for f in (row_keys._two_issue_rows, row_keys._two_issue_rows.py_func):
        n_f = np.full(n, -9, np.int64)
        order = np.full((2, n, k), -9, np.int16)
        bits = np.full((2, n, k), 9, np.uint64)
        outright = f(dist, weights, feasible, runs, n_f, order, bits)
        outs.append((outright, n_f, order, bits))
    (o0, *a0), (o1, *a1) = outs
    assert o0 == o1
    for x, y in zip(a0, a1, strict=True):
        assert x.tobytes() == y.tobytes()


@pytest.mark.skipif(
    platform.machine().lower() not in ("x86_64", "amd64"), reason="x86-64 instructions"
)
def test_the_compiled_stores_are_non_temporal_and_fenced() -> None:
    """Compiled afresh (a cached kernel's machine code cannot be inspected): ``movnti`` for
    the 64- and 32-bit integer stores, ``sfence`` after them, in a small kernel and in
    ``_two_issue_rows``; a float gets an ordinary store (the docstring says so)."""

    def stores(f: object, *args: object) -> list[str]:
        compiled = numba.njit(f)
        compiled(*args)
        asm = compiled.inspect_asm(compiled.signatures[0])
        return re.findall(r"\b(movnti\w*|sfence)\b", asm)

    for dtype in (np.uint64, np.int32):
        src = np.arange(8, dtype=dtype)
        found = stores(_streamed.py_func, src, np.zeros_like(src))
        assert any(x.startswith("movnti") for x in found) and "sfence" in found, found
    src = np.arange(8.0)
    found = stores(_streamed.py_func, src, np.zeros_like(src))
    assert found == ["sfence"], found
    rng = np.random.default_rng(3)
    n, k = 4, 16
    found = stores(
        row_keys._two_issue_rows.py_func,
        rng.uniform(0, 1, (2, 2, k)),
        rng.uniform(0.2, 0.8, (n, 2, 2)),
        np.ones((n, k), bool),
        np.tile(np.arange(n), (2, 1)).astype(np.int64),
        np.zeros(n, np.int64),
        np.zeros((2, n, k), np.int16),
        np.zeros((2, n, k), np.uint64),
    )
    assert any(x.startswith("movnti") for x in found) and found[-1] == "sfence", found
