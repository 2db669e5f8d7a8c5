"""The conformance suite every trust-update rule passes, plus each rule's own facts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.errors import InputError
from detente.trust import DIMENSIONS, RULES, BayesTypeRule, Opinion, UpdateRule, get_rule, step

evidence = st.floats(min_value=0.0, max_value=50.0)
strength = st.floats(min_value=0.01, max_value=3.0)
dims = st.sampled_from(DIMENSIONS)
rates = st.floats(min_value=0.1, max_value=0.9)


@pytest.mark.parametrize("rule", [RULES[k] for k in sorted(RULES)], ids=sorted(RULES))
class TestConformance:
    """Every registered rule must pass these."""

    def test_protocol(self, rule: UpdateRule) -> None:
        assert isinstance(rule, UpdateRule)
        assert get_rule(rule.name) is rule
        assert "additive" in rule.traits

    @given(r=evidence, s=evidence, a=rates, dim=dims, sign=st.sampled_from([-1, 1]), w=strength)
    def test_values_stay_valid(
        self, rule: UpdateRule, r: float, s: float, a: float, dim: str, sign: int, w: float
    ) -> None:
        o = step(rule, Opinion(r, s, a), dim, sign, w)
        for v in (o.b, o.d, o.u, o.expected):
            assert -1e-12 <= v <= 1 + 1e-12
        assert o.b + o.d + o.u == pytest.approx(1.0)

    @given(r=evidence, s=evidence, a=rates, dim=dims, w=strength)
    def test_good_never_lowers_and_bad_never_raises(
        self, rule: UpdateRule, r: float, s: float, a: float, dim: str, w: float
    ) -> None:
        o = Opinion(r, s, a)
        assert step(rule, o, dim, +1, w).expected >= o.expected - 1e-12
        assert step(rule, o, dim, -1, w).expected <= o.expected + 1e-12

    @given(r=evidence, s=evidence, a=rates, dim=dims, w1=strength, w2=strength)
    def test_more_positive_evidence_never_lowers_expected(
        self, rule: UpdateRule, r: float, s: float, a: float, dim: str, w1: float, w2: float
    ) -> None:
        lo, hi = sorted((w1, w2))
        o = Opinion(r, s, a)
        assert step(rule, o, dim, +1, hi).expected >= step(rule, o, dim, +1, lo).expected - 1e-12

    @given(r=evidence, s=evidence, dim=st.sampled_from(["peaceful_intention", "integrity"]),
           w=st.floats(min_value=0.01, max_value=1.0))  # fmt: skip
    def test_misdeeds_move_intention_and_integrity_more(
        self, rule: UpdateRule, r: float, s: float, dim: str, w: float
    ) -> None:
        # For acts up to one verified material act (w ≤ 1), from any state not already
        # settled as a cheat (expected ≥ 0.4; below it the evidence rule has little left to
        # lose), an equal-magnitude misdeed moves expected trust more than a good act.
        o = Opinion(r, s)
        if o.expected < 0.4:
            return
        up = step(rule, o, dim, +1, w).expected - o.expected
        down = o.expected - step(rule, o, dim, -1, w).expected
        assert down > up

    @given(r=evidence, s=evidence, w=strength)
    def test_shown_ability_moves_capacity_more(
        self, rule: UpdateRule, r: float, s: float, w: float
    ) -> None:
        # mirror of the misdeed test: from any state not already settled as capable
        o = Opinion(r, s)
        if o.expected > 0.5:
            return
        up = step(rule, o, "capacity", +1, w).expected - o.expected
        down = o.expected - step(rule, o, "capacity", -1, w).expected
        assert up > down

    @given(r=evidence, s=evidence, a=rates)
    def test_state_round_trip(self, rule: UpdateRule, r: float, s: float, a: float) -> None:
        x, y = rule.from_evidence(np.array(r), np.array(s), np.array(a), 2.0)
        r2, s2 = rule.to_evidence(x, y, np.array(a), 2.0)
        assert float(r2) == pytest.approx(r, abs=1e-6)
        assert float(s2) == pytest.approx(s, abs=1e-6)

    @given(r=evidence, s=evidence, a=rates, w=strength)
    def test_contact_reduces_uncertainty_not_expectation(
        self, rule: UpdateRule, r: float, s: float, a: float, w: float
    ) -> None:
        A = np.array(a)
        x, y = rule.from_evidence(np.array(r), np.array(s), A, 2.0)
        dx, dy = rule.contact(x, y, A, 2.0)
        r2, s2 = rule.to_evidence(x + w * dx, y + w * dy, A, 2.0)
        before, after = Opinion(r, s, a), Opinion(float(r2), float(s2), a)
        assert after.expected == pytest.approx(before.expected, abs=1e-9)
        assert after.u < before.u

    def test_increments_are_additive(self, rule: UpdateRule) -> None:
        sign = np.array([1.0, -1.0, -1.0, 1.0])
        one = rule.increments(sign, np.array([0.3, 0.5, 0.7, 0.2]))
        two = rule.increments(sign, np.array([0.6, 1.0, 1.4, 0.4]))
        np.testing.assert_allclose(two, 2 * one)

    def test_forgetting_returns_toward_base_rate_bad_slower(self, rule: UpdateRule) -> None:
        A = np.array(0.5)
        x, y = rule.from_evidence(np.array(6.0), np.array(0.0), A, 2.0)
        xg, yg = rule.decay(x, y, A, 0.5, 0.8)
        x, y = rule.from_evidence(np.array(0.0), np.array(6.0), A, 2.0)
        xb, yb = rule.decay(x, y, A, 0.5, 0.8)
        good = Opinion(*map(float, rule.to_evidence(xg, yg, A, 2.0)))
        bad = Opinion(*map(float, rule.to_evidence(xb, yb, A, 2.0)))
        assert 0.5 < good.expected < Opinion(6, 0).expected
        assert Opinion(0, 6).expected < bad.expected < 0.5
        # the misdeed's memory is more intact than the good deed's
        assert (0.5 - bad.expected) / (0.5 - Opinion(0, 6).expected) > (good.expected - 0.5) / (
            Opinion(6, 0).expected - 0.5
        )


@given(r=evidence, s=evidence, dim=st.sampled_from(["peaceful_intention", "integrity"]),
       w=strength)  # fmt: skip
def test_bayes_misdeeds_weigh_more_from_every_state(r: float, s: float, dim: str, w: float) -> None:
    # In log-odds (the Bayes rule's own scale) a misdeed outweighs an equal good act from
    # every state; in probability a tiny P has little left to lose, hence the log-odds.
    def logit(p: float) -> float:
        return float(np.log(p / (1 - p)))

    o = Opinion(r, s)
    rule = BayesTypeRule()
    up = logit(step(rule, o, dim, +1, w).expected) - logit(o.expected)
    down = logit(o.expected) - logit(step(rule, o, dim, -1, w).expected)
    assert down > up > 0


def test_bayes_type_rule_reproduces_reference_illustration() -> None:
    # references §1 (illustration after Reeder & Brewer 1979): P(good|T)=0.95,
    # P(good|U)=0.70, P(bad|T)=0.05, P(bad|U)=0.30; from 0.5: good → 0.576, misdeed → 0.143.
    rule = BayesTypeRule()
    for dim in ("peaceful_intention", "integrity"):
        assert step(rule, Opinion(), dim, +1).expected == pytest.approx(0.576, abs=5e-4)
        assert step(rule, Opinion(), dim, -1).expected == pytest.approx(0.143, abs=5e-4)
    np.testing.assert_allclose(rule.llr[:, 2], [0.3054, -1.7918], atol=1e-4)
    # capacity mirrors the asymmetry
    assert step(rule, Opinion(), "capacity", +1).expected == pytest.approx(1 - 0.143, abs=5e-4)


def test_unknown_rule_is_an_input_error() -> None:
    with pytest.raises(InputError, match="bayes, evidence"):
        get_rule("nope")


def _moves(r: float, s: float, w: float, dim: str = "integrity") -> tuple[float, float]:
    o = Opinion(r, s)
    rule = get_rule("evidence")
    up = step(rule, o, dim, +1, w).expected - o.expected
    down = o.expected - step(rule, o, dim, -1, w).expected
    return up, down


@given(r=evidence, s=evidence, w=st.floats(min_value=0.01, max_value=3.0),
       dim=st.sampled_from(["peaceful_intention", "integrity"]))  # fmt: skip
def test_evidence_rule_negativity_threshold_is_exact(
    r: float, s: float, w: float, dim: str
) -> None:
    # the misdeed moves P more exactly when P > (N + k·w)/((k + 1)·N + 2k·w), k = 3
    # (docs/explanation/trust-model.md); away from the boundary the sign must match
    n = r + s + 2.0
    bound = (n + 3 * w) / (4 * n + 6 * w)
    p = Opinion(r, s).expected
    up, down = _moves(r, s, w, dim)
    if p > bound + 1e-9:
        assert down > up
    elif p < bound - 1e-9:
        assert down < up
    assert bound <= 5 / 14 + 1e-12 or w > 1  # the documented worst case for w ≤ 1


def test_evidence_rule_misdeed_can_move_less_for_a_known_cheat() -> None:
    # a party already known to cheat (P ≈ 0.2 < 1/4): one more good act moves P more, in
    # probability and in log-odds; no fixed negativity avoids this (see the explanation page)
    up, down = _moves(0.0, 6.0, 0.5)
    assert up > down
    p = Opinion(0.0, 6.0).expected
    lo = np.log(p / (1 - p))
    up_lo = np.log((p + up) / (1 - p - up)) - lo
    down_lo = lo - np.log((p - down) / (1 - p + down))
    assert up_lo > down_lo


@given(r=evidence, s=evidence, w=strength)
def test_evidence_rule_log_odds_condition(r: float, s: float, w: float) -> None:
    # in log-odds of P the misdeed dominates exactly when 3·(r + a·W) > s + (1 − a)·W
    o = Opinion(r, s)
    up, down = _moves(r, s, w)
    p = o.expected
    lo = np.log(p / (1 - p))
    up_lo = np.log((p + up) / (1 - p - up)) - lo
    down_lo = lo - np.log((p - down) / (1 - p + down))
    margin = 3 * (r + 1.0) - (s + 1.0)
    if margin > 1e-6:
        assert down_lo > up_lo
    elif margin < -1e-6:
        assert down_lo < up_lo
