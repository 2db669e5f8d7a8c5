"""A cache-line prefetch for compiled kernels: ``prefetch(a, i)`` asks the processor to start
loading the line of ``a[i]`` so that a later read waits less. It changes no value, only when a
read waits; run interpreted (``NUMBA_DISABLE_JIT=1``) it does nothing. Used by the talk round
(:mod:`detente.simulate.steps.talk`) on large per-run tables."""

from __future__ import annotations

from typing import Any

from numba import types
from numba.core import cgutils
from numba.core.cgutils import ir  # type: ignore[attr-defined]  # llvmlite's, as Numba uses it
from numba.extending import intrinsic, overload
from numpy.typing import NDArray

__all__ = ["prefetch"]


def prefetch(a: NDArray[Any], i: int) -> None:
    """Ask the processor to start loading the cache line of ``a[i]`` (``a`` one-dimensional,
    ``0 <= i < a.size``): no effect on any value, only on when a later read of that line
    waits. Compiled to LLVM's ``prefetch`` intrinsic in kernels (:func:`_prefetch`);
    interpreted (``NUMBA_DISABLE_JIT=1``), nothing."""


@intrinsic
def _prefetch(typingctx: Any, arr: Any, i: Any) -> Any:
    """``llvm.prefetch`` of ``arr[i]``'s address: a read, kept in every cache level."""
    sig = types.void(arr, i)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(  # type: ignore[no-untyped-call]
            context, builder, aryty, ary, [args[1]], wraparound=False
        )
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = cgutils.get_or_insert_function(  # type: ignore[no-untyped-call]
            builder.module, fnty, "llvm.prefetch.p0i8"
        )
        builder.call(fn, [builder.bitcast(ptr, i8p), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return sig, codegen


@overload(prefetch, inline="always")
def _prefetch_overload(a: Any, i: Any) -> Any:
    def impl(a: Any, i: Any) -> None:  # pragma: no cover - compiled only
        _prefetch(a, i)  # type: ignore[call-arg]  # the typing context is Numba's

    return impl
