"""Four-dimension trust from a ledger of claims, commitments and verified observations.

Public contract (other packages build against these; see docs/explanation/trust-model.md):

``DIMENSIONS``
    ``("capacity", "peaceful_intention", "integrity", "predictability")`` — the order every
    array uses.
``Opinion(r=0, s=0, a=0.5, W=2)``
    Frozen evidence opinion with ``b``, ``d``, ``u``, ``expected`` properties, ``fuse`` (cumulative
    fusion = evidence addition), ``discount`` (Jøsang 2016 eq. 14.6), ``from_bdu``,
    ``from_expected``, ``decayed``, ``reading()`` (``unknown`` / ``distrusted`` / ``trusted`` /
    ``mixed``: "unknown" and "known to cheat" never look alike).
``replay(scenario, *, rule="evidence", truster=None, trustee=None, as_of=None) -> TrustHistory``
    ``.records()`` streams tidy rows ``date, truster, trustee, dimension, belief, disbelief,
    uncertainty, expected, reading, cause`` (cause = ledger entry id or ``prior``);
    ``.chunks()`` the same as column arrays; a dated prior (``TrustPrior.date``) replaces its
    pair's state at the end of its date (row cause ``prior``); ``.snapshot(date=None)`` one
    row per cell at the end date (or an earlier date);
    ``.explain(truster, trustee, dimension, top=10)`` the entries that moved it most with their
    contributions; ``.resolutions`` kept / partly_kept / broken / unverifiable with deciding
    observations; ``.opinions()`` and ``.final_state()`` for the end state.
``trust_state(scenario, as_of=None, *, rule="evidence") -> TrustState``
    The one trust state every engine reads: evidence ``r, s``, base rates ``a`` and
    ``expected`` arrays ``[truster, trustee, dimension]``, ``prior_only`` / ``ledger_only``
    readings, ``compliance(kind)``, ``records()`` (the simulation's ``trust_start``).
``compliance_matrix(scenario, *, as_of=None, kind="military") -> dict[tuple[str, str], float]``
    (truster, trustee) → P(trustee complies with a commitment of ``kind``) via
    :func:`compliance_probability`; pairs without prior or evidence get the base-rate default.
    ``guaranteed=True`` (default False) lets the guarantors named on the trustee's commitments
    of that kind stand behind it.
``compliance_with_guarantor(scenario, truster, trustee, guarantor, leverage=None, *, as_of,
kind, rule) -> float``
    One named guarantor; leverage defaults to :func:`guarantor_leverage` (the scenario's
    ``guarantee`` mechanism for it, else ``DEFAULT_LEVERAGE`` = 0.5).
``compliance_probability(expected_by_dimension, kind="military") -> float``
    The documented trust → behaviour function.
``guaranteed_compliance(p_trustee, p_guarantor, leverage) -> float``
    ``p_B + (1 − p_B)·p_G·L``: non-decreasing in each argument, = ``p_B`` when ``L = 0``.
``detente.trust.vectorised``
    Array functions over any broadcastable shape: ``apply_evidence(r, s, valence, weight,
    negativity=1, positivity=1)``, ``apply_acts``, ``act_increments``,
    ``observed_act_increments``, ``expected(r, s, a=0.5, W=2)``, ``opinion_arrays(r, s, W=2)``,
    ``decay(r, s, days, h+, h-)``.
``detente.trust.kernels``
    Compiled kernels (:mod:`detente.core.jit`): ``increment`` and ``expected_trust``, the one
    implementation of the evidence rule's increments and of expected trust, and
    ``apply_observed_acts`` (a period's observed acts over a block of simulated runs).
``UpdateRule``, ``RULES``, ``get_rule``, ``EvidenceRule``, ``BayesTypeRule``, ``step``
    The update-rule plugins (``evidence``, ``bayes``) and their protocol.
"""

from __future__ import annotations

from detente.trust.behaviour import (
    COMPLIANCE_WEIGHTS,
    DEFAULT_LEVERAGE,
    compliance_matrix,
    compliance_probability,
    compliance_with_guarantor,
    guaranteed_compliance,
    guarantor_leverage,
)
from detente.trust.opinion import Opinion, reading
from detente.trust.replay import RECORD_COLUMNS, ReplaySettings, TrustHistory, replay
from detente.trust.resolution import Resolution
from detente.trust.rules import (
    DIMENSIONS,
    RULES,
    BayesTypeRule,
    EvidenceRule,
    UpdateRule,
    get_rule,
    step,
)
from detente.trust.state import TrustState, trust_state

__all__ = [
    "COMPLIANCE_WEIGHTS",
    "DEFAULT_LEVERAGE",
    "DIMENSIONS",
    "RECORD_COLUMNS",
    "RULES",
    "BayesTypeRule",
    "EvidenceRule",
    "Opinion",
    "ReplaySettings",
    "Resolution",
    "TrustHistory",
    "TrustState",
    "UpdateRule",
    "compliance_matrix",
    "compliance_probability",
    "compliance_with_guarantor",
    "get_rule",
    "guaranteed_compliance",
    "guarantor_leverage",
    "reading",
    "replay",
    "step",
    "trust_state",
]
