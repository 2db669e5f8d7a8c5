"""From trust to behaviour: the probability that a party complies with a commitment.

**Compliance** (what the bargaining and simulation engines use). Keeping a commitment needs
the *will* and the *ability*. With ``P_d`` the truster's expected trust in the trustee on
dimension ``d``::

    will     = w_int·P_integrity + w_pi·P_peaceful_intention + w_pred·P_predictability
    p_comply = will · P_capacity ** c

with kind-specific weights (:data:`COMPLIANCE_WEIGHTS`, the three will-weights sum to 1) and
``c`` the capacity exponent (how much keeping this kind of promise depends on the leader's
control over forces and spoilers: ½ for military, ¼ for the others). A pair without any prior
or evidence has all ``P_d`` = their base rate (0.5 by default), so ``p_comply`` = 0.5·√0.5
≈ 0.354 for military and 0.5·0.5^¼ ≈ 0.420 for the other kinds. These weights are assumptions
to calibrate (no published estimate exists); they encode that integrity is the dimension
about keeping one's word.

**Guarantors.** If B would defect (probability 1 − p_B), a guarantor G acts to enforce with
probability p_G (trust that G honours its guarantee) and succeeds with its leverage ``L``::

    p = p_B + (1 − p_B) · p_G · L

which is non-decreasing in each argument and equals p_B when L = 0. ``p_G`` is the truster's
compliance probability for G (same commitment kind: trust that G honours its word). ``L`` is
the leverage of the scenario's ``guarantee`` mechanism with that guarantor (the largest, if
several; :data:`DEFAULT_LEVERAGE` = 0.5 if none states one — an assumption to replace with a
sourced value). Several guarantors act independently:
``p = 1 − (1 − p_B)·Π_G (1 − p_G·L_G)``, the same as applying the formula once per guarantor in
any order. ``compliance_matrix(..., guaranteed=True)`` applies the guarantors named on the
trustee's commitments of that kind (dated on or before ``as_of``; the truster and trustee
themselves excluded); :func:`compliance_with_guarantor` gives one named guarantor.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from detente.errors import InputError
from detente.trust.rules import DIMENSIONS

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "COMPLIANCE_WEIGHTS",
    "DEFAULT_LEVERAGE",
    "compliance_array",
    "compliance_matrix",
    "compliance_probability",
    "compliance_with_guarantor",
    "guaranteed_compliance",
    "guarantor_leverage",
]


COMPLIANCE_WEIGHTS: dict[str, tuple[float, float, float, float]] = {
    # (w_integrity, w_peaceful_intention, w_predictability, capacity exponent)
    "military": (0.5, 0.3, 0.2, 0.5),
    "humanitarian": (0.6, 0.1, 0.3, 0.25),
    "political": (0.6, 0.2, 0.2, 0.25),
    "economic": (0.6, 0.1, 0.3, 0.25),
    "legal": (0.7, 0.1, 0.2, 0.25),
}
"""Commitment kind → (integrity, peaceful-intention, predictability weights; capacity exponent)."""


def compliance_array(expected: NDArray[np.float64], kind: str = "military") -> NDArray[np.float64]:
    """P(comply) for expected trust arrays ``(..., 4)`` (dimensions in :data:`DIMENSIONS`
    order): the one formula (module doc), vectorised over the leading axes (the simulation
    calls it per run)."""
    if kind not in COMPLIANCE_WEIGHTS:
        raise InputError(
            f"unknown commitment kind {kind!r}; expected one of: {', '.join(COMPLIANCE_WEIGHTS)}"
        )
    p = np.asarray(expected, dtype=np.float64)
    cap, pi, integ, pred = (p[..., k] for k in range(len(DIMENSIONS)))
    wi, wp, wr, c = COMPLIANCE_WEIGHTS[kind]
    will = wi * integ + wp * pi + wr * pred
    out: NDArray[np.float64] = np.clip(will * np.maximum(cap, 0.0) ** c, 0.0, 1.0)
    return out


def compliance_probability(
    expected: NDArray[np.float64] | dict[str, float], kind: str = "military"
) -> float:
    """P(the trustee complies with a commitment of ``kind``) from expected trust per
    dimension (a mapping dimension → P, or a length-4 array in :data:`DIMENSIONS` order)."""
    if isinstance(expected, dict):
        p = np.array([float(expected[d]) for d in DIMENSIONS])
    else:
        p = np.array([float(x) for x in expected])
    return float(compliance_array(p, kind))


def guaranteed_compliance(p_trustee: float, p_guarantor: float, leverage: float) -> float:
    """P(B complies) when guarantor G stands behind the deal: p_B + (1 − p_B)·p_G·L."""
    for name, v in (("p_trustee", p_trustee), ("p_guarantor", p_guarantor), ("leverage", leverage)):
        if not 0.0 <= v <= 1.0:
            raise InputError(f"{name} must lie in [0, 1], got {v}")
    return p_trustee + (1.0 - p_trustee) * p_guarantor * leverage


DEFAULT_LEVERAGE = 0.5
"""Leverage of a guarantor no ``guarantee`` mechanism gives one for (assumption)."""


def guarantor_leverage(scenario: Scenario, guarantor: str) -> float:
    """The leverage of ``guarantor``: the largest stated by the scenario's ``guarantee``
    mechanisms naming it, else :data:`DEFAULT_LEVERAGE`."""
    found = [
        float(m.leverage)
        for m in scenario.mechanisms
        if m.kind == "guarantee" and m.guarantor == guarantor and m.leverage is not None
    ]
    return max(found, default=DEFAULT_LEVERAGE)


def _check_kind(kind: str) -> None:
    if kind not in COMPLIANCE_WEIGHTS:
        raise InputError(
            f"unknown commitment kind {kind!r}; expected one of: {', '.join(COMPLIANCE_WEIGHTS)}"
        )


def _base_matrix(
    scenario: Scenario, as_of: dt.date | None, kind: str, rule: str
) -> tuple[tuple[str, ...], dict[tuple[str, str], float]]:
    from detente.trust.state import trust_state

    state = trust_state(scenario, as_of, rule=rule)
    return state.actors, state.compliance(kind)


def compliance_matrix(
    scenario: Scenario,
    *,
    as_of: dt.date | None = None,
    kind: str = "military",
    rule: str = "evidence",
    guaranteed: bool = False,
) -> dict[tuple[str, str], float]:
    """(truster, trustee) → P(trustee complies with a commitment of ``kind``), from the
    trust replayed up to ``as_of`` (default meta.as_of), for every ordered pair of actors.

    With ``guaranteed=True`` the guarantors named on the trustee's commitments of ``kind``
    (dated on or before ``as_of``) stand behind it, each with its :func:`guarantor_leverage`
    (see the module docstring)."""
    _check_kind(kind)
    actors, out = _base_matrix(scenario, as_of, kind, rule)
    if not guaranteed:
        return out
    from detente.scenario.schema import Commitment

    limit = as_of or scenario.meta.as_of
    backers: dict[str, set[str]] = {}
    for e in scenario.ledger:
        if isinstance(e, Commitment) and e.domain == kind and e.date <= limit:
            backers.setdefault(e.by, set()).update(g for g in e.guarantors if g in actors)
    guarded = dict(out)
    for (ter, tee), p in out.items():
        for g in sorted(backers.get(tee, ())):
            if g not in (ter, tee):
                p = guaranteed_compliance(p, out[(ter, g)], guarantor_leverage(scenario, g))
        guarded[(ter, tee)] = p
    return guarded


def compliance_with_guarantor(
    scenario: Scenario,
    truster: str,
    trustee: str,
    guarantor: str,
    leverage: float | None = None,
    *,
    as_of: dt.date | None = None,
    kind: str = "military",
    rule: str = "evidence",
) -> float:
    """P(``trustee`` complies), as ``truster`` sees it, with ``guarantor`` standing behind the
    commitment: :func:`guaranteed_compliance` of the truster's compliance probabilities for
    the trustee and for the guarantor, with ``leverage`` (default
    :func:`guarantor_leverage`)."""
    _check_kind(kind)
    ids = [a.id for a in scenario.actors]
    for label, who in (("truster", truster), ("trustee", trustee), ("guarantor", guarantor)):
        if who not in ids:
            raise InputError(f"unknown {label} {who!r}; expected one of: {', '.join(ids)}")
    if len({truster, trustee, guarantor}) < 3:
        raise InputError("truster, trustee and guarantor must be three different actors")
    _, out = _base_matrix(scenario, as_of, kind, rule)
    lev = guarantor_leverage(scenario, guarantor) if leverage is None else leverage
    return guaranteed_compliance(out[(truster, trustee)], out[(truster, guarantor)], lev)
