"""Compiled kernels (detente.core.jit): IEEE results as NumPy's, NumPy's error model, kernels
calling kernels."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from detente.core.jit import kernel


@kernel
def _affine(a: NDArray[np.float64], b: NDArray[np.float64], c: float) -> NDArray[np.float64]:
    out = np.empty_like(a)
    for i in range(a.shape[0]):
        out[i] = (a[i] * b[i] + c) / b[i] - np.sqrt(abs(a[i]))
    return out


@kernel
def _sum_of_affine(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    total = 0.0
    for x in _affine(a, b, 0.5):
        total += x
    return total


def test_a_kernel_gives_numpys_bits_for_the_same_expression() -> None:
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=10_000), rng.uniform(0.1, 3.0, size=10_000)
    expected = (a * b + 0.5) / b - np.sqrt(np.abs(a))
    assert _affine(a, b, 0.5).tobytes() == expected.tobytes()


@kernel
def _ratio(a: float, b: float) -> float:
    return a / b


def test_division_by_zero_follows_numpy_not_python() -> None:
    assert _ratio(1.0, 0.0) == np.inf
    assert np.isnan(_ratio(0.0, 0.0))


def test_kernels_call_kernels() -> None:
    a, b = np.array([1.0, 4.0]), np.array([2.0, 2.0])
    assert _sum_of_affine(a, b) == float(_affine(a, b, 0.5).sum())


def test_detente_kernels_are_cached_under_the_engine_hash_directory() -> None:
    from detente.core import jit, streams

    locator = jit._EngineCacheLocator.from_function(streams.named_seed, streams.__file__)
    assert locator is not None
    cache = jit.cache_dir()
    assert cache is not None
    assert Path(locator.get_cache_path()).is_relative_to(cache)
    # the directory is named by the engines' source hash: any engine edit starts a fresh one
    assert jit._engine_sources_hash() in str(cache)
    # code outside the package keeps Numba's own locators
    assert jit._EngineCacheLocator.from_function(_affine.py_func, __file__) is None


def test_without_a_usable_cache_kernels_compile_uncached_and_nothing_is_written_in_tree(
    tmp_path: Path,
) -> None:
    """With NUMBA_CACHE_LOCATOR_CLASSES set, Numba would bypass detente's locator (and fall
    back to a cache beside the package, keyed on each kernel's own file only): detente then
    caches nothing. Importing modules that declare kernels must still work."""
    code = (
        "from detente.core import jit\n"
        "import detente.bargaining.utility, detente.simulate.tables\n"
        "print(jit.cache_dir())\n"
    )
    env = dict(os.environ, NUMBA_CACHE_LOCATOR_CLASSES="InTreeCacheLocator")
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "None"
