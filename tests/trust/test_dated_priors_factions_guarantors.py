"""Dated priors, condoned faction acts, guarantors named on commitments, lazy forgetting."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import numpy as np
import pytest

from detente.errors import InputError
from detente.scenario import Scenario
from detente.scenario.schema import Mechanism, TrustPrior
from detente.trust import (
    DEFAULT_LEVERAGE,
    compliance_matrix,
    compliance_with_guarantor,
    guaranteed_compliance,
    guarantor_leverage,
    replay,
)
from detente.trust.events import compile_scenario
from detente.trust.replay import ReplaySettings, TrustHistory
from detente.trust.rules import get_rule

from .conftest import make_scenario

VIOLATIONS = [
    {"kind": "event", "id": f"v{m}", "date": f"2023-0{m}-10", "type": "violation", "by": "A",
     "magnitude": 1.0, "verification": "independently_verified"}
    for m in range(1, 8)
]  # fmt: skip
replay_module = importlib.import_module("detente.trust.replay")
PRIOR = {"truster": "B", "trustee": "A", "integrity": {"positive": 8, "negative": 2}}


def _integrity(s: Scenario, truster: str = "B", **kw: Any) -> float:
    return float(replay(s, **kw).opinions()[(truster, "A", "integrity")].expected)


def _dated(date: str | None) -> Scenario:
    prior = dict(PRIOR) if date is None else {**PRIOR, "date": date}
    return make_scenario(VIOLATIONS, trust=[prior])


# -- dated priors ---------------------------------------------------------------------------
def test_dated_prior_replaces_the_pair_state_at_its_date() -> None:
    s = _dated("2023-04-15")
    rows = [
        (r["date"], r["cause"], r["expected"])
        for r in replay(s).records()
        if (r["truster"], r["trustee"], r["dimension"]) == ("B", "A", "integrity")
    ]
    prior_rows = [r for r in rows if r[1] == "prior"]
    assert [d for d, _, _ in prior_rows] == [dt.date(2023, 1, 10), dt.date(2023, 4, 15)]
    assert prior_rows[1][2] == pytest.approx(0.75)  # (8 + 0.5·2) / 12, not yet forgotten
    # before its date the pair starts from the base rate and learns from v1..v4
    assert prior_rows[0][2] == 0.5
    assert [c for d, c, _ in rows if d < dt.date(2023, 4, 15)][1:] == ["v1", "v2", "v3", "v4"]
    # v5..v7 apply on top of the prior; another truster is unaffected
    after = _integrity(s)
    assert 0.5 < after < 0.75
    assert _integrity(s, "C") == pytest.approx(_integrity(make_scenario(VIOLATIONS), "C"))


def test_entries_dated_on_or_before_a_dated_prior_are_not_counted_twice() -> None:
    day = dt.date(2023, 7, 10)
    late = _integrity(_dated("2023-07-10"), as_of=day)  # reflects every violation
    early = _integrity(_dated("2022-06-01"), as_of=day)  # predates them: they all count
    assert late == pytest.approx(0.75, abs=1e-15)  # no forgetting yet (same day)
    assert late > early
    # an undated prior is the view at as_of: every entry is already in it
    assert _integrity(_dated(None), as_of=day) == pytest.approx(late, abs=1e-15)


def test_dated_prior_not_yet_known_at_as_of_is_ignored() -> None:
    s = _dated("2023-09-01")
    none = make_scenario(VIOLATIONS)
    day = dt.date(2023, 8, 1)
    assert _integrity(s, as_of=day) == pytest.approx(_integrity(none, as_of=day))
    # at the end (2023-12-31) the prior is 121 days old: forgotten from its date only
    st = ReplaySettings()
    r, sb = 8 * 2 ** (-121 / st.half_life_good), 2 * 2 ** (-121 / st.half_life_bad)
    assert _integrity(s) == pytest.approx((r + 0.5 * 2) / (r + sb + 2))


def test_explanation_of_a_dated_prior_sums_to_the_final_value() -> None:
    hist = replay(_dated("2023-04-15"))
    rows = hist.explain("B", "A", "integrity", top=100)
    total = sum(r["contribution"] for r in rows)
    assert rows[0]["prior"] + total == pytest.approx(rows[0]["final"], abs=1e-12)
    reset = next(r for r in rows if r["cause"] == "prior")
    assert reset["date"] == dt.date(2023, 4, 15) and reset["contribution"] > 0


# -- condoned faction acts -------------------------------------------------------------------
FACTION_ACTORS = [
    {"id": "A", "name": "A", "kind": "state"},
    {"id": "B", "name": "B", "kind": "state"},
    {"id": "H", "name": "H", "kind": "faction", "parent": "A", "control": 0.3},
]


def _faction_act(condoned: bool | None) -> tuple[float, float]:
    act = {"kind": "event", "id": "x", "date": "2023-03-01", "type": "violation", "by": "H",
           "magnitude": 1.0, "verification": "monitor_verified"}  # fmt: skip
    if condoned is not None:
        act["condoned"] = condoned
    ops = replay(make_scenario([act], actors=FACTION_ACTORS)).opinions()
    return ops[("B", "A", "capacity")].s, ops[("B", "A", "peaceful_intention")].s


def test_condoned_act_is_evidence_on_intention_only() -> None:
    cap, intent = _faction_act(True)
    assert cap == 0.0 and intent > 0


def test_uncondoned_act_is_evidence_on_capacity_only() -> None:
    cap, intent = _faction_act(False)
    assert cap > 0 and intent == 0.0


def test_unknown_condoning_splits_by_control() -> None:
    cap, intent = _faction_act(None)
    cap_all, _ = _faction_act(False)
    _, int_all = _faction_act(True)
    assert cap == pytest.approx(0.7 * cap_all) and intent == pytest.approx(0.3 * int_all)


# -- guarantors ------------------------------------------------------------------------------
GUARANTOR_ACTORS = [
    {"id": "A", "name": "A", "kind": "state"},
    {"id": "B", "name": "B", "kind": "state"},
    {"id": "G", "name": "G", "kind": "guarantor"},
]


def _guaranteed_scenario(leverage: float | None) -> Scenario:
    ledger = [
        {"kind": "commitment", "id": "c", "date": "2023-02-01", "by": "A", "domain": "military",
         "guarantors": ["G"]},
        {"kind": "event", "id": "g", "date": "2023-03-01", "type": "gesture", "by": "G",
         "magnitude": 1.0, "cost": 0.8, "verification": "monitor_verified"},
    ]  # fmt: skip
    s = make_scenario(ledger, actors=GUARANTOR_ACTORS)
    if leverage is None:
        return s
    mech = Mechanism(id="gm", kind="guarantee", name="g", guarantor="G", leverage=leverage)
    return s.model_copy(update={"mechanisms": (mech,)})


def test_guarantor_leverage_from_mechanism_or_default() -> None:
    assert guarantor_leverage(_guaranteed_scenario(0.8), "G") == 0.8
    assert guarantor_leverage(_guaranteed_scenario(None), "G") == DEFAULT_LEVERAGE


def test_guaranteed_matrix_applies_named_guarantors() -> None:
    s = _guaranteed_scenario(0.8)
    plain = compliance_matrix(s)
    held = compliance_matrix(s, guaranteed=True)
    expect = guaranteed_compliance(plain[("B", "A")], plain[("B", "G")], 0.8)
    assert held[("B", "A")] == pytest.approx(expect)
    assert held[("B", "A")] > plain[("B", "A")]
    assert held[("A", "B")] == plain[("A", "B")]  # B named no guarantor
    assert held[("G", "A")] == plain[("G", "A")]  # a guarantor does not back itself
    # political commitments of A have no guarantor
    assert compliance_matrix(s, kind="political", guaranteed=True) == compliance_matrix(
        s, kind="political"
    )


def test_compliance_with_guarantor_rises_with_leverage() -> None:
    s = _guaranteed_scenario(0.8)
    plain = compliance_matrix(s)[("B", "A")]
    values = [compliance_with_guarantor(s, "B", "A", "G", lev) for lev in (0.0, 0.4, 0.8)]
    assert values[0] == pytest.approx(plain)
    assert values[0] < values[1] < values[2]
    assert compliance_with_guarantor(s, "B", "A", "G") == pytest.approx(values[2])
    with pytest.raises(InputError, match="three different"):
        compliance_with_guarantor(s, "B", "A", "A")
    with pytest.raises(InputError, match="unknown guarantor"):
        compliance_with_guarantor(s, "B", "A", "Z")


# -- lazy forgetting and blocks ---------------------------------------------------------------
@pytest.mark.parametrize("rule", ["evidence", "bayes"])
def test_lazy_forgetting_equals_one_decay_over_the_gap(rule: str) -> None:
    # one violation, then nothing about A for a year while B is touched every month: A's
    # column is forgotten in one step at the end, which must equal the rule's decay over the
    # whole gap (and so daily sweeping, since the rules' decay composes)
    other = [
        {"kind": "event", "id": f"b{m}", "date": f"2023-{m:02d}-15", "type": "gesture",
         "by": "B", "magnitude": 0.5, "cost": 0.5, "verification": "monitor_verified"}
        for m in range(2, 13)
    ]  # fmt: skip
    s = make_scenario([VIOLATIONS[0], *other])
    r1, s1, a = replay(s, rule=rule).final_state()
    r0, s0, _ = replay(s, rule=rule, as_of=dt.date(2023, 1, 10)).final_state()
    days = (dt.date(2023, 12, 31) - dt.date(2023, 1, 10)).days
    st, ru = ReplaySettings(), get_rule(rule)
    fp, fn = 2 ** (-days / st.half_life_good), 2 ** (-days / st.half_life_bad)
    x, y = ru.from_evidence(r0[0], s0[0], a[0], 2.0)  # trustee A's column
    re, se = ru.to_evidence(*ru.decay(x, y, a[0], fp, fn), a[0], 2.0)

    def expected(r: Any, s: Any) -> Any:
        return (r + 2.0 * a[0]) / (r + s + 2.0)

    # (the bayes state's evidence weight does not survive the round trip through r, s; its
    # expected trust does)
    np.testing.assert_allclose(expected(r1[0], s1[0]), expected(re, se), rtol=1e-9)
    if rule == "evidence":
        np.testing.assert_allclose(s1[0], se, rtol=1e-12)
    moved = expected(r0[0], s0[0]) != 0.5
    assert moved.any() and (expected(r1[0], s1[0])[moved] > expected(r0[0], s0[0])[moved]).all()


@pytest.mark.parametrize("rule", ["evidence", "bayes"])
@pytest.mark.parametrize("padded_sums", [True, False])
@pytest.mark.parametrize("with_dated_prior", [True, False])
def test_block_size_does_not_change_results(
    kyiv: Scenario,
    rule: str,
    padded_sums: bool,
    with_dated_prior: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not padded_sums:  # the fallback that sums a date's increments without the 0/1 matrix
        monkeypatch.setattr(replay_module, "ONEHOT_CELLS", 0)
    dated = TrustPrior.model_validate(
        {"truster": "UA", "trustee": "RU", "date": "2022-04-01",
         "integrity": {"positive": 1, "negative": 6}}
    )  # fmt: skip
    s = kyiv.model_copy(update={"trust": (*kyiv.trust, dated)}) if with_dated_prior else kyiv
    c = compile_scenario(s)
    assert bool(c.resets) == with_dated_prior
    out = []
    for rows in (1, 3, 4096):
        h = TrustHistory(c, get_rule(rule), ReplaySettings(chunk_rows=rows), None, None, s)
        out.append((h.final_state(), list(h.records())))
    for state, records in out[1:]:
        for x, y in zip(out[0][0], state, strict=True):
            np.testing.assert_allclose(x, y, rtol=0, atol=1e-12)
        assert [(r["date"], r["truster"], r["trustee"], r["dimension"], r["cause"])
                for r in records] == [(r["date"], r["truster"], r["trustee"],
                                       r["dimension"], r["cause"]) for r in out[0][1]]  # fmt: skip
