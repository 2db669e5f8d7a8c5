"""q23 item 7: the kernels the tests compile are cached by the engines' sources.

A test module's ``@kernel`` (``detente.core.jit.kernel``: ``cache=True``) fell to Numba's own
locator, which caches beside the test file (``tests/**/__pycache__/*.nbi``) keyed on that file
alone: after a change to ``detente.core`` a test kernel calling its kernels could load machine
code built against the old one (noticed by fx21). tests/conftest.py now caches them in
detente's cache directory, named by the engines' source hash (a change to the engines starts a
fresh one; a change to the test file is seen by Numba's stamp of the file).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from detente.core import jit
from detente.core.jit import kernel, nan_to_num


@kernel
def _clean_sum(x: np.ndarray) -> float:  # calls a kernel of detente.core
    total = 0.0
    for v in x:
        total += nan_to_num(v, 0.0)
    return total


def test_a_test_kernel_is_cached_under_the_engine_hash_directory() -> None:
    assert _clean_sum(np.array([1.0, np.nan, 2.0])) == 3.0
    cache = jit.cache_dir()
    assert cache is not None and jit._engine_sources_hash() in str(cache)
    path = Path(_clean_sum._cache._cache_path)  # the dispatcher's Numba cache
    assert path.is_relative_to(cache), path
    assert not path.is_relative_to(Path(__file__).parent)
    assert list(path.glob("test_q23_test_kernel_cache._clean_sum-*.nbi"))  # written there
    here = Path(__file__).parent / "__pycache__"
    assert not list(here.glob("test_q23_test_kernel_cache.*.nbi"))  # never beside the test


def test_engine_kernels_keep_their_locator() -> None:
    from detente.core import streams

    locator = jit._EngineCacheLocator.from_function(streams.named_seed, streams.__file__)
    assert locator is not None and type(locator) is jit._EngineCacheLocator
