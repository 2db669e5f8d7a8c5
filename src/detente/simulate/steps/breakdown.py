"""Breakdown of an agreement in force: the covariate durability model in the period loop.

At signature each new agreement gets its hazard ratio from the deal's covariates
(:class:`detente.simulate.durability_covariates.DealDurability`, read from the scenario once;
:func:`signature_log_ratios`), with the run's own **trust at signature** (the mean of the two
sides' military compliance probabilities for each other,
:func:`detente.trust.behaviour.compliance_array` of the expected trust the sides hold at that
moment, no evidence read as 0.5) and the run's **earlier failed agreements** (the scenario's
``agreement_ended`` events, not ``agreement_lapsed`` ones, plus the agreements that already
broke down in the run).

Each period of an agreement in force, with ``ΔH`` the Fortna baseline's cumulative hazard over
the period (:func:`detente.simulate.durability.hazard_increments`, looked up by age), the
probability of a breakdown is ``1 − exp(−HR · ΔH)`` (:func:`side_exponent`,
:func:`faction_exponent`: ``−HR · ΔH`` with the hazard ratios below; ``exp`` by NumPy, or
the comparison with the run's uniform decided without it when its rounding cannot matter,
:func:`exceeds`; :func:`agreement_exponents` computes every ``−HR · ΔH``, for the engine's
pass and for :func:`breakdown_hazards`, which gives the probabilities):

- each side breaks it by chance with hazard ratio ``½ · HR_deal`` times
  ``rearm_hazard^(excess / 0.1)`` for a side that rearmed beyond the power shift the deal
  permits (``war.truce_power_shift``; the permitted shift is already a covariate, so only
  the excess of a bad-faith signer's rearmament multiplies), times the staged-sanctions
  deterrence factor;
- each spoiler faction ``f`` brings it down with hazard ratio ``HR_deal · (F − 1) · w_f``,
  where ``F = exp(β_spoiler · min(1, Σ_f s_f (1 − c_f)))`` is the spoiler covariate's factor
  and ``w_f`` the faction's share of it: the spoilers' part of the covariate hazard is realised
  as breakdowns *by the faction* (attributed to it, not to the state), so it is not counted
  twice. With every faction under full control ``F = 1`` and spoilers add nothing.

The total hazard of an agreement is therefore ``HR_deal · F`` times the baseline (plus the
behavioural factors), the covariate model's hazard.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.distrust import DETERRENCE
from detente.core import TRUST_DIMENSIONS
from detente.core.jit import kernel
from detente.simulate.durability import (
    increment_table,
    log_hazard_ratio,
    rest_log_ratio,
    worse_rest_code,
)
from detente.simulate.model import SimModel
from detente.trust.behaviour import compliance_array

__all__ = [
    "agreement_exponents",
    "breakdown_hazards",
    "deterrence",
    "exceeds",
    "faction_exponent",
    "faction_ratios",
    "relief_of",
    "side_exponent",
    "signature_log_ratios",
    "signature_trust_sums",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

NO_EVIDENCE_COMPLIANCE = 0.5 * 0.5**0.5
"""Military compliance of a pair without evidence (the covariate's reference, 0.354)."""


def faction_ratios(m: SimModel, b: int) -> FloatArray:
    """(F,) each spoiler faction's hazard ratio per unit of the deal's on bundle ``b``,
    ``(F − 1) · w_f`` (module doc); zeros when no faction is uncontrolled."""
    share = m.durability[b].faction_share
    total = float(share.sum())
    if total <= 0.0:
        return np.zeros(share.size)
    out: FloatArray = (m.durability[b].spoiler_factor - 1.0) * share / total
    return out


@kernel
def exceeds(e: float, u: float) -> int:
    """Whether the probability ``h = −expm1(e)`` is above the uniform ``u`` when that does
    not depend on how ``expm1`` rounds (1: yes, 0: no), else −1 (NumPy's ``expm1`` decides).

    With ``x = −e``: ``h ≤ x`` for every ``e``, and for ``0 ≤ x ≤ 1`` the alternating series
    ``h = x − x²/2 + x³/6 − x⁴/24 + …`` lies between its partial sums ``S₄ ≤ h ≤ S₃``. A
    relative margin of 1e-9 (millions of units in the last place of any accurate ``expm1``,
    far more than the rounding of the sums) keeps the answer exact. Undecided: ``u`` within
    ``x⁴/24`` of ``h`` (about 1e-9 for a period's hazard of 1%), or NaN, infinite or
    subnormal inputs."""
    x = -e
    if u >= x + abs(x) * 1e-9:  # h ≤ x: the usual answer (h is small), in one comparison
        return 0
    if 0.0 <= x <= 1.0:
        x2 = x * x
        s3 = (x - 0.5 * x2) + x2 * x / 6.0
        if u >= s3 + s3 * 1e-9:
            return 0
        s4 = s3 - x2 * x2 / 24.0
        if s4 > 1e-280 and u < s4 - s4 * 1e-9:
            return 1
    return -1


@kernel
def deterrence(total: float, done: float, sanctioned: bool) -> float:
    """The staged-sanctions deterrence factor of a side's hazard, ``1 − DETERRENCE · (R_total −
    R(n))`` for the sanctioned party (``done`` = ``R(n)`` the relief released after its ``n``
    periods of verified compliance), 1 for the other."""
    return (1.0 - DETERRENCE * (total - done)) if sanctioned else 1.0


@kernel
def side_exponent(hr: float, rearmed: float, deterred: float, d: float) -> float:
    """``−HR · ΔH`` of a side's chance breakdown: ``½ HR_deal`` times its rearmament factor
    and its deterrence factor (1 when none: multiplying by 1 changes no bit)."""
    x = 0.5 * hr
    x = x * rearmed
    x = x * deterred
    return -x * d


@kernel
def faction_exponent(hr: float, extra: float, d: float) -> float:
    """``−HR · ΔH`` of a spoiler faction's escalation, ``HR_deal · extra_f``."""
    return -(hr * extra) * d


@kernel
def _exponents(
    runs: IntArray,
    b: int,
    deal_hr: FloatArray,
    age: IntArray,
    verified: IntArray,
    rearmed: FloatArray,
    relief_step: FloatArray,
    sanctioned: BoolArray,
    extra: FloatArray,
    dh: FloatArray,
    out: FloatArray,
) -> int:
    """``out[i] = −HR · ΔH`` of run ``runs[i]``'s agreement on bundle ``b``: each side's
    (:func:`side_exponent`, with ``rearmed`` when it has columns and the sanctions'
    :func:`deterrence` when ``relief_step`` is not empty) then each faction's
    (:func:`faction_exponent`); ``ΔH`` looked up by age in ``dh``. Returns the largest age
    met: when it is past the end of ``dh``, the rows of those runs are left unwritten."""
    has_rearmed = rearmed.shape[1] > 0
    last = relief_step.shape[0] - 1
    top = -1
    for i in range(runs.shape[0]):
        r = runs[i]
        a = age[r, b]
        top = max(top, a)
        if a >= dh.shape[0]:
            continue
        x0 = rearmed[0, i] if has_rearmed else 1.0
        x1 = rearmed[1, i] if has_rearmed else 1.0
        agreement_exponents(
            deal_hr[r, b],
            dh[a],
            x0,
            x1,
            relief_step,
            last,
            verified[r, b],
            sanctioned,
            extra,
            out[i],
        )
    return top


@kernel
def agreement_exponents(
    hr: float,
    d: float,
    rearmed0: float,
    rearmed1: float,
    relief_step: FloatArray,
    last: int,
    verified: IntArray,
    sanctioned: BoolArray,
    extra: FloatArray,
    out: FloatArray,
) -> None:
    """``out`` (2 + F,): ``−HR · ΔH`` of one agreement in force (hazard ratio ``hr``, ``ΔH =
    d``) for each side (:func:`side_exponent`, with its rearmament factor and, when ``last``
    >= 0, the sanctions' :func:`deterrence` after ``verified[side]`` periods of verified
    compliance) then each spoiler faction (:func:`faction_exponent`, ``extra`` its ratios).
    The one computation of the exponents: :func:`breakdown_hazards` and the implement step's
    pass both call it."""
    for side in range(2):
        f = rearmed0 if side == 0 else rearmed1
        g = 1.0
        if last >= 0:
            done = relief_step[min(verified[side], last)]
            g = deterrence(relief_step[last], done, sanctioned[side])
        out[side] = side_exponent(hr, f, g, d)
    for f in range(extra.shape[0]):
        out[2 + f] = faction_exponent(hr, extra[f], d)


def relief_of(m: SimModel, b: int) -> FloatArray:
    """The staged-sanctions relief schedule the hazard of an agreement on bundle ``b`` reads
    (the settlement's only, when relief is ever released), else empty."""
    relief = m.relief_step
    if not (b == 0 and relief.size and relief[-1] > 0.0):
        return np.empty(0)
    out: FloatArray = np.ascontiguousarray(relief, dtype=np.float64)
    return out


@kernel
def signature_log_ratios(
    q: FloatArray,
    bundle: IntArray,
    earlier: IntArray,
    x0: FloatArray,
    base_failures: FloatArray,
    out: FloatArray,
) -> int:
    """Per agreement signed now (rows of ``q`` (E, 2): the sides' military compliance for
    each other; ``bundle``, ``earlier`` agreements the run reached on it), the log of its
    hazard ratio but the spoilers' factor (:meth:`DealDurability.rest_hazard_ratio`): trust
    at signature the mean of the two, earlier failures the deal's plus ``earlier``; ``x0``
    (B, K) each bundle's covariate vector. Returns :func:`rest_log_ratio`'s first
    validation code met (trust first)."""
    x = np.empty(x0.shape[1], dtype=np.float64)
    worst = 0
    for e in range(q.shape[0]):
        b = bundle[e]
        trust = (q[e, 0] + q[e, 1]) / 2.0  # the mean of the two (as ndarray.mean)
        code = rest_log_ratio(trust, base_failures[b] + np.float64(earlier[e]), x0[b], x)
        worst = worse_rest_code(worst, code)
        out[e] = log_hazard_ratio(x)
    return worst


def breakdown_hazards(
    m: SimModel,
    b: int,
    runs: IntArray,
    period: int,
    deal_hr: FloatArray,
    age: IntArray,
    verified: IntArray,
    rearmed: FloatArray | None,
) -> FloatArray:
    """(n, 2 + F) for the agreements on bundle ``b`` of runs ``runs`` (in force, ``age``
    periods old, of state arrays ``deal_hr`` (N, B), ``age`` (N, B), ``verified`` (N, B, 2)):
    the probability that each side breaks it by chance this period, then that each spoiler
    faction brings it down (module doc). ``rearmed`` (2, n): each side's factor
    ``rearm_hazard^(excess / 0.1)``, None when no side rearmed beyond the permitted shift.
    The hazard ratios and ``−HR · ΔH`` are one compiled pass over the runs; ``1 − exp`` is
    NumPy's."""
    extra = faction_ratios(m, b)
    out = np.empty((runs.size, 2 + extra.size))
    args = (
        runs,
        b,
        deal_hr,
        age,
        verified,
        np.empty((2, 0)) if rearmed is None else np.ascontiguousarray(rearmed),
        relief_of(m, b),
        np.ascontiguousarray(m.sanctioned, dtype=np.bool_),
        extra,
    )
    dh = increment_table(m.period_years, period + 1)
    top = _exponents(*args, dh, out)
    if top >= dh.size:  # an agreement older than the periods so far (not in the engine)
        dh = increment_table(m.period_years, top + 1)
        _exponents(*args, dh, out)
    h: FloatArray = np.expm1(out)
    np.negative(h, out=h)
    return h


def signature_trust_sums(
    m: SimModel, paths: dict[str, NDArray[np.float32]], first: IntArray
) -> FloatArray:
    """(B,) sums over a block's first agreements (``first`` (N, B), −1 = none) of trust at
    signature, read from the recorded per-period expected trust (the value the hazard used)."""
    a, b = m.actor_ids[:2]
    dims = [f"trust_{d}" for d in TRUST_DIMENSIONS]
    out = np.zeros(first.shape[1])
    for j in range(first.shape[1]):
        rows = np.flatnonzero(first[:, j] >= 0)
        if not rows.size:
            continue
        t = first[rows, j]
        trust = np.stack(
            [np.stack([paths[f"{d}.{x}"][t, rows] for d in dims], axis=-1) for x in (a, b)],
            axis=1,
        ).astype(np.float64)  # (n, 2, D)
        out[j] = float(compliance_array(trust, "military").mean(axis=1).sum())
    return out
