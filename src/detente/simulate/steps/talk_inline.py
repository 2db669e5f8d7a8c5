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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from detente.core.jit import inline_kernel
from detente.simulate.protocols import _others1 as _others1_kernel
from detente.simulate.search import _find_at as _find_kernel
from detente.simulate.strategies import _move1 as _move1_kernel

__all__: list[str] = []

_K = TypeVar("_K", bound=Callable[..., Any])


def _py_func(f: _K) -> _K:
    """The Python function under a compiled kernel (Numba's ``py_func``; ``f`` itself when
    compilation is off), typed as ``f`` so that mypy checks the inlined copies' call sites."""
    return cast(_K, getattr(f, "py_func", f))


_find_at = inline_kernel(_py_func(_find_kernel))
_move1 = inline_kernel(_py_func(_move1_kernel))
_others1 = inline_kernel(_py_func(_others1_kernel))
