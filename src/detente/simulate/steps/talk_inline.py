"""The talk round's per-run kernels compiled into its loops rather than called from them.

The round of talks (:func:`detente.simulate.steps.talk._round`, and the single text's round,
:func:`detente.simulate.steps.text_round._text_round`) calls a few per-run kernels of other
modules many times a run and period: the searches (:func:`detente.simulate.search._find_at`), the
strategies' moves (:func:`detente.simulate.strategies._move1`) and the other veto parties'
check (:func:`detente.simulate.protocols._others1`). LLVM inlines the round's other per-run
helpers itself, but leaves these as calls, eight a run and period; a compiled call passes
every array argument as its data pointer, shapes and strides (about 45 words for
``_others1``'s four arrays) and its results through memory. Here each is the same Python
function (the one implementation, :func:`_py_func`) compiled again as a
:func:`~detente.core.jit.inline_kernel`, which Numba copies into the kernels that call it.

Measured (issue 13): the searches and moves inlined by branch s10talk (see the CHANGELOG);
``_others1`` in the eighteenth, whose two calls a run and period cost more than the rest of the
protocol's pass: the round at 1,024 outcomes ~20 % cheaper a run-round (``docs/benchmarks.md``,
"The eighteenth session").

The proposals' searches of :func:`~detente.simulate.steps.talk._round` (its first looks in one
pass, the searches that moved in the next) also use :func:`_look_at` and :func:`_find_from`
here: the first look of :func:`~detente.simulate.search._hint_at` keeping the side of a miss in
its code, and :func:`~detente.simulate.search._find_at`'s search going on from there without
reading again the values the first look compared (branch sp23a: at 1,024 outcomes, where a
proposal lands within a few positions of its first look, a miss reads one value fewer above
it and two below; the round 1-4 % cheaper, ``docs/benchmarks.md``, "The twenty-third
session"). The positions are :func:`~detente.simulate.search._find_at`'s: the first at or
above the key, whatever the hint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np
from numpy.typing import NDArray

from detente.core.jit import inline_kernel
from detente.simulate.cells import OrderArray, _sorted_at
from detente.simulate.protocols import _others1 as _others1_kernel
from detente.simulate.search import _find_at as _find_kernel
from detente.simulate.strategies import _move1 as _move1_kernel

FloatArray = NDArray[np.float64]

__all__: list[str] = []

_K = TypeVar("_K", bound=Callable[..., Any])


def _py_func(f: _K) -> _K:
    """The Python function under a compiled kernel (Numba's ``py_func``; ``f`` itself when
    compilation is off), typed as ``f`` so that mypy checks the inlined copies' call sites."""
    return cast(_K, getattr(f, "py_func", f))


_find_at = inline_kernel(_py_func(_find_kernel))
_move1 = inline_kernel(_py_func(_move1_kernel))
_others1 = inline_kernel(_py_func(_others1_kernel))


@inline_kernel
def _look_at(
    keys: FloatArray | None,
    order: OrderArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
    side: int,
    row: int,
    base: int,
    off: float,
    k: int,
    nf: int,
    x: float,
    h: int,
) -> int:
    """:func:`~detente.simulate.search._hint_at` (the same arguments and first look: ``h``
    when its bracket holds ``x``, -1 without a hint, 0 in an empty row) with the side of a
    miss kept in its code: ``-2 - h`` when the position is above the hint (its value is below
    ``x``), ``-3 - k - h`` when it is below (the value before it is not below ``x``), for
    :func:`_find_from`."""
    if k == 0:
        return 0
    if h < 0:
        return -1
    h = min(h, k)
    below = _sorted_at(keys, order, lin_dist, lin_w, side, row, base, nf, max(h - 1, 0)) + off < x
    at = _sorted_at(keys, order, lin_dist, lin_w, side, row, base, nf, min(h, k - 1)) + off < x
    if h < k and at:
        return -2 - h
    if h > 0 and not below:
        return -3 - k - h
    return h


@inline_kernel
def _find_from(
    keys: FloatArray | None,
    order: OrderArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
    side: int,
    row: int,
    base: int,
    off: float,
    k: int,
    nf: int,
    x: float,
    code: int,
) -> int:
    """:func:`~detente.simulate.search._find_at`'s position (the first at or above ``x``,
    whatever the hint: the row ascends) from :func:`_look_at`'s ``code``: a miss gallops from
    the hint on the side its code names, without reading again the hint's values the first
    look compared (one value fewer above the hint, two below)."""
    if code >= -1:  # a hit, or no hint (a bisection)
        return _find_at(keys, order, lin_dist, lin_w, side, row, base, off, k, nf, x, code)
    lo, hi = 0, k  # the position is in [lo, hi]
    step = 1
    if code >= -2 - k:  # above the hint h: values up to h are below x
        h = -2 - code
        lo = h + 1
        while h + step < k:
            if _sorted_at(keys, order, lin_dist, lin_w, side, row, base, nf, h + step) + off < x:
                lo = h + step + 1
                step *= 2
            else:
                hi = h + step
                break
    else:  # below the hint: the value before it (at h) is at or above x
        h = -3 - k - code - 1
        hi = h
        while h - step >= 0:
            if _sorted_at(keys, order, lin_dist, lin_w, side, row, base, nf, h - step) + off < x:
                lo = h - step + 1
                break
            hi = h - step
            step *= 2
    while lo < hi:
        mid = (lo + hi) >> 1
        if _sorted_at(keys, order, lin_dist, lin_w, side, row, base, nf, mid) + off < x:
            lo = mid + 1
        else:
            hi = mid
    return lo
