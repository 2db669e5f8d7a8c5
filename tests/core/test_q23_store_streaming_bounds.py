"""q23 item 3: store_streaming(a, -1, v) compiled wrote before the array (fx21).

Its index is now checked where Numba checks ``a[i] = v``: compiled with ``boundscheck=True``
(or ``NUMBA_BOUNDSCHECK=1``) an index outside ``0 <= i < a.size`` raises ``IndexError``;
without, nothing is compiled in (machine code unchanged)."""

from __future__ import annotations

import numba
import numpy as np
import pytest

from detente.core.prefetch import store_fence, store_streaming

# what is tested is the compiled store (Numba's bounds check, its assembly): interpreted,
# ``a[-1]`` is Python's last element and there is no assembly to read
pytestmark = pytest.mark.skipif(
    numba.config.DISABLE_JIT, reason="the compiled store only (NUMBA_DISABLE_JIT is set)"
)


def _put(a: np.ndarray, i: int, v: int) -> None:
    store_streaming(a, i, v)
    store_fence()


def test_an_index_outside_the_array_raises_where_numba_checks_bounds() -> None:
    checked = numba.njit(boundscheck=True)(_put)
    base = np.zeros(6, np.int64)
    for i in (-1, 5, 100):
        with pytest.raises(IndexError):
            checked(base[1:], i, 7)
    assert not base.any()  # nothing written before or after the view
    checked(base[1:], 4, 7)
    assert base.tolist() == [0, 0, 0, 0, 0, 7]


def test_without_the_check_the_machine_code_has_no_bounds_test() -> None:
    plain = numba.njit(boundscheck=False)(_put)
    checked = numba.njit(boundscheck=True)(_put)
    a = np.zeros(4, np.int64)
    plain(a, 0, 1)
    checked(a, 0, 1)
    asm_plain = plain.inspect_asm(plain.signatures[0])
    asm_checked = checked.inspect_asm(checked.signatures[0])
    assert "movnti" in asm_plain and "movnti" in asm_checked
    assert "out of bounds" not in plain.inspect_llvm(plain.signatures[0])
    assert len(asm_checked) > len(asm_plain)
