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
- ``cache=True``: the machine code is stored and reused by later processes and workers;
- ``nogil=True``: a kernel releases the GIL (threads may run blocks side by side).

**Where the machine code is cached.** Numba keys a cached kernel on its own source file only,
so a kernel that calls a kernel of another module could be loaded stale after that module
changed (wrong results or a crash). detente's kernels are therefore cached in a directory named
by a hash of every engine module's source (:mod:`detente.core.sources`), Numba's
version and Python's: any change to the engines starts a fresh cache. The directory is
``$NUMBA_CACHE_DIR/detente-<hash>`` if that variable is set, else
``$XDG_CACHE_HOME/detente/numba/<hash>`` (``~/.cache/detente/numba/<hash>``), or under the
temporary directory if neither is writable; if none is (or ``NUMBA_CACHE_LOCATOR_CLASSES`` is
set, which would bypass this choice), kernels are compiled in every process and not cached.
Nothing is written beside the installed package.

Results stay a function of (inputs, seed): a kernel draws no random numbers (its uniforms and
normals are drawn by the step from its named stream and passed in) and loops over runs in order.
The one kernel that makes numbers, :mod:`detente.core.normals`, fills a stream's buffer with
the very normals NumPy's ``Generator.standard_normal`` would, from the stream's generator.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numba.core import caching

from detente.core.sources import engine_sources_sha256

__all__ = ["cache_dir", "inline_kernel", "kernel", "nan_to_num"]

F = TypeVar("F", bound=Callable[..., Any])

_PACKAGE = Path(__file__).resolve().parents[1]


def _engine_sources_hash() -> str:
    """The cache directory's name: the engines' sources, Numba's version and Python's."""
    key = f"{engine_sources_sha256()} {numba.__version__} {sys.version}"
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=path).close()
    except OSError:
        return False
    return True


def _choose_cache_dir() -> Path | None:
    """The first writable candidate directory, or None (then kernels are not cached)."""
    if os.environ.get("NUMBA_CACHE_LOCATOR_CLASSES"):
        return None  # Numba would bypass the locator below: no cache rather than a stale one
    key = _engine_sources_hash()
    user = os.environ.get("NUMBA_CACHE_DIR")
    candidates = [Path(user) / f"detente-{key}"] if user else []
    try:
        xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        candidates.append(Path(xdg) / "detente" / "numba" / key)
    except RuntimeError:  # no home directory
        pass
    try:
        uid = os.getuid() if hasattr(os, "getuid") else 0
        candidates.append(Path(tempfile.gettempdir()) / f"detente-numba-{uid}" / key)
    except OSError:  # no usable temporary directory
        pass
    return next((path for path in candidates if _writable(path)), None)


_CACHE_DIR = _choose_cache_dir()


def cache_dir() -> Path | None:
    """The directory detente's compiled kernels are cached in (see the module's notes); None
    when no candidate is writable, and then every process compiles them afresh."""
    return _CACHE_DIR


# Numba 0.61 names it ``_UserProvidedCacheLocator``; later releases drop the underscore (the
# class is the same: a source-file-backed locator under ``NUMBA_CACHE_DIR``).
_UserProvidedCacheLocator: Any = (
    vars(caching).get("UserProvidedCacheLocator") or vars(caching)["_UserProvidedCacheLocator"]
)


class _EngineCacheLocator(_UserProvidedCacheLocator):  # type: ignore[misc]  # Numba's class
    """Numba cache locator for detente's own modules: :func:`cache_dir`, whatever
    ``NUMBA_CACHE_DIR`` says for other code."""

    def __init__(self, py_func: Any, py_file: str) -> None:
        self._py_file = py_file
        self._lineno = py_func.__code__.co_firstlineno
        sub: str = self.get_suitable_cache_subpath(py_file)
        assert _CACHE_DIR is not None  # from_function creates no locator otherwise
        self._cache_path = str(_CACHE_DIR / sub)

    @classmethod
    def from_function(cls, py_func: Any, py_file: str) -> Any:
        if _CACHE_DIR is None or not Path(py_file).resolve().is_relative_to(_PACKAGE):
            return None
        # the source-file locator's checks (file exists, cache path writable), skipping the
        # parent's "NUMBA_CACHE_DIR is set" condition
        parent: Any = super(_UserProvidedCacheLocator, cls)
        return parent.from_function(py_func, py_file)


if _EngineCacheLocator not in caching.CacheImpl._locator_classes:
    caching.CacheImpl._locator_classes.insert(0, _EngineCacheLocator)


def kernel(f: F) -> F:
    """``f`` compiled on its first call (see the module's options); kernels may call kernels."""
    # cached only in detente's own directory: never beside the package (Numba's fall-back),
    # where a kernel calling another module's kernel could load stale machine code
    cache = _CACHE_DIR is not None
    return cast(F, numba.njit(cache=cache, nogil=True, error_model="numpy")(f))


def inline_kernel(f: F) -> F:
    """A :func:`kernel` that kernels calling it compile into their own code (Numba's
    ``inline="always"``) instead of calling it: for a small function called once per run
    from a kernel's loop over runs, where a call passing arrays costs more than the work
    (measured: about 18 ns a run for ten array arguments). Called from Python, it is a
    kernel like any other."""
    cache = _CACHE_DIR is not None
    return cast(F, numba.njit(cache=cache, nogil=True, error_model="numpy", inline="always")(f))


_FLOAT_MAX = float(np.finfo(np.float64).max)


@kernel
def nan_to_num(x: float, nan: float) -> float:
    """``np.nan_to_num(x, nan=nan)`` of one number: NaN becomes ``nan``, ±inf the largest
    finite float of that sign."""
    if np.isnan(x):
        return nan
    if x == np.inf:
        return _FLOAT_MAX
    if x == -np.inf:
        return -_FLOAT_MAX
    return x
