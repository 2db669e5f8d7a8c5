"""Work memory of a block, reused by the next block the same thread simulates.

A block's largest arrays are work arrays that no result keeps: the per-run talk tables
(sorted orders and utilities, suffix maxima, sort keys, and the utilities of tables that are
not of the two-issue linear form, whose readers compute them: about 2 KB a run at 100
candidates and 21 KB at 1,024 for the NegMAS workload's, up to 5 and 53 KB for others) and
the buffers each step's random numbers are drawn into.
Allocated afresh, every block of a sequence (the runner's, a benchmark's) would fault in and
zero new pages (the allocator hands memory this large back to the system when it is freed).
:func:`simulate_block <detente.simulate.engine.simulate_block>` instead takes them from its
thread's :class:`BlockMemory`, which keeps each buffer for the next block.

Ownership (what makes the reuse safe):

- Only :func:`~detente.simulate.engine.simulate_block` takes memory from a
  :class:`BlockMemory`, for the duration of one call (:func:`block_memory`, a lease): the
  states and tables built in it never leave the call, and its :class:`BlockOutput
  <detente.simulate.engine.BlockOutput>` holds only arrays the steps, the recording and the
  results allocated afresh, never a work buffer (tests/simulate/test_speed7_memory.py checks
  that no output array shares memory with the work buffers, and that an output kept by the
  caller is unchanged by later blocks). :func:`~detente.simulate.engine.iter_periods`, which
  hands its states to the caller, never uses it: its tables are fresh arrays.
- One :class:`BlockMemory` per thread (``threading.local``): threads of an executor never
  share buffers, and worker processes have their own memory anyway. A nested lease in the
  same thread (a block simulated while another is, e.g. from a callback) gets a fresh,
  unshared :class:`BlockMemory` of its own.
- A buffer's contents are never read before they are written: every table and draw array
  taken from it is filled completely, as the fresh (``np.empty``) arrays it replaces were, so
  results are byte-identical with or without reuse.

A thread keeps the largest buffers it has needed until it ends or calls
:func:`release_block_memory`, up to :data:`RETAINED_BYTES`: a block that needed more gives its
buffers back when it ends (only blocks with per-run tables, i.e. per-run preference weights,
need large ones: for the NegMAS workload 18 MB for 8,192 runs at 100 candidates and 84 MB
for 4,096 runs at 1,024, measured 2026-12-02; up to about 43 and 220 MB with stored
utilities and suffix maxima).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

__all__ = ["RETAINED_BYTES", "BlockMemory", "block_memory", "release_block_memory"]

RETAINED_BYTES = 256 * 2**20
"""Most bytes of work buffers a thread keeps between blocks (a larger block's are freed)."""


class BlockMemory:
    """Named work buffers, each reused by the next request of the same name (grown when a
    request needs more bytes). An array taken from it is valid until the next request of
    the same name."""

    __slots__ = ("_buffers", "busy")

    def __init__(self) -> None:
        self._buffers: dict[str, NDArray[np.uint8]] = {}
        self.busy = False

    def empty(self, name: str, shape: tuple[int, ...], dtype: DTypeLike) -> NDArray[Any]:
        """An uninitialised C-contiguous array of ``shape`` and ``dtype`` (as ``np.empty``),
        in the buffer called ``name``."""
        dt = np.dtype(dtype)
        size = dt.itemsize
        for d in shape:
            size *= d
        buf = self._buffers.get(name)
        if buf is None or buf.size < size:
            # aligned for any dtype (np.empty's allocation: at least 16 bytes)
            buf = self._buffers[name] = np.empty(max(size, 1), dtype=np.uint8)
        out: NDArray[Any] = buf[:size].view(dt).reshape(shape)
        return out

    @property
    def nbytes(self) -> int:
        """Bytes held."""
        return sum(b.size for b in self._buffers.values())

    def shares_memory(self, a: NDArray[Any]) -> bool:
        """Whether ``a`` overlaps one of the buffers."""
        return any(np.shares_memory(a, b) for b in self._buffers.values())


_local = threading.local()


def _thread_memory() -> BlockMemory:
    mem: BlockMemory | None = getattr(_local, "memory", None)
    if mem is None:
        mem = _local.memory = BlockMemory()
    return mem


@contextmanager
def block_memory() -> Iterator[BlockMemory]:
    """Lease this thread's :class:`BlockMemory` for one block (a fresh one if it is already
    leased: a nested block never shares the outer block's buffers)."""
    mem = _thread_memory()
    if mem.busy:
        yield BlockMemory()
        return
    mem.busy = True
    try:
        yield mem
    finally:
        mem.busy = False
        if mem.nbytes > RETAINED_BYTES:
            _local.memory = None


def release_block_memory() -> None:
    """Drop this thread's work buffers (the next block allocates afresh). While a block of
    this thread holds them (a call from inside a block, e.g. a progress callback) they are
    kept: the block still uses them."""
    mem: BlockMemory | None = getattr(_local, "memory", None)
    if mem is not None and not mem.busy:
        _local.memory = None
