"""NumPy's standard normals, made by a compiled kernel: ``fill_normals(rng, out)`` writes
into ``out`` the very numbers ``rng.standard_normal(out=out)`` writes, and leaves the
generator in the very state that call leaves it in.

``Generator.standard_normal`` takes each number from NumPy's ziggurat (256 layers: a 64-bit
draw gives a layer, a sign and a 52-bit mantissa; about 99 % of draws are accepted at once,
the others are decided by a second uniform and ``exp``, or in the tail by two uniforms and
``log1p``). Its fill cost about 10 ns a number on the benchmark host (2026-12-03), against
about 4-5 for the same algorithm compiled by Numba (whose own ``Generator`` support
re-implements it, but costs about 7 µs a call to hand the generator over). The kernel here
runs the same algorithm, with Numba's copies of NumPy's tables
(``numba.np.random._constants``), and takes its 64-bit draws and uniforms from the bit
generator's own C functions (``next_uint64``, ``next_double``), called by their addresses
(the bit generator's ``ctypes`` interface, read once per generator), so the draws are those
of the generator itself: any NumPy bit generator, in the order NumPy makes them. ``exp``
and ``log1p`` are the C library's in both (NumPy's C source calls them; a kernel's are the C
library's, :mod:`detente.core.jit`). ``tests/core/test_normals.py`` compares both, bit for
bit and state for state, on many millions of numbers (every branch taken).

Run interpreted (``NUMBA_DISABLE_JIT=1``), :func:`fill_normals` is NumPy's call itself.
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np
from numba import types
from numba.core import config
from numba.core.cgutils import ir  # type: ignore[attr-defined]  # llvmlite's, as Numba uses it
from numba.extending import intrinsic
from numba.np.random import _constants as _zig
from numpy.typing import NDArray

from detente.core.jit import kernel

__all__ = ["NormalSource", "fill_normals", "normal_source"]

_WI = np.ascontiguousarray(_zig.wi_double, dtype=np.float64)
_KI = np.ascontiguousarray(_zig.ki_double, dtype=np.uint64)
_FI = np.ascontiguousarray(_zig.fi_double, dtype=np.float64)
_NOR_R = float(_zig.ziggurat_nor_r)
_NOR_INV_R = float(_zig.ziggurat_nor_inv_r)


@intrinsic
def _call_u64(typingctx: Any, fn: Any, state: Any) -> Any:  # pragma: no cover - compiled
    """``((uint64_t (*)(void *)) fn)(state)``: a bit generator's ``next_uint64``."""
    sig = types.uint64(types.uintp, types.uintp)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        word = context.get_value_type(types.uintp)
        fnty = ir.FunctionType(ir.IntType(64), (word,))
        return builder.call(builder.inttoptr(args[0], fnty.as_pointer()), (args[1],))

    return sig, codegen


@intrinsic
def _call_double(typingctx: Any, fn: Any, state: Any) -> Any:  # pragma: no cover - compiled
    """``((double (*)(void *)) fn)(state)``: a bit generator's ``next_double``."""
    sig = types.float64(types.uintp, types.uintp)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        word = context.get_value_type(types.uintp)
        fnty = ir.FunctionType(ir.DoubleType(), (word,))
        return builder.call(builder.inttoptr(args[0], fnty.as_pointer()), (args[1],))

    return sig, codegen


@kernel
def _fill(
    next_u64: int,
    next_double: int,
    state: int,
    out: NDArray[np.float64],
) -> None:
    """``out`` (1-D, contiguous) filled with standard normals by NumPy's ziggurat, drawing
    from the bit generator at ``state`` through its ``next_u64`` and ``next_double`` (the
    tables are the module's, frozen into the machine code)."""
    wi, ki, fi, nor_r, nor_inv_r = _WI, _KI, _FI, _NOR_R, _NOR_INV_R
    mask = np.uint64(0x000FFFFFFFFFFFFF)
    one = np.uint64(1)
    for i in range(out.shape[0]):
        while True:
            r: np.uint64 = _call_u64(next_u64, state)  # type: ignore[call-arg]  # Numba's typing
            idx = np.intp(r & np.uint64(0xFF))
            r = r >> np.uint64(8)
            sign = r & one
            rabs = (r >> one) & mask
            x = np.float64(rabs) * wi[idx]
            if sign:
                x = -x
            if rabs < ki[idx]:
                break
            if idx == 0:
                while True:
                    u0 = _call_double(next_double, state)
                    u1 = _call_double(next_double, state)
                    xx = -nor_inv_r * np.log1p(-u0)
                    yy = -np.log1p(-u1)
                    if yy + yy > xx * xx:
                        x = -(nor_r + xx) if (rabs >> np.uint64(8)) & one else nor_r + xx
                        break
                break
            u = _call_double(next_double, state)
            if (fi[idx - 1] - fi[idx]) * u + fi[idx] < np.exp(-0.5 * x * x):
                break
        out[i] = x


NormalSource = tuple[np.random.Generator, int, int, int]
"""A generator and its bit generator's ``next_uint64``, ``next_double`` and state addresses."""


def normal_source(rng: np.random.Generator) -> NormalSource:
    """``rng`` with the addresses :func:`fill_normals` calls (read once: the bit generator
    keeps its ``ctypes`` interface, and its state, at these addresses while it lives)."""
    c = rng.bit_generator.ctypes
    as_int = ctypes.cast
    fn64 = as_int(c.next_uint64, ctypes.c_void_p).value
    fnd = as_int(c.next_double, ctypes.c_void_p).value
    state = c.state.value
    if not (fn64 and fnd and state):
        raise ValueError("the bit generator exposes no C interface")
    return rng, int(fn64), int(fnd), int(state)


def fill_normals(source: NormalSource, out: NDArray[np.float64]) -> None:
    """``source[0].standard_normal(out=out)``, the same numbers and the same state after it,
    made by :func:`_fill` (``out``: C-contiguous float64, any shape)."""
    rng, fn64, fnd, state = source
    if not (out.flags.c_contiguous and out.flags.writeable and out.dtype == np.float64):
        raise ValueError("fill_normals writes into a C-contiguous, writeable float64 array")
    if config.DISABLE_JIT:  # type: ignore[attr-defined]  # set from the environment
        rng.standard_normal(out=out)
        return
    _fill(fn64, fnd, state, out.reshape(-1))
