"""Cache hints for compiled kernels: ``prefetch(a, i)`` asks the processor to start loading
the line of ``a[i]`` so that a later read waits less; ``store_streaming(a, i, v)`` stores ``v``
into ``a[i]`` past the caches (a non-temporal store), for a large array written once and read
much later, and ``store_fence()`` orders such stores before every later store (once after
them, before the kernel returns). None changes a value, only when a read or write waits; run
interpreted (``NUMBA_DISABLE_JIT=1``) the hints do nothing and ``store_streaming`` is
``a[i] = v``. ``prefetch`` is used by the talk round (:mod:`detente.simulate.steps.talk`) on
large per-run tables, ``store_streaming`` by the build of the per-run tables of two-issue
utilities (:func:`detente.simulate.row_keys._two_issue_rows`)."""

from __future__ import annotations

import platform
from typing import Any

from numba import types
from numba.core import cgutils
from numba.core.cgutils import ir  # type: ignore[attr-defined]  # llvmlite's, as Numba uses it
from numba.extending import intrinsic, overload
from numpy.typing import NDArray

__all__ = ["prefetch", "store_fence", "store_streaming"]


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


def store_streaming(a: NDArray[Any], i: int, v: Any) -> None:
    """``a[i] = v``, with a hint to store it past the caches: ``a`` a writable one-dimensional
    array of booleans or numbers, ``i`` an integer with ``0 <= i < a.size`` (compiled, no
    negative index; checked, an IndexError, only where Numba checks ``a[i]``: with
    ``NUMBA_BOUNDSCHECK=1`` or ``njit(boundscheck=True)``), ``v`` a value the assignment casts
    to ``a``'s dtype (compiled, any other ``a``, ``i`` or ``v`` is a typing error). The stored
    bits are those of the assignment. Compiled, the store is LLVM's ``!nontemporal`` store: on
    x86-64 that is ``movnti`` (the line is not brought into the cache to be written, and not
    kept there after) for 32- and 64-bit integer dtypes only; floats, booleans, 8- and 16-bit
    integers and complex numbers get an ordinary store there. For a large array written in full
    and read much later (after more than a cache's worth of other data), whose lines would be
    read from memory only to be overwritten. A kernel that stores this way calls
    :func:`store_fence` before it returns."""
    a[i] = v


def store_fence() -> None:
    """Make every earlier store of this thread, non-temporal ones included, visible before
    any later one (``sfence`` on x86-64, LLVM's ``fence seq_cst`` elsewhere): called once,
    after a kernel's :func:`store_streaming` stores, before it returns (the thread itself
    reads its own stores in any case; the fence is for any other reader). Interpreted:
    nothing."""


@intrinsic
def _store_streaming(typingctx: Any, arr: Any, i: Any, v: Any) -> Any:
    """A store of ``v`` (cast to the array's dtype) to ``arr[i]`` marked ``!nontemporal``;
    typed for a writable one-dimensional array of booleans or numbers, an integer index and
    a value setitem would cast to the dtype (otherwise a ``TypingError`` naming the reason)."""
    from numba.core.errors import TypingError

    why = None
    if not isinstance(arr, types.Array) or arr.ndim != 1:
        why = f"needs a one-dimensional array, got {arr}"
    elif not arr.mutable:
        why = f"cannot write a read-only array ({arr})"
    elif not isinstance(arr.dtype, types.Boolean | types.Number):
        why = f"needs an array of booleans or numbers, got {arr.dtype}"
    elif not isinstance(i, types.Integer):
        why = f"needs an integer index, got {i}"
    elif typingctx.can_convert(v, arr.dtype) is None:
        why = f"cannot store {v} into an array of {arr.dtype}"
    if why is not None:
        raise TypingError(f"store_streaming: {why}")
    sig = types.void(arr, i, v)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(  # type: ignore[no-untyped-call]
            context,
            builder,
            aryty,
            ary,
            [args[1]],
            wraparound=False,
            # Numba's bounds check, as for a[i] = v: compiled in only when asked for
            # (NUMBA_BOUNDSCHECK=1 or njit(boundscheck=True)), so no cost otherwise
            boundscheck=context.enable_boundscheck,
        )
        value = context.cast(builder, args[2], signature.args[2], aryty.dtype)
        value = context.get_value_as_data(builder, aryty.dtype, value)  # a boolean: a byte
        store = builder.store(value, ptr, align=None if aryty.aligned else 1)
        store.set_metadata("nontemporal", builder.module.add_metadata([ir.IntType(32)(1)]))
        return context.get_dummy_value()

    return sig, codegen


_X86 = platform.machine().lower() in ("x86_64", "amd64")
"""x86-64: the fence is ``sfence`` (LLVM may lower a ``fence seq_cst`` to a locked
instruction, which need not order non-temporal stores)."""


@intrinsic
def _store_fence(typingctx: Any) -> Any:
    """``sfence`` on x86-64 (``llvm.x86.sse.sfence``), else ``fence seq_cst``."""
    sig = types.void()

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        if _X86:
            fnty = ir.FunctionType(ir.VoidType(), [])
            fn = cgutils.get_or_insert_function(  # type: ignore[no-untyped-call]
                builder.module, fnty, "llvm.x86.sse.sfence"
            )
            builder.call(fn, [])
        else:
            builder.fence("seq_cst")
        return context.get_dummy_value()

    return sig, codegen


@overload(store_streaming, inline="always")
def _store_streaming_overload(a: Any, i: Any, v: Any) -> Any:
    def impl(a: Any, i: Any, v: Any) -> None:  # pragma: no cover - compiled only
        _store_streaming(a, i, v)  # type: ignore[call-arg]  # the typing context is Numba's

    return impl


@overload(store_fence, inline="always")
def _store_fence_overload() -> Any:
    def impl() -> None:  # pragma: no cover - compiled only
        _store_fence()  # type: ignore[call-arg]

    return impl
