"""Breakdown of an agreement in force: the covariate durability model in the period loop.

At signature each new agreement gets its hazard ratio from the deal's covariates
(:class:`detente.simulate.durability.DealDurability`, read from the scenario once), with the
run's own **trust at signature** (the mean of the two sides' military compliance probabilities
for each other, :func:`detente.trust.behaviour.compliance_array` of the expected trust the
sides hold at that moment) and the run's **earlier failed agreements** (the scenario's
``agreement_ended`` events plus the agreements that already broke down in the run).

Each period of an agreement in force, with ``ΔH`` the Fortna baseline's cumulative hazard over
the period (:func:`detente.simulate.durability.period_hazard`):

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

from detente.core import TRUST_DIMENSIONS
from detente.simulate.durability import period_hazard
from detente.simulate.model import SimModel
from detente.simulate.state import RunState
from detente.trust.behaviour import compliance_array

__all__ = [
    "faction_hazards",
    "signature_hazard_ratio",
    "signature_trust",
    "signature_trust_sums",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

NO_EVIDENCE_COMPLIANCE = 0.5 * 0.5**0.5
"""Military compliance of a pair without evidence (the covariate's reference, 0.354)."""


def signature_trust(s: RunState, rows: IntArray | None = None) -> FloatArray:
    """Trust at signature per run (N,): mean military compliance of the sides for each
    other, from the expected trust of this period (no-evidence value before any is set);
    ``rows``: of these runs only (the same numbers, run by run)."""
    trust = s.trust if rows is None else s.trust[rows]
    q = compliance_array(np.nan_to_num(trust, nan=0.5), "military")  # (N, 2)
    out: FloatArray = q.mean(axis=1)
    return out


def signature_hazard_ratio(
    m: SimModel, s: RunState, b: int, earlier: IntArray, rows: IntArray | None = None
) -> FloatArray:
    """Hazard ratio (N,) of an agreement on bundle ``b`` signed now, but the spoilers'
    factor; ``earlier`` = agreements on it the run already reached (all ended, or a new one
    would not be signed); ``rows``: for these runs only (``earlier`` theirs), each run's
    ratio its own (elementwise: the same numbers as for the whole block)."""
    dur = m.durability[b]
    failures = dur.base.prior_failures + earlier.astype(np.float64)
    return dur.rest_hazard_ratio(signature_trust(s, rows), np.asarray(failures))


def faction_hazards(m: SimModel, b: int, age: IntArray, deal_hr: FloatArray) -> FloatArray:
    """Per-run probability (N, F) that each spoiler faction brings the agreement on bundle
    ``b`` down in the period after ``age`` periods (module doc)."""
    share = m.durability[b].faction_share
    total = float(share.sum())
    if total <= 0.0:
        return np.zeros((age.shape[0], share.size))
    extra = (m.durability[b].spoiler_factor - 1.0) * share / total  # (F,)
    return period_hazard(age[:, None], m.period_years, deal_hr[:, None] * extra[None, :])


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
