"""The fight and learn steps' compiled passes give the NumPy expressions' bits (branch s17a).

``fight.true_r`` and ``fight.paid_cost`` compute their arithmetic in one compiled pass each
(``_chance``, ``_gross_cost``) instead of a chain of NumPy operations; ``Φ(β₀)`` and the
allies' relief are kept for the arrays last asked (a state's arrays are never written); the
type posterior tells whether a cost signal was seen without dividing (``beliefs.
signal_seen``). Every value must be the same float as the NumPy form it replaces, on ordinary
values and on ±0, ±inf, NaN and values outside [0, 1].
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy.special import ndtr

from detente.core.jit import kernel
from detente.scenario import load_scenario
from detente.simulate import iter_periods
from detente.simulate.beliefs import signal_seen, signal_z
from detente.simulate.model import build_model, capability_r
from detente.simulate.state import replaced
from detente.simulate.steps import fight

from .helpers import FIXTURES, ROOT

FloatArray = NDArray[np.float64]
SPECIAL = [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 1.0, -1.0, 0.5, 1e308, -1e308]


def _bits(a: FloatArray) -> bytes:
    return np.ascontiguousarray(a, dtype=np.float64).tobytes()


def _mixed(rng: np.random.Generator, shape: tuple[int, ...], scale: float) -> FloatArray:
    """Random values, one in ten replaced by a special value (±0, ±inf, NaN, subnormals ...)."""
    x = rng.standard_normal(shape) * scale
    pick = rng.random(shape) < 0.1
    x[pick] = rng.choice(np.array(SPECIAL), size=int(pick.sum()))
    return x


def test_chance_is_numpys_clip_of_the_sum() -> None:
    rng = np.random.default_rng(17)
    n = 400_000
    for scale in (0.01, 0.3, 1.0, 5.0):
        phi0, cap = _mixed(rng, (n,), scale), _mixed(rng, (n,), scale)
        shift, bal = _mixed(rng, (n, 2), scale), _mixed(rng, (n,), scale)
        for r_start in (0.0, -0.0, 0.37, 1.5, float("nan")):
            with np.errstate(all="ignore"):
                want = np.clip(phi0 + cap - r_start + shift[:, 0] - shift[:, 1] + bal, 0.0, 1.0)
            got = np.empty(n)
            fight._chance(phi0, cap, r_start, shift, bal, got)
            assert _bits(got) == _bits(want)


def test_gross_cost_is_numpys_product_less_relief() -> None:
    rng = np.random.default_rng(18)
    n, n_types = 400_000, 9
    for scale in (0.001, 1.0, 50.0):
        cost = _mixed(rng, (2,), scale)
        type_cost = _mixed(rng, (n_types,), scale)
        own_type = rng.integers(0, n_types, size=(n, 2))
        cost_mult, relief = _mixed(rng, (n, 2), scale), _mixed(rng, (n, 2), scale)
        with np.errstate(all="ignore"):
            want = cost * type_cost[own_type] * cost_mult - relief
        got = np.empty((n, 2))
        fight._gross_cost(cost, type_cost, own_type, cost_mult, relief, got)
        assert _bits(got) == _bits(want)


@kernel
def _seen_all(s: FloatArray, c: FloatArray, noise: float, out: NDArray[np.bool_]) -> None:
    for i in range(s.shape[0]):
        out[i] = signal_seen(s[i], c[i], noise)


def test_signal_seen_is_a_number_signal_z() -> None:
    rng = np.random.default_rng(19)
    specials = np.array([*SPECIAL, np.finfo(np.float64).max, -np.finfo(np.float64).max])
    pairs = np.array(list(itertools.product(specials, repeat=2)))
    s = np.concatenate([pairs[:, 0], _mixed(rng, (300_000,), 3.0)])
    c = np.concatenate([pairs[:, 1], _mixed(rng, (300_000,), 3.0)])
    c[-1000:] = s[-1000:]  # equal signal and log cost: a zero gap
    for noise in [*specials, 0.35, 2.0]:
        with np.errstate(all="ignore"):
            want = ~np.isnan((s - c) / noise)
        got = np.empty(s.shape, dtype=np.bool_)
        _seen_all(s, c, float(noise), got)
        assert np.array_equal(got, want), noise
        # and the kernel the learn step used before: not NaN of signal_z
        z = np.array([signal_z(a, b, float(noise)) for a, b in zip(s[:200], c[:200], strict=True)])
        assert np.array_equal(got[:200], ~np.isnan(z))


@pytest.mark.parametrize(
    "path", [FIXTURES / "two_sides.yaml", ROOT / "scenarios" / "ukraine-2026-06.yaml"]
)
def test_true_r_and_paid_cost_as_the_numpy_forms(path: object) -> None:
    """On every period of a scenario's states, the steps' functions give the NumPy
    expressions they replace, bit for bit; the kept Φ(β₀) and relief are those of the array
    asked (a new array of the same values is computed afresh, never taken for another)."""
    m = build_model(load_scenario(path))  # type: ignore[arg-type]
    for s in iter_periods(m, 64, np.random.default_rng(3), 12):
        r = ndtr(s.beta0) + capability_r(m, s.level) - m.r_start
        want_r = np.clip(r + s.shift[:, 0] - s.shift[:, 1] + s.balance_shift, 0.0, 1.0)
        assert _bits(fight.true_r(m, s)) == _bits(want_r)
        relief = np.zeros((s.n, 2))
        if m.support_owner.size:
            add = s.level * m.support_relief
            for side in (0, 1):
                relief[:, side] = add[:, m.support_owner == side].sum(axis=1)
        q = m.type_cost[s.own_type]
        want_cost = np.maximum(m.cost * q * s.cost_mult - relief, 0.0)
        assert _bits(fight.paid_cost(m, s)) == _bits(want_cost)
        assert _bits(fight.relief(m, s.level)) == _bits(relief)
        other = s.level + 1.0
        assert fight.relief(m, other) is not fight.relief(m, s.level)
        assert fight._phi0(s.beta0.copy()) is not fight._phi0(s.beta0)


def test_observe_keeps_the_log_of_the_others_costs_for_its_arrays() -> None:
    """The observation's log of the other's cost is kept for the private types and cost
    multipliers last asked: the same arrays give the kept array, new ones (a shock replaces
    the multipliers) a fresh computation, with NumPy's log of the same products."""
    m = build_model(load_scenario(ROOT / "scenarios" / "ukraine-2026-06.yaml"))
    for s in iter_periods(m, 64, np.random.default_rng(4), 6):
        got = fight._log_others_costs(m, s)
        assert fight._log_others_costs(m, s) is got
        other = np.empty((s.n, 2))
        for side in (0, 1):
            o = 1 - side
            other[:, side] = m.type_cost[s.own_type[:, o]] * s.cost_mult[:, o] * m.cost[o]
        with np.errstate(divide="ignore"):
            assert _bits(got) == _bits(np.log(other))
        doubled = s.cost_mult * 2.0
        fresh = fight._log_others_costs(m, replaced(s, cost_mult=doubled))
        assert fresh is not got
        with np.errstate(divide="ignore"):
            other2 = np.log(m.type_cost[s.own_type[:, ::-1]] * doubled[:, ::-1] * m.cost[::-1])
        assert _bits(fresh) == _bits(other2)
