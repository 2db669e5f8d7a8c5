"""Small linear programmes solved by HiGHS, as ``scipy.optimize.linprog(method="highs")`` does.

The bargaining engine solves many small LPs (a zone is 1 + 2n of them, each proposal and
bundle a few more). On LPs of a few dozen variables, ``linprog``'s Python layer (input
cleaning, options checked one by one against the solver, a sparse matrix built through
``scipy.sparse``, the result checked and wrapped) costs three to five times the solve itself.
:func:`solve_lp` hands the same model to the same HiGHS build with the same options
(presolve on, dual simplex, silent), builds the column-wise matrix with numpy, and applies the
same acceptance test to the answer, so it returns bit for bit what ``linprog`` returns
(tests/bargaining/test_lp.py compares the two). When scipy's HiGHS binding cannot be imported
(its private layout changed), it calls ``linprog`` itself.

Answers are kept in a bounded per-process LRU cache keyed by the content hash of the whole
model (objective, matrix, right-hand side, bounds): HiGHS is deterministic, so an equal model
gets the answer it would get again. A what-if edit changes a few of an analysis' LPs (a red
line on one issue leaves the LPs of bundles without that issue as they were), so most of the
LPs of an edited scenario's analysis are found there.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["LPResult", "solve_lp"]

FloatArray = NDArray[np.float64]
Bound = tuple[float | None, float | None]

try:  # scipy's own HiGHS binding (the one linprog calls); private, hence the fallback
    import scipy.optimize._highspy._core as _h
    from scipy.optimize._highspy._core import simplex_constants as _sc
except ImportError:  # pragma: no cover - exercised only on a scipy without this layout
    _h = None

# linprog(method="highs") passes these options (scipy.optimize._linprog_highs); the others it
# leaves at HiGHS's defaults.
_OPTIONS: tuple[tuple[str, Any], ...] = (
    ()
    if _h is None
    else (
        ("presolve", "on"),
        ("highs_debug_level", _h.HighsDebugLevel.kHighsDebugLevelNone),
        ("log_to_console", False),
        ("output_flag", False),
        ("simplex_strategy", _sc.SimplexStrategy.kSimplexStrategyDual),
    )
)
_TOL = float(np.sqrt(1e-9) * 10)
"""linprog's acceptance tolerance for a reported optimum (``_check_result``: √tol·10)."""


@dataclass(frozen=True)
class LPResult:
    """``status`` as linprog's (0 optimal, 2 infeasible, 3 unbounded, 4 numerical trouble,
    1 limit); ``x`` and ``fun`` only when status is 0."""

    status: int
    x: FloatArray | None
    fun: float | None


def _bounds(bounds: Sequence[Bound], n: int) -> tuple[FloatArray, FloatArray]:
    arr = np.array(bounds, dtype=float).reshape(n, 2)  # None → nan, as linprog reads it
    lb, ub = arr[:, 0].copy(), arr[:, 1].copy()
    lb[np.isnan(lb)] = -np.inf
    ub[np.isnan(ub)] = np.inf
    return lb, ub


def solve_lp(
    c: FloatArray, a_ub: FloatArray, b_ub: FloatArray, bounds: Sequence[Bound]
) -> LPResult:
    """Minimise c·x subject to a_ub·x ≤ b_ub and the ``bounds`` pairs (None: unbounded);
    the answer of ``linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")``."""
    c = np.array(c, dtype=np.float64)
    a = np.ascontiguousarray(a_ub, dtype=np.float64)
    b = np.array(b_ub, dtype=np.float64)
    n = c.size
    if _h is None:  # pragma: no cover
        return _via_linprog(c, a, b, bounds)
    lb, ub = _bounds(bounds, n)
    key = _key(c, a, b, lb, ub)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
    if found is None:
        found = _solve(c, a, b, lb, ub)
        with _lock:
            _cache[key] = found
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return LPResult(found.status, None if found.x is None else found.x.copy(), found.fun)


CACHE_SIZE = 4096
"""Most LP answers :func:`solve_lp` keeps (per process; a few hundred kilobytes)."""
_cache: OrderedDict[bytes, LPResult] = OrderedDict()
_lock = threading.Lock()


def _key(c: FloatArray, a: FloatArray, b: FloatArray, lb: FloatArray, ub: FloatArray) -> bytes:
    """The content hash of an LP: every number of the model and its shape (the options are
    fixed), so an equal key is the same model and HiGHS gives the same answer."""
    h = hashlib.blake2b(digest_size=20)
    h.update(np.array([c.size, b.size], dtype=np.int64).tobytes())
    for x in (c, a, b, lb, ub):
        h.update(x.tobytes())
    return h.digest()


def _solve(c: FloatArray, a: FloatArray, b: FloatArray, lb: FloatArray, ub: FloatArray) -> LPResult:
    """One HiGHS run (the answer linprog gives; :func:`solve_lp` caches it)."""
    assert _h is not None
    n, m = c.size, b.size
    # column-wise sparse matrix, entries in row order within each column (as csc_array)
    cols, rows = np.nonzero(a.T)
    start = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(cols, minlength=n), out=start[1:])
    lp = _h.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = m
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = m
    lp.a_matrix_.format_ = _h.MatrixFormat.kColwise
    lp.col_cost_ = c
    lp.col_lower_ = lb
    lp.col_upper_ = ub
    lp.row_lower_ = np.full(m, -np.inf)
    lp.row_upper_ = b
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = rows.astype(np.int32)
    lp.a_matrix_.value_ = a.T[cols, rows]
    highs = _h._Highs()
    options = _h.HighsOptions()
    for key, value in _OPTIONS:
        setattr(options, key, value)
    if highs.passOptions(options) == _h.HighsStatus.kError:  # pragma: no cover
        return LPResult(4, None, None)
    if highs.passModel(lp) == _h.HighsStatus.kError:  # pragma: no cover
        return LPResult(2, None, None)  # linprog: kModelError
    if highs.run() == _h.HighsStatus.kError:
        return LPResult(4, None, None)
    status = highs.getModelStatus()
    if status != _h.HighsModelStatus.kOptimal:
        return LPResult(_STATUS.get(status, 4), None, None)
    info = highs.getInfo()
    solution = highs.getSolution()
    x = np.array(solution.col_value)
    fun = info.objective_function_value
    slack = b - np.asarray(solution.row_value)
    # linprog's _check_result: an optimum outside the constraints by more than the tolerance
    # is reported as numerical trouble (status 4)
    feasible = not (np.isnan(x).any() or np.isnan(fun) or np.isnan(slack).any())
    if feasible:
        feasible = bool(np.all((x >= lb - _TOL) & (x <= ub + _TOL)) and not (slack < -_TOL).any())
    if not feasible:
        return LPResult(4, None, None)
    return LPResult(0, x, float(fun))


_STATUS: dict[Any, int] = (
    {}
    if _h is None
    else {
        _h.HighsModelStatus.kModelError: 2,
        _h.HighsModelStatus.kInfeasible: 2,
        _h.HighsModelStatus.kUnbounded: 3,
        _h.HighsModelStatus.kIterationLimit: 1,
        _h.HighsModelStatus.kTimeLimit: 1,
    }
)
"""HiGHS model statuses as linprog reports them (scipy's _highs_to_scipy_status_message);
any other non-optimal status is 4."""


def _via_linprog(  # pragma: no cover - only when scipy's HiGHS binding is not importable
    c: FloatArray, a: FloatArray, b: FloatArray, bounds: Sequence[Bound]
) -> LPResult:
    from scipy.optimize import linprog

    res = linprog(c, A_ub=a, b_ub=b, bounds=list(bounds), method="highs")
    if res.status != 0:
        return LPResult(int(res.status), None, None)
    return LPResult(0, np.asarray(res.x, dtype=float), float(res.fun))
