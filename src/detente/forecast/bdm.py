"""Bueno de Mesquita's expected-utility model, as reconstructed by Scholz, Calbert & Smith.

Source: J. B. Scholz, G. J. Calbert and G. A. Smith (2011), "Unravelling Bueno de Mesquita's
group decision model", *Journal of Theoretical Politics* 23(4): 510–531 (conference version:
ICAART 2011). Their reconstruction follows Bueno de Mesquita (1994), "Political forecasting: an
expected utility method", in *European Community Decision Making* (Yale UP).

Each round, for ``n`` actors with positions ``x``, capabilities ``c`` and saliences ``s``:

1. Every actor's risk exponent is reset to ``r_i = 1``.
2. Win probabilities. Actor *k*'s "vote" for ``x_a`` over ``x_b`` is
   ``v_k(a, b) = c_k s_k (|x_k - x_b|^r_k - |x_k - x_a|^r_k) / range^r_k``. The probability
   that *a* beats *b* is, **per pair** (as published)::

       P(a, b) = sum_k max(v_k(a, b), 0) / sum_k |v_k(a, b)|

   so ``P(a, b) + P(b, a) = 1`` whenever someone cares (``P = 0`` when ``x_a = x_b``).
3. Expected utility of *a* challenging *b*, seen with risk exponent ``r``:
   ``EU(a, b) = s_b [P U_s + (1 - P) U_f] + (1 - s_b) U_s - Q U_sq`` with
   ``U_s = 2 - 4 (0.5 - 0.5 d)^r``, ``U_f = 2 - 4 (0.5 + 0.5 d)^r``, ``U_sq = 2 - 4 (0.5)^r``,
   ``d = |x_a - x_b| / range`` and ``Q = 1``.
4. Risk. With all ``r = 1``, actor *i*'s danger is ``D_i = sum_{j != i} EU(j, i)``;
   ``R_i = (2 D_i - max D - min D) / (max D - min D)`` and ``r_i = (1 - R_i/3) / (1 + R_i/3)``
   (so ``r`` lies in [0.5, 2]). Step 2 is recomputed with the new ``r``.
5. Offers. For receiver *i* and proposer *j* (``x_i != x_j``), with ``e_ij = EU(i, j)`` and
   ``e_ji = EU(j, i)``, both seen with *i*'s risk exponent:
   confrontation if ``e_ji > e_ij > 0`` (i moves to ``x_j``); compromise if
   ``e_ji > 0 > e_ij`` and ``e_ji > |e_ij|`` (i moves to ``x_i + (x_j - x_i) |e_ij / e_ji|``);
   capitulation if ``e_ji > 0 > e_ij`` and ``e_ji < |e_ij|`` (i moves to ``x_j``).
   Each actor accepts one offer: a confrontation if any (the nearest), else a compromise,
   else a capitulation (the nearest). All actors move simultaneously.

**Stopping and forecast rule** (``bdm``). The rounds are a deterministic map of the positions,
so the run either reaches a fixed point (no actor moves) or enters a cycle (a set of positions
seen before). The model stops at the first repeated state, or after ``max_rounds`` (default
300; a cap, reported as ``converged = False`` when reached). The forecast is the capability ×
salience weighted median of the positions of the terminal state; for a cycle, of the positions
pooled over the rounds of the cycle (each round counted once), so that the forecast does not
depend on where in the cycle the run happens to be stopped.

**The variant ``bdm-scholz-code``** normalises step 2 by the sum of ``|v_k(a', b')|`` over
*all* voters and *all* pairs of positions and runs a fixed number of rounds (default 8), with
the weighted median of the last round as forecast. This is the public reimplementation of
J. McKibben-Sanders (github.com/jmckib/bdm-scholz-expected-utility-model, ported to Python 3
by D. Masad), whose code comments state that this denominator is "faithful to Scholz' code"
and contrary to Bueno de Mesquita's intent; it is kept, under that name, because it reproduces
that reimplementation's round log exactly (``tests/forecast/test_bdm.py``). With ~30 actors its
probabilities are ~1/n² small and positions oscillate without end, so it is not the default.

Interpretive choices, each documented in ``docs/explanation/forecast-models.md``:

- **Risk** (step 4) compares an actor's danger with every other actor's, as Scholz does.
- **Perspective** (step 5): both expected utilities use the receiver's risk exponent.
- **Choosing among compromises**: the compromise whose EU-weighted midpoint
  ``(|e_ij| x_i + |e_ji| x_j) / (|e_ij| + |e_ji|)`` is smallest, as in Scholz's code (per the
  reimplementation above; not the offer that moves the actor least, which the paper's prose
  suggests). Remaining ties are broken by the lower new position (actor-order invariance).
- **Capitulation condition**: the public reimplementation writes ``e_ji < |e_ji|`` (never
  true); we use the evident intent ``e_ji < |e_ij|``. On the emission-standards case both give
  identical rounds (checked in the tests).
- **Equal positions**: two positions closer than 1e-9 of the range count as equal (no
  contest), so float noise cannot change a round; this makes the model translation-equivariant.
- **Position range**: fixed at the initial range of positions (max − min).
- **Saliences** are used as probabilities of resisting, so they must lie in [0, 1]: if any
  salience exceeds 1 the issue's saliences are read as 0–100 and divided by 100 (by their
  maximum if that exceeds 100). Capabilities only enter through ratios, so their scale is free.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from detente.forecast.compromise import weighted_median
from detente.forecast.data import FloatArray, IssueData

__all__ = [
    "BdmModel",
    "BdmRound",
    "BdmRun",
    "BdmScholzCodeModel",
    "bdm_rounds",
    "bdm_run",
    "normalise_saliences",
]

Denominator = Literal["per-pair", "all-pairs"]

DEFAULT_MAX_ROUNDS = 300
SCHOLZ_CODE_ROUNDS = 8
# Positions closer than this share of the range count as equal (no contest between them).
_SAME = 1e-9
# Two states are the same when no position differs by more than this share of the range.
_REPEAT = 1e-12


@dataclass(frozen=True)
class BdmRound:
    """The state after one round: positions, risk exponents and the weighted median."""

    round: int
    positions: FloatArray
    risk: FloatArray
    median: float
    mean: float


@dataclass(frozen=True)
class BdmRun:
    """A run to its terminal state (see the module docstring's stopping rule).

    ``history[t]`` is the state after round ``t`` (``history[0]`` the initial one); the run
    stopped after round ``len(history) - 1``. ``cycle`` is the number of rounds of the terminal
    cycle (1 for a fixed point; 0 when the cap was reached without a repeated state).
    """

    history: list[BdmRound]
    converged: bool
    cycle: int
    forecast: float

    @property
    def rounds(self) -> int:
        """Rounds played."""
        return len(self.history) - 1


def normalise_saliences(saliences: FloatArray) -> FloatArray:
    """Saliences on [0, 1]: 0–100 scales are divided by 100 (see module docstring)."""
    top = float(saliences.max()) if saliences.size else 0.0
    if top <= 1.0:
        return saliences
    out: FloatArray = saliences / (100.0 if top <= 100.0 else top)
    return out


def _probabilities(
    x: FloatArray, w: FloatArray, r: FloatArray, span: float, denominator: Denominator
) -> FloatArray:
    dist = np.abs(x[:, None] - x[None, :]) / span  # [k, position]
    dr = dist ** r[:, None]
    # votes[k, a, b] = w_k (dr[k, b] - dr[k, a])
    votes = w[:, None, None] * (dr[:, None, :] - dr[:, :, None])
    wins = np.maximum(votes, 0.0).sum(axis=0)
    prob: FloatArray
    if denominator == "per-pair":
        total = np.abs(votes).sum(axis=0)
        prob = np.where(total > 0.0, wins / np.where(total > 0.0, total, 1.0), 0.0)
    else:
        grand = float(np.abs(votes).sum())
        if grand == 0.0:
            return np.zeros((x.size, x.size))
        prob = wins / grand
    prob[np.abs(x[:, None] - x[None, :]) <= _SAME * span] = 0.0
    return prob


def _eu(
    prob: FloatArray, d: FloatArray, s: FloatArray, rexp: FloatArray | float, q: float
) -> FloatArray:
    """EU[a, b] of a challenging b; ``rexp`` broadcasts against [a, b]."""
    us = 2.0 - 4.0 * (0.5 - 0.5 * d) ** rexp
    uf = 2.0 - 4.0 * (0.5 + 0.5 * d) ** rexp
    usq = 2.0 - 4.0 * 0.5**rexp
    sb = s[None, :]
    eu: FloatArray = sb * (prob * us + (1.0 - prob) * uf) + (1.0 - sb) * us - q * usq
    return eu


def _step(
    x: FloatArray, c: FloatArray, s: FloatArray, span: float, q: float, denominator: Denominator
) -> tuple[FloatArray, FloatArray]:
    n = x.size
    w = c * s
    d = np.abs(x[:, None] - x[None, :]) / span
    ones = np.ones(n)
    prob1 = _probabilities(x, w, ones, span, denominator)
    eu1 = _eu(prob1, d, s, 1.0, q)
    np.fill_diagonal(eu1, 0.0)
    danger = eu1.sum(axis=0)  # D_i = sum_j EU(j, i)
    dmax, dmin = float(danger.max()), float(danger.min())
    if dmax > dmin:
        big_r = (2.0 * danger - dmax - dmin) / (dmax - dmin)
        r = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
    else:
        r = ones
    prob = _probabilities(x, w, r, span, denominator)
    e_ij = _eu(prob, d, s, r[:, None], q)  # [i, j]: i challenges j, i's risk
    e_ji = _eu(prob, d, s, r[None, :], q).T  # [i, j]: j challenges i, i's risk
    differ = np.abs(x[:, None] - x[None, :]) > _SAME * span
    conf = differ & (e_ji > e_ij) & (e_ij > 0)
    mixed = differ & (e_ji > 0) & (e_ij < 0)
    comp = mixed & (e_ji > np.abs(e_ij))
    capit = mixed & (e_ji < np.abs(e_ij))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(comp, np.abs(e_ij / np.where(comp, e_ji, 1.0)), 0.0)
        comp_pos = x[:, None] + (x[None, :] - x[:, None]) * ratio
        comp_key = np.where(
            comp,
            (np.abs(e_ij) * x[:, None] + np.abs(e_ji) * x[None, :])
            / np.where(comp, np.abs(e_ij) + np.abs(e_ji), 1.0),
            np.inf,
        )
    target_pos = np.broadcast_to(x[None, :], (n, n))
    near = np.abs(x[:, None] - x[None, :])
    new_x = x.copy()
    for i in range(n):
        for mask, key, pos in (
            (conf[i], near[i], target_pos[i]),
            (comp[i], comp_key[i], comp_pos[i]),
            (capit[i], near[i], target_pos[i]),
        ):
            if mask.any():
                cand = np.flatnonzero(mask)
                order = np.lexsort((pos[cand], key[cand]))
                new_x[i] = pos[cand[order[0]]]
                break
    return new_x, r


def _prepare(
    positions: FloatArray, saliences: FloatArray, capabilities: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, float]:
    x = np.array(positions, dtype=np.float64)
    s = normalise_saliences(np.asarray(saliences, dtype=np.float64))
    c = np.asarray(capabilities, dtype=np.float64)
    return x, s, c, c * s, float(x.max() - x.min()) if x.size else 0.0


def bdm_rounds(
    positions: FloatArray,
    saliences: FloatArray,
    capabilities: FloatArray,
    rounds: int = SCHOLZ_CODE_ROUNDS,
    q: float = 1.0,
    *,
    denominator: Denominator = "all-pairs",
) -> list[BdmRound]:
    """A fixed number of rounds; element 0 is the initial state, element *t* after round *t*.

    The default denominator is the ``bdm-scholz-code`` variant's (see module docstring).
    """
    x, s, c, w, span = _prepare(positions, saliences, capabilities)
    ones = np.ones(x.size)
    history = [BdmRound(0, x.copy(), ones, weighted_median(x, w), _mean(x, w))]
    if span == 0.0 or not np.any(w > 0):
        return history
    for t in range(1, rounds + 1):
        x, r = _step(x, c, s, span, q, denominator)
        history.append(BdmRound(t, x.copy(), r, weighted_median(x, w), _mean(x, w)))
    return history


def bdm_run(
    positions: FloatArray,
    saliences: FloatArray,
    capabilities: FloatArray,
    *,
    max_rounds: int = DEFAULT_MAX_ROUNDS,
    q: float = 1.0,
    denominator: Denominator = "per-pair",
) -> BdmRun:
    """Run to a fixed point or cycle (or the cap) and forecast (see module docstring)."""
    x, s, c, w, span = _prepare(positions, saliences, capabilities)
    ones = np.ones(x.size)
    history = [BdmRound(0, x.copy(), ones, weighted_median(x, w), _mean(x, w))]
    if span == 0.0 or not np.any(w > 0):
        return BdmRun(history, True, 1, history[0].median)
    tol = _REPEAT * span
    for t in range(1, max_rounds + 1):
        x, r = _step(x, c, s, span, q, denominator)
        history.append(BdmRound(t, x.copy(), r, weighted_median(x, w), _mean(x, w)))
        for back in range(t - 1, -1, -1):
            if np.all(np.abs(history[back].positions - x) <= tol):
                period = t - back
                pooled = np.concatenate([h.positions for h in history[back + 1 : t + 1]])
                forecast = weighted_median(pooled, np.tile(w, period))
                return BdmRun(history, True, period, forecast)
    return BdmRun(history, False, 0, history[-1].median)


def _mean(x: FloatArray, w: FloatArray) -> float:
    total = float(w.sum())
    return float(np.dot(x, w) / total) if total > 0 else float(x.mean())


class BdmModel:
    """Bueno de Mesquita's expected-utility model (Scholz et al. 2011), per-pair probabilities."""

    name = "bdm"
    tunable = False
    uses_status_quo = False
    within_hull = True
    needs_capabilities = True

    def __init__(self, max_rounds: int = DEFAULT_MAX_ROUNDS) -> None:
        self.max_rounds = max_rounds

    def fit(self, train: Sequence[IssueData], rng: np.random.Generator) -> BdmModel:
        return self

    def run(self, issue: IssueData) -> BdmRun:
        """The full run (rounds, convergence, cycle length) behind :meth:`predict`."""
        return bdm_run(
            issue.positions, issue.saliences, issue.capabilities, max_rounds=self.max_rounds
        )

    def predict(self, issue: IssueData) -> float:
        return self.run(issue).forecast

    def parameters(self) -> Mapping[str, float | None]:
        return {"max_rounds": float(self.max_rounds)}


class BdmScholzCodeModel:
    """The all-pairs-denominator variant of a public reimplementation (see module docstring)."""

    name = "bdm-scholz-code"
    tunable = False
    uses_status_quo = False
    within_hull = True
    needs_capabilities = True

    def __init__(self, rounds: int = SCHOLZ_CODE_ROUNDS) -> None:
        self.rounds = rounds

    def fit(self, train: Sequence[IssueData], rng: np.random.Generator) -> BdmScholzCodeModel:
        return self

    def predict(self, issue: IssueData) -> float:
        history = bdm_rounds(issue.positions, issue.saliences, issue.capabilities, self.rounds)
        return history[-1].median

    def parameters(self) -> Mapping[str, float | None]:
        return {"rounds": float(self.rounds)}
