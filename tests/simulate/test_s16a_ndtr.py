"""SciPy's ``ndtr`` called from a kernel gives SciPy's bits (branch s16a, core/special.py).

The learn step's belief update computes Φ inside its kernel (:func:`detente.core.special.
ndtr1`) instead of calling ``scipy.special.ndtr`` on an array between kernels: every value must
be the same float, on the whole real line, its tails, ±0, ±inf, subnormals and NaN.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy.special import ndtr

from detente.core import special
from detente.core.jit import kernel
from detente.core.special import ndtr1
from detente.errors import DetenteError


@kernel
def _all(x: NDArray[np.float64], out: NDArray[np.float64]) -> None:
    for i in range(x.shape[0]):
        out[i] = ndtr1(x[i])


def _values() -> NDArray[np.float64]:
    rng = np.random.default_rng(20261202)
    parts = [rng.standard_normal(200_000) * s for s in (0.01, 0.5, 1.0, 3.0, 8.0, 40.0)]
    special = [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 1e-300, 38.5, -38.5]
    special += [np.sqrt(0.5), -np.sqrt(0.5), np.nextafter(np.sqrt(0.5), 1.0)]
    grid = np.linspace(-40.0, 40.0, 100_001)
    return np.concatenate([*parts, np.array(special), grid, -grid])


def test_compiled_ndtr_is_scipys_bit_for_bit() -> None:
    x = _values()
    got = np.empty_like(x)
    _all(x, got)
    want = ndtr(x)
    assert got.tobytes() == want.tobytes()


def test_the_export_is_checked_before_it_is_called() -> None:
    """The kernel calls SciPy's C function only if the capsule names the double ``ndtr``
    signature; a missing export or another signature is a clean error naming SciPy's
    version, not a crash or a wrong call (review rev16s)."""
    assert special._capsule_signature(special._MODULE, special._NAME) in special._SIGNATURES
    assert special._capsule_signature(special._MODULE, "__pyx_fuse_9ndtr") is None
    special._check_export(special._SIGNATURES[0], "x")  # the one SciPy exports: no error
    with pytest.raises(DetenteError, match=r"SciPy 9\.9's .* does not export it"):
        special._check_export(None, "9.9")
    with pytest.raises(DetenteError, match="exports 'double complex"):
        special._check_export(b"double complex (double complex, int)", "9.9")
