"""Bueno de Mesquita's expected-utility model, as reconstructed by Scholz, Calbert & Smith.

Source: J. B. Scholz, G. J. Calbert and G. A. Smith (2011), "Unravelling Bueno de Mesquita's
group decision model", *Journal of Theoretical Politics* 23(4): 510–531 (conference version:
ICAART 2011). Their reconstruction follows Bueno de Mesquita (1994), "Political forecasting: an
expected utility method", in *European Community Decision Making* (Yale UP).

Each round, for ``n`` actors with positions ``x``, capabilities ``c`` and saliences ``s``:

1. Every actor's risk exponent is reset to ``r_i = 1``.
2. Win probabilities. Actor *k*'s "vote" for ``x_a`` over ``x_b`` is
   ``v_k(a, b) = c_k s_k (|x_k - x_b|^r_k - |x_k - x_a|^r_k) / range^r_k``; the probability
   that *a* beats *b* is ``P(a, b) = sum_k max(v_k(a, b), 0) / sum_{k,a',b'} |v_k(a', b')|``
   (``P = 0`` when ``x_a = x_b``).
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
6. The forecast is the weighted median (capability × salience) of the positions after
   ``rounds`` rounds.

Interpretive choices, each documented in ``docs/explanation/forecast-models.md``:

- **Probability denominator** (step 2): the sum over *all* voters and *all* pairs of positions,
  as in Scholz's code (per the public reimplementation by J. McKibben-Sanders, which D. Masad
  reports was checked against Scholz's original code); BDM (1994) normalises per pair.
- **Risk** (step 4) compares an actor's danger with every other actor's, as Scholz does.
- **Perspective** (step 5): both expected utilities use the receiver's risk exponent.
- **Choosing among compromises**: the compromise whose EU-weighted midpoint
  ``(|e_ij| x_i + |e_ji| x_j) / (|e_ij| + |e_ji|)`` is smallest, as in Scholz's code (not the
  offer that moves the actor least, which the paper's prose suggests). Remaining ties are
  broken by the lower new position, so the result does not depend on actor order.
- **Capitulation condition**: the public reimplementation writes ``e_ji < |e_ji|`` (never
  true); we use the evident intent ``e_ji < |e_ij|``. On the emission-standards case both give
  identical rounds (checked in the tests).
- **Equal positions**: two positions closer than 1e-9 of the range count as equal (no
  contest), so float noise cannot change a round; this makes the model translation-equivariant.
- **Position range**: fixed at the initial range of positions (max − min).
- **Saliences** are used as probabilities of resisting, so they must lie in [0, 1]: if any
  salience exceeds 1 the issue's saliences are read as 0–100 and divided by 100 (by their
  maximum if that exceeds 100). Capabilities only enter through ratios, so their scale is free.
- **Rounds**: default 8, the number of rounds Scholz et al. report for the test case. The model
  need not converge (it oscillates on the test case), so the forecast depends on this choice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from detente.forecast.compromise import weighted_median
from detente.forecast.data import FloatArray, IssueData

__all__ = ["BdmModel", "BdmRound", "bdm_rounds", "normalise_saliences"]

DEFAULT_ROUNDS = 8
# Positions closer than this share of the range count as equal (no contest between them).
_SAME = 1e-9


@dataclass(frozen=True)
class BdmRound:
    """The state after one round: positions, risk exponents and the weighted median."""

    round: int
    positions: FloatArray
    risk: FloatArray
    median: float
    mean: float


def normalise_saliences(saliences: FloatArray) -> FloatArray:
    """Saliences on [0, 1]: 0–100 scales are divided by 100 (see module docstring)."""
    top = float(saliences.max()) if saliences.size else 0.0
    if top <= 1.0:
        return saliences
    out: FloatArray = saliences / (100.0 if top <= 100.0 else top)
    return out


def _probabilities(x: FloatArray, w: FloatArray, r: FloatArray, span: float) -> FloatArray:
    dist = np.abs(x[:, None] - x[None, :]) / span  # [k, position]
    dr = dist ** r[:, None]
    # votes[k, a, b] = w_k (dr[k, b] - dr[k, a])
    votes = w[:, None, None] * (dr[:, None, :] - dr[:, :, None])
    total = float(np.abs(votes).sum())
    if total == 0.0:
        return np.zeros((x.size, x.size))
    prob: FloatArray = np.maximum(votes, 0.0).sum(axis=0) / total
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
    x: FloatArray, c: FloatArray, s: FloatArray, span: float, q: float
) -> tuple[FloatArray, FloatArray]:
    n = x.size
    w = c * s
    d = np.abs(x[:, None] - x[None, :]) / span
    ones = np.ones(n)
    prob1 = _probabilities(x, w, ones, span)
    eu1 = _eu(prob1, d, s, 1.0, q)
    np.fill_diagonal(eu1, 0.0)
    danger = eu1.sum(axis=0)  # D_i = sum_j EU(j, i)
    dmax, dmin = float(danger.max()), float(danger.min())
    if dmax > dmin:
        big_r = (2.0 * danger - dmax - dmin) / (dmax - dmin)
        r = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
    else:
        r = ones
    prob = _probabilities(x, w, r, span)
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


def bdm_rounds(
    positions: FloatArray,
    saliences: FloatArray,
    capabilities: FloatArray,
    rounds: int = DEFAULT_ROUNDS,
    q: float = 1.0,
) -> list[BdmRound]:
    """Run the model; element 0 is the initial state, element *t* the state after round *t*."""
    x = np.array(positions, dtype=np.float64)
    s = normalise_saliences(np.asarray(saliences, dtype=np.float64))
    c = np.asarray(capabilities, dtype=np.float64)
    w = c * s
    span = float(x.max() - x.min())
    ones = np.ones(x.size)
    history = [BdmRound(0, x.copy(), ones, weighted_median(x, w), _mean(x, w))]
    if span == 0.0 or not np.any(w > 0):
        return history
    for t in range(1, rounds + 1):
        x, r = _step(x, c, s, span, q)
        history.append(BdmRound(t, x.copy(), r, weighted_median(x, w), _mean(x, w)))
    return history


def _mean(x: FloatArray, w: FloatArray) -> float:
    total = float(w.sum())
    return float(np.dot(x, w) / total) if total > 0 else float(x.mean())


class BdmModel:
    """Bueno de Mesquita's expected-utility model (Scholz et al. 2011 reconstruction)."""

    name = "bdm"
    tunable = False
    uses_status_quo = False
    within_hull = True

    def __init__(self, rounds: int = DEFAULT_ROUNDS) -> None:
        self.rounds = rounds

    def fit(self, train: Sequence[IssueData], rng: np.random.Generator) -> BdmModel:
        return self

    def predict(self, issue: IssueData) -> float:
        history = bdm_rounds(issue.positions, issue.saliences, issue.capabilities, self.rounds)
        return history[-1].median

    def parameters(self) -> Mapping[str, float]:
        return {"rounds": float(self.rounds)}
