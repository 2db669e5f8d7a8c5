"""Compiled kernels: the one way detente compiles a numerical loop.

The simulation's hot loops (a round of talks, implementation, verification over every run of a
block) are written once, as plain Python over NumPy arrays and scalars, and compiled by Numba
(``numba.njit``) on their first call. They are the only implementation of what they compute:
there is no NumPy twin to drift from them. ``NUMBA_DISABLE_JIT=1`` runs the same functions
interpreted (slowly), for debugging.

Compilation options, the same for every kernel:

- no ``fastmath``: IEEE arithmetic in source order, no fused multiply-adds, no reassociation,
  so a kernel's ``+ - * /``, ``sqrt``, comparisons, ``min``/``max`` give the bits NumPy gives
  for the same expression. Transcendental functions (``exp``, ``log``, ``pow`` …) are the C
  library's in a kernel but NumPy's own (SIMD) implementations outside it, which may differ in
  the last bit: kernels leave them to NumPy (computed before or after the call);
- ``error_model="numpy"``: a division by zero gives ``inf``/``nan`` as in NumPy, never raises;
- ``cache=True``: the machine code is stored beside the module (``__pycache__``, or Numba's
  per-user cache directory when that is read-only) and reused by later processes and workers;
- ``nogil=True``: a kernel releases the GIL (threads may run blocks side by side).

Results stay a function of (inputs, seed): a kernel draws no random numbers (its uniforms and
normals are drawn by the step from its named stream and passed in) and loops over runs in order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

__all__ = ["kernel"]

F = TypeVar("F", bound=Callable[..., Any])


def kernel(f: F) -> F:
    """``f`` compiled on its first call (see the module's options); kernels may call kernels."""
    return cast(F, numba.njit(cache=True, nogil=True, error_model="numpy")(f))
