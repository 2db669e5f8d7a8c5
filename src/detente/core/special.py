"""SciPy's normal CDF for compiled kernels: ``ndtr1(x)`` is ``scipy.special.ndtr(x)`` of one
number, the very C function SciPy exports for Cython (``scipy.special.cython_special``), called
from a kernel by its address (the approach of numba-scipy), so that a kernel gives SciPy's bits
exactly. A kernel cannot otherwise call ``ndtr`` (:mod:`detente.core.jit`: its transcendental
functions are the C library's, which may differ in the last bit), and the engines computed it
between kernels, one NumPy call over an array at a time. Run interpreted
(``NUMBA_DISABLE_JIT=1``) it is ``scipy.special.ndtr`` itself. Used by the belief update of
the learn step (:mod:`detente.simulate.steps.learn`)."""

from __future__ import annotations

import ctypes
import importlib
from typing import Any

import llvmlite.binding as llvm  # type: ignore[import-untyped]  # Numba's dependency
import scipy
from numba import types
from numba.extending import get_cython_function_address, overload
from scipy.special import ndtr

from detente.errors import DetenteError

__all__ = ["ndtr1"]

_SYMBOL = "detente_scipy_ndtr"
_MODULE, _NAME = "scipy.special.cython_special", "__pyx_fuse_1ndtr"
# double ndtr(double x, int skip_dispatch): Cython's fused double version; the flag is unused.
# The capsule SciPy exports names the C signature: the kernel calls the function only if it is
# this one (a SciPy that reordered its fused versions would otherwise be called with the wrong
# signature).
_SIGNATURES = (b"double (double, int __pyx_skip_dispatch)", b"double (double, int)")


def _capsule_signature(module: str, name: str) -> bytes | None:
    """The C signature a Cython module exports ``name`` with (None if it does not export it)."""
    capi = getattr(importlib.import_module(module), "__pyx_capi__", {})
    if name not in capi:
        return None
    get_name = ctypes.pythonapi.PyCapsule_GetName
    get_name.restype = ctypes.c_char_p
    get_name.argtypes = [ctypes.py_object]
    signature: bytes | None = get_name(capi[name])
    return signature


def _check_export(signature: bytes | None, version: str) -> None:
    """A :class:`~detente.errors.DetenteError` naming SciPy's version unless ``signature`` is
    the double ``ndtr`` the kernels call."""
    if signature not in _SIGNATURES:
        found = "does not export it" if signature is None else f"exports {signature.decode()!r}"
        raise DetenteError(
            f"SciPy {version}'s {_MODULE} {found} as {_NAME}: detente's compiled belief update "
            f"calls SciPy's double ndtr, {_SIGNATURES[0].decode()!r}. Install a SciPy release "
            "that exports it (SciPy 1.17 does)."
        )


_check_export(_capsule_signature(_MODULE, _NAME), scipy.__version__)
llvm.add_symbol(_SYMBOL, get_cython_function_address(_MODULE, _NAME))
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
