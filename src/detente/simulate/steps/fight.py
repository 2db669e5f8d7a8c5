"""``fight`` and ``observe``: the front moves, costs are paid, and each side sees what it can.

**Fight.** The true chance that A wins a period's battle is
``r_t = Φ(β₀) + (r_cap(level_t) − r_cap(level_0)) + shift_A − shift_B + Δ_shock`` (clipped),
``β₀`` the run's true balance (the scenario's front drift, by default none), ``r_cap`` the
capability ratio (allies' support moves it from where it stood at ``meta.as_of``), ``shift`` the
power gained by rearming and ``Δ_shock`` outside events. With ``β_t = Φ⁻¹(r_t)`` and the
fortune of war ``z ~ N(0, 1)`` (one per period, shared by the whole front), every issue the
front moves shifts by ``drift_i + dir_i · σ_i · (β_t − β₀ + z)``: its stated drift plus the
change of the balance since the start, plus noise. A battle is *won by A* when
``y = β_t + z > 0``. While a cease-fire holds nothing moves and nothing is paid. Each side pays
``max(c · q · m − relief, 0)`` (stated cost × its private type's multiplier × shocks' multiplier,
less allies' cost relief).

**Observe.** Both sides see the battle (``y``); each sees the other's cost with log-normal
noise (``cost_signal_noise``): the costly signal of its resolve that fighting on sends.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr

from detente.bargaining.utility import _clip01
from detente.core.jit import kernel
from detente.simulate.beliefs import true_beta
from detente.simulate.events import flag
from detente.simulate.model import SimModel, capability_r
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps import Step

__all__ = ["FIGHT", "OBSERVE", "PRESSURE_SMOOTHING", "relief"]

FloatArray = NDArray[np.float64]

PRESSURE_SMOOTHING = 0.25
"""Weight of the latest period in the smoothed movement of the front (``trend``)."""


def relief(m: SimModel, level: FloatArray) -> FloatArray:
    """Allies' cost relief of A and B at support ``level``: (N, 2). Kept for the last model
    and support levels asked (a state's arrays are never written: the fight and the learn
    step of a period, which see the same levels, compute it once); not to be written."""
    last = _last_relief
    if last is not None and last[0] is m and last[1] is level:
        return last[2]
    out = np.zeros((level.shape[0], 2))
    if m.support_owner.size:
        add = level * m.support_relief
        for side in (0, 1):
            out[:, side] = add[:, m.support_owner == side].sum(axis=1)
    _keep_relief(m, level, out)
    return out


# the last (model, support levels, relief) computed (:func:`relief`)
_last_relief: tuple[SimModel, FloatArray, FloatArray] | None = None


def _keep_relief(m: SimModel, level: FloatArray, out: FloatArray) -> None:
    global _last_relief
    _last_relief = (m, level, out)


# the last true balances and their ``Φ`` (:func:`true_r`): a run's ``β₀`` never changes
_last_phi0: tuple[FloatArray, FloatArray] | None = None


def _phi0(beta0: FloatArray) -> FloatArray:
    """``ndtr(beta0)``, kept for the last ``beta0`` array asked."""
    global _last_phi0
    last = _last_phi0
    if last is not None and last[0] is beta0:
        return last[1]
    out: FloatArray = np.ascontiguousarray(ndtr(beta0), dtype=np.float64)
    _last_phi0 = (beta0, out)
    return out


def true_r(m: SimModel, s: RunState) -> FloatArray:
    """A's true chance of winning a battle this period: (N,), ``Φ(β₀) + r_cap(level) −
    r_cap(level₀) + shift_A − shift_B + Δ_shock`` clipped to [0, 1] (one compiled pass after
    ``Φ(β₀)`` and ``r_cap``, which are NumPy's and SciPy's)."""
    c = np.ascontiguousarray
    out = np.empty(s.n)
    _chance(
        _phi0(s.beta0),
        c(capability_r(m, s.level), np.float64),
        float(m.r_start),
        c(s.shift, np.float64),
        c(s.balance_shift, np.float64),
        out,
    )
    return out


@kernel
def _chance(
    phi0: FloatArray,
    cap: FloatArray,
    r_start: float,
    shift: FloatArray,
    balance_shift: FloatArray,
    out: FloatArray,
) -> None:
    """``clip(phi0 + cap − r_start + shift_A − shift_B + balance_shift, 0, 1)`` into ``out``,
    added in that order and clipped as ``np.clip`` does (NaN kept)."""
    for i in range(out.shape[0]):
        r = phi0[i] + cap[i] - r_start
        out[i] = _clip01(r + shift[i, 0] - shift[i, 1] + balance_shift[i])


def paid_cost(m: SimModel, s: RunState) -> FloatArray:
    """Each side's cost of fighting this period, utility units: (N, 2), ``max(c · q · m −
    relief, 0)`` (the products and difference in one compiled pass, NumPy's maximum)."""
    c = np.ascontiguousarray
    out = np.empty((s.n, 2))
    _gross_cost(
        c(m.cost, np.float64),
        c(m.type_cost, np.float64),
        c(s.own_type, np.int64),
        c(s.cost_mult, np.float64),
        c(relief(m, s.level), np.float64),
        out,
    )
    return np.maximum(out, 0.0, out=out)


@kernel
def _gross_cost(
    cost: FloatArray,
    type_cost: FloatArray,
    own_type: NDArray[np.int64],
    cost_mult: FloatArray,
    relief: FloatArray,
    out: FloatArray,
) -> None:
    """``cost · type_cost[own_type] · cost_mult − relief`` (N, 2) into ``out``, multiplied in
    that order."""
    for i in range(out.shape[0]):
        for side in range(2):
            q = type_cost[own_type[i, side]]
            out[i, side] = cost[side] * q * cost_mult[i, side] - relief[i, side]


@kernel
def _battle(
    beta: FloatArray,
    z: FloatArray,
    fighting: NDArray[np.bool_],
    cost: FloatArray,
    beta0: FloatArray,
    drift: FloatArray,
    moves: NDArray[np.bool_],
    volatility: FloatArray,
    move_line: bool,
    pay: bool,
    smoothing: float,
    won_flag: int,
    line: FloatArray,
    cum_cost: FloatArray,
    trend: FloatArray,
    events: NDArray[np.int32],
    line_out: FloatArray,
    cum_out: FloatArray,
    trend_out: FloatArray,
    y: FloatArray,
    events_out: NDArray[np.int32],
) -> None:
    """A period's battle over a block's runs, one pass from the state's ``line`` (when
    ``move_line``; else ``line_out`` is not written), ``cum_cost``, ``trend``, ``events`` into
    the new state's arrays (``*_out``, ``y``): the front moves by ``drift + (β − β₀ +
    z)·volatility`` on the issues it ``moves`` (clipped to [0, 100]), each side pays its
    ``cost`` (when ``pay``; else ``cum_out`` is not written), the trend follows ``y = β +
    z``, A's won battles are flagged."""
    keep = 1.0 - smoothing
    for i in range(beta.shape[0]):
        zi = z[i, 0]
        yi = beta[i] + zi
        if not fighting[i]:
            if pay:
                for side in range(2):
                    cum_out[i, side] = cum_cost[i, side] + 0.0
            if move_line:
                for j in range(line.shape[1]):
                    line_out[i, j] = line[i, j]
            trend_out[i] = trend[i]
            events_out[i] = events[i]
            y[i] = np.nan
            continue
        ev = events[i]
        if yi > 0.0:
            ev |= won_flag
        events_out[i] = ev
        if move_line:
            shock = beta[i] - beta0[i] + zi
            for j in range(line.shape[1]):
                move = drift[i, j] + shock * volatility[j] if moves[j] else 0.0
                v = line[i, j] + move
                if v < 0.0:
                    v = 0.0
                elif v > 100.0:
                    v = 100.0
                line_out[i, j] = v
        if pay:
            for side in range(2):
                cum_out[i, side] = cum_cost[i, side] + cost[i, side]
        trend_out[i] = keep * trend[i] + smoothing * yi
        y[i] = yi


# the model's constants the battle reads, for the last model seen: (model, (moves,
# direction × volatility, the front moves at all, the won-battle flag))
_last_model: tuple[object, tuple[NDArray[np.bool_], FloatArray, bool, int]] | None = None


def _constants(m: SimModel) -> tuple[NDArray[np.bool_], FloatArray, bool, int]:
    global _last_model
    last = _last_model
    if last is not None and last[0] is m:
        return last[1]
    c = np.ascontiguousarray
    out = (
        c(m.front_moves, np.bool_),
        c(m.direction * m.front_volatility, np.float64),
        bool(m.front_moves.any()),
        flag("battle_won_by_A"),
    )
    _last_model = (m, out)
    return out


def _same(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    """The very same six arrays."""
    return (
        a[0] is b[0]
        and a[1] is b[1]
        and a[2] is b[2]
        and a[3] is b[3]
        and a[4] is b[4]
        and a[5] is b[5]
    )


def _fight(m: SimModel, s: RunState, d: Draws) -> RunState:
    # β and the cost per period depend only on these arrays: recomputed when a step has
    # replaced one of them (states are never modified in place), else reused
    inputs = (s.beta0, s.level, s.shift, s.balance_shift, s.own_type, s.cost_mult)
    cached = s.fight_of
    c = np.ascontiguousarray
    if cached is not None and _same(cached[0], inputs):
        beta, cost = cached[1], cached[2]
    else:
        beta, cost = c(true_beta(true_r(m, s)), np.float64), c(paid_cost(m, s), np.float64)
    moves, volatility, move_line, won = _constants(m)
    n = s.n
    line = np.empty((n, s.line.shape[1])) if move_line else s.line
    # every cost zero (no costs of fighting): the costs paid so far are the same floats (x +
    # 0.0 is x, but for x = -0.0, checked once per array), so the same array
    pay = not (_checked("free", cost, _free) and _checked("signs", s.cum_cost, _no_minus_zero))
    cum_cost = np.empty((n, 2)) if pay else s.cum_cost
    trend, y = np.empty(n), np.empty(n)
    events = np.empty(n, dtype=np.int32)
    # the state's arrays are made contiguous, of these dtypes, by the steps that make them
    # (a view would only make Numba compile the kernel once more, for its layout)
    _battle(
        beta,
        d.z,
        s.fighting,
        cost,
        s.beta0,
        s.drift,
        moves,
        volatility,
        move_line,
        pay,
        PRESSURE_SMOOTHING,
        won,
        s.line,
        s.cum_cost,
        s.trend,
        s.events,
        line,
        cum_cost,
        trend,
        y,
        events,
    )
    return evolve(
        s,
        line=line,
        cum_cost=cum_cost,
        trend=trend,
        y=y,
        events=events,
        fight_of=(inputs, beta, cost),
    )


_CHECKED: dict[str, tuple[FloatArray, bool]] = {}


def _checked(key: str, a: FloatArray, test: Callable[[FloatArray], bool]) -> bool:
    """``test(a)``, kept for the last array tested under ``key`` (a state's arrays are never
    written: the same array gives the same answer)."""
    got = _CHECKED.get(key)
    if got is not None and got[0] is a:
        return got[1]
    out = test(a)
    _CHECKED[key] = (a, out)
    return out


def _free(cost: FloatArray) -> bool:
    """Every cost is zero."""
    return not cost.any()


def _no_minus_zero(x: FloatArray) -> bool:
    """No entry is -0.0."""
    return not (np.signbit(x) & (x == 0.0)).any()


@kernel
def _others_costs(
    type_cost: FloatArray,
    own_type: NDArray[np.int64],
    cost_mult: FloatArray,
    cost: FloatArray,
    out: FloatArray,
) -> None:
    """The other side's material cost per period as each side looks at it, into ``out``
    (N, 2): ``q_type · multiplier · stated cost`` of the other."""
    for i in range(own_type.shape[0]):
        for side in range(2):
            o = 1 - side
            out[i, side] = type_cost[own_type[i, o]] * cost_mult[i, o] * cost[o]


@kernel
def _sightings(
    log_other: FloatArray,
    z: FloatArray,
    fighting: NDArray[np.bool_],
    noise: float,
    out: FloatArray,
) -> None:
    """Each side's noisy sight of the other's log cost, into ``out`` (N, 2): NaN when there
    is no fighting or nothing to see (a cost of 0)."""
    for i in range(log_other.shape[0]):
        for side in range(2):
            x = log_other[i, side]
            seen = fighting[i] and np.isfinite(x)
            out[i, side] = x + noise * z[i, side] if seen else np.nan


# the last (model, private types, cost multipliers) and the log of the other's cost they give
# (:func:`_log_others_costs`)
_last_log_other: tuple[SimModel, NDArray[np.int64], FloatArray, FloatArray] | None = None


def _log_others_costs(m: SimModel, s: RunState) -> FloatArray:
    """The log of the other side's material cost as each side looks at it (N, 2): it depends
    on the private types and the cost multipliers alone, which change only when a shock
    replaces them, so it is kept for the arrays last asked (a state's arrays are never
    written)."""
    global _last_log_other
    last = _last_log_other
    if last is not None and last[0] is m and last[1] is s.own_type and last[2] is s.cost_mult:
        return last[3]
    c = np.ascontiguousarray
    other = np.empty((s.n, 2))  # (N, 2) the other side's material cost
    _others_costs(
        c(m.type_cost, np.float64), c(s.own_type, np.int64), c(s.cost_mult), c(m.cost), other
    )
    with np.errstate(divide="ignore"):
        log_other: FloatArray = np.log(other)  # what side s looks at: the other's cost
    _last_log_other = (m, s.own_type, s.cost_mult, log_other)
    return log_other


def _observe(m: SimModel, s: RunState, d: Draws) -> RunState:
    c = np.ascontiguousarray
    log_other = _log_others_costs(m, s)
    signal = np.empty((s.n, 2))
    _sightings(log_other, c(d.z), c(s.fighting), float(m.settings.cost_signal_noise), signal)
    return evolve(s, cost_signal=signal)


FIGHT = Step("fight", _fight, lambda m: (0, 1))
# the cost signal is evidence about the other's private type: with a single type there is
# nothing to learn from it (the learn step reads it only with several types), so nothing runs
OBSERVE = Step("observe", _observe, lambda m: (0, 2), inert=lambda m: m.n_types == 1)
