"""Subjective-logic identities (references §1), cross-checked against PyPI subjective-logic."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from subjective_logic import BinomialOpinion

from detente.trust import Opinion, reading


def test_fusion_equals_evidence_addition_reference_example() -> None:
    # references §1: fuse(ev(3,1), ev(5,2)) == ev(8,3) = (b 0.615, d 0.231, u 0.154)
    fused = Opinion(3, 1).fuse(Opinion(5, 2))
    assert (fused.r, fused.s) == (8, 3)
    assert fused.b == pytest.approx(0.615, abs=5e-4)
    assert fused.d == pytest.approx(0.231, abs=5e-4)
    assert fused.u == pytest.approx(0.154, abs=5e-4)


def test_discounting_reference_example() -> None:
    # references §1 (Jøsang 2016 eq. 14.6): ev(4,0) (P = 0.833) applied to (0.7, 0.1, 0.2)
    trust = Opinion(4, 0)
    assert trust.expected == pytest.approx(0.833, abs=5e-4)
    derived = trust.discount(Opinion.from_bdu(0.7, 0.1, 0.2))
    assert derived.b == pytest.approx(0.583, abs=5e-4)
    assert derived.d == pytest.approx(0.083, abs=5e-4)
    assert derived.u == pytest.approx(0.333, abs=5e-4)


evidence = st.integers(min_value=0, max_value=200)
# the oracle rounds its components to 6 decimals and combines the rounded values: 1e-4 tolerance
rates = st.floats(min_value=0.05, max_value=0.95)


@given(evidence, evidence, evidence, evidence, rates)
def test_fusion_matches_oracle(r1: int, s1: int, r2: int, s2: int, a: float) -> None:
    ours = Opinion(r1, s1, a).fuse(Opinion(r2, s2, a))
    oracle = BinomialOpinion.from_evidence(r1, s1, a).cumulative_fusion(
        BinomialOpinion.from_evidence(r2, s2, a)
    )
    assert ours.b == pytest.approx(float(oracle.belief), abs=1e-4)
    assert ours.d == pytest.approx(float(oracle.disbelief), abs=1e-4)
    assert ours.u == pytest.approx(float(oracle.uncertainty), abs=1e-4)
    assert ours.a == pytest.approx(float(oracle.base_rate), abs=1e-4)


@given(evidence, evidence, evidence, evidence, rates)
def test_discounting_matches_oracle(r1: int, s1: int, r2: int, s2: int, a: float) -> None:
    ours = Opinion(r1, s1).discount(Opinion(r2, s2, a))
    oracle = BinomialOpinion.from_evidence(r1, s1).trust_discounting(
        BinomialOpinion.from_evidence(r2, s2, a)
    )
    assert ours.b == pytest.approx(float(oracle.belief), abs=1e-4)
    assert ours.d == pytest.approx(float(oracle.disbelief), abs=1e-4)
    assert ours.u == pytest.approx(float(oracle.uncertainty), abs=1e-4)
    assert ours.expected == pytest.approx(oracle.probability(), abs=1e-4)


@given(st.floats(0, 1e6), st.floats(0, 1e6), rates)
def test_opinion_is_a_valid_distribution(r: float, s: float, a: float) -> None:
    o = Opinion(r, s, a)
    for v in (o.b, o.d, o.u, o.expected):
        assert 0.0 <= v <= 1.0
    assert o.b + o.d + o.u == pytest.approx(1.0)


def test_unknown_and_known_cheat_share_expected_but_not_reading() -> None:
    unknown = Opinion(0, 0, a=0.2)
    cheat = Opinion(1, 4, a=0.2)
    assert unknown.expected == pytest.approx(0.2)
    assert cheat.expected == pytest.approx((1 + 0.4) / 7)
    assert unknown.reading() == "unknown"
    assert Opinion(0, 8).reading() == "distrusted"
    assert Opinion(8, 0).reading() == "trusted"
    assert reading(0.4, 0.4, 0.2) == "mixed"


def test_from_expected_round_trip_and_rejects_impossible() -> None:
    o = Opinion.from_expected(0.4, 0.5)
    assert o.expected == pytest.approx(0.4)
    assert o.u == pytest.approx(0.5)
    with pytest.raises(ValueError, match="impossible"):
        Opinion.from_expected(0.95, 0.2)
    with pytest.raises(ValueError, match="evidence"):
        Opinion(-1, 0)


def test_decay_keeps_bad_memories_longer() -> None:
    o = Opinion(4, 4).decayed(0.5, 0.8)
    assert (o.r, o.s) == (2.0, pytest.approx(3.2))
    assert o.expected < 0.5
