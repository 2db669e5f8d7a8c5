"""Trust → behaviour: compliance, guarantors, and the array-level functions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.errors import InputError
from detente.scenario import Scenario
from detente.trust import (
    COMPLIANCE_WEIGHTS,
    Opinion,
    compliance_matrix,
    compliance_probability,
    guaranteed_compliance,
)
from detente.trust.vectorised import apply_evidence, decay, expected, opinion_arrays

unit = st.floats(min_value=0.0, max_value=1.0)


def test_default_compliance_from_base_rates() -> None:
    neutral = dict.fromkeys(("capacity", "peaceful_intention", "integrity", "predictability"), 0.5)
    assert compliance_probability(neutral, "military") == pytest.approx(0.5 * 0.5**0.5)
    assert compliance_probability(neutral, "legal") == pytest.approx(0.5 * 0.5**0.25)
    for w in COMPLIANCE_WEIGHTS.values():
        assert sum(w[:3]) == pytest.approx(1.0)
    with pytest.raises(InputError, match="commitment kind"):
        compliance_probability(neutral, "nuclear")


@given(unit, unit, unit, unit, unit)
def test_compliance_is_monotone_in_every_dimension(
    cap: float, pi: float, integ: float, pred: float, bump: float
) -> None:
    p = np.array([cap, pi, integ, pred])
    for k in range(4):
        q = p.copy()
        q[k] = min(1.0, q[k] + bump)
        assert compliance_probability(q) >= compliance_probability(p) - 1e-12
    assert 0.0 <= compliance_probability(p) <= 1.0


@given(unit, unit, unit, unit)
def test_guarantor_operator(p_b: float, p_g: float, lev: float, bump: float) -> None:
    base = guaranteed_compliance(p_b, p_g, lev)
    assert p_b - 1e-12 <= base <= 1.0
    assert guaranteed_compliance(p_b, p_g, 0.0) == p_b
    assert guaranteed_compliance(min(1, p_b + bump), p_g, lev) >= base - 1e-12
    assert guaranteed_compliance(p_b, min(1, p_g + bump), lev) >= base - 1e-12
    assert guaranteed_compliance(p_b, p_g, min(1, lev + bump)) >= base - 1e-12


def test_guarantor_rejects_out_of_range() -> None:
    with pytest.raises(InputError, match="leverage"):
        guaranteed_compliance(0.5, 0.5, 1.5)


def test_compliance_matrix_covers_every_pair(kyiv: Scenario) -> None:
    m = compliance_matrix(kyiv)
    ids = [a.id for a in kyiv.actors]
    assert set(m) == {(a, b) for a in ids for b in ids if a != b}
    assert m[("UA", "US")] == pytest.approx(0.5 * 0.5**0.5)  # no prior, no evidence
    assert m[("UA", "RU")] < m[("UA", "US")]  # a distrusted party
    early = compliance_matrix(kyiv, as_of=kyiv.meta.as_of.replace(month=3, day=1))
    assert early[("UA", "RU")] != m[("UA", "RU")]


@given(st.lists(st.floats(0, 20), min_size=6, max_size=6), st.floats(0.0, 3.0))
def test_vectorised_matches_scalar_opinions(ev: list[float], w: float) -> None:
    r, s = np.array(ev[:3]), np.array(ev[3:])
    valence = np.array([1.0, -1.0, 0.0])
    r2, s2 = apply_evidence(r, s, valence, w, negativity=3.0, positivity=2.0)
    np.testing.assert_allclose(r2, r + np.array([2 * w, 0, 0]))
    np.testing.assert_allclose(s2, s + np.array([0, 3 * w, 0]))
    b, d, u = opinion_arrays(r2, s2)
    np.testing.assert_allclose(b + d + u, 1.0)
    for k in range(3):
        o = Opinion(float(r2[k]), float(s2[k]), 0.3)
        assert expected(r2, s2, 0.3)[k] == pytest.approx(o.expected)
        assert b[k] == pytest.approx(o.b)


def test_vectorised_decay_and_errors() -> None:
    r, s = decay(np.array([4.0]), np.array([4.0]), 100.0, 100.0, np.inf)
    assert (r[0], s[0]) == (2.0, 4.0)
    with pytest.raises(ValueError, match="weight"):
        apply_evidence(np.zeros(2), np.zeros(2), np.ones(2), -1.0)
