"""SciPy's normal CDF for compiled kernels: ``ndtr1(x)`` is ``scipy.special.ndtr(x)`` of one
number, the very C function SciPy exports for Cython (``scipy.special.cython_special``), called
from a kernel by its address (the approach of numba-scipy), so that a kernel gives SciPy's bits
exactly. A kernel cannot otherwise call ``ndtr`` (:mod:`detente.core.jit`: its transcendental
functions are the C library's, which may differ in the last bit), and the engines computed it
between kernels, one NumPy call over an array at a time. Run interpreted
(``NUMBA_DISABLE_JIT=1``) it is ``scipy.special.ndtr`` itself. Used by the belief update of
the learn step (:mod:`detente.simulate.steps.learn`)."""

from __future__ import annotations

from typing import Any

import llvmlite.binding as llvm  # type: ignore[import-untyped]  # Numba's dependency
from numba import types
from numba.extending import get_cython_function_address, overload
from scipy.special import ndtr

__all__ = ["ndtr1"]

_SYMBOL = "detente_scipy_ndtr"
# double ndtr(double x, int skip_dispatch): Cython's fused double version; the flag is unused
llvm.add_symbol(
    _SYMBOL, get_cython_function_address("scipy.special.cython_special", "__pyx_fuse_1ndtr")
)
_ndtr: Any = types.ExternalFunction(_SYMBOL, types.float64(types.float64, types.intc))


def ndtr1(x: float) -> float:
    """``scipy.special.ndtr(x)``: Φ(x), the standard normal CDF, of one float (the same bits;
    in a kernel, a call of SciPy's own C function)."""
    return float(ndtr(x))


@overload(ndtr1, inline="always")
def _ndtr1_overload(x: Any) -> Any:
    def impl(x: Any) -> float:  # pragma: no cover - compiled only
        return _ndtr(x, 0)  # type: ignore[no-any-return]

    return impl
