"""v16: fixed-term agreements in the engine. At a term's end an agreement is renewed when every
veto party accepts keeping it (the talks' acceptance rule against its value of ending it) or
it lapses: it ends without a violation (trust reads nothing), is not a breakdown (a censoring
in the Kaplan-Meier record) and is not an earlier failure when the bundle is signed anew.
Where every run renews, the runs are those of the scenario without a term."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from detente.scenario import Scenario, load_scenario
from detente.simulate import run_simulation
from detente.simulate.engine import iter_periods
from detente.simulate.model import build_model
from detente.simulate.state import replaced
from detente.simulate.steps import expiry
from detente.simulate.steps import implement as impl
from detente.simulate.terms import competing_incidence

ROOT = Path(__file__).resolve().parents[2]
UKRAINE_2022_11 = ROOT / "scenarios" / "ukraine-2022-11.yaml"
UKRAINE_2025_05 = ROOT / "scenarios" / "ukraine-2025-05.yaml"


@pytest.fixture(scope="module")
def grain() -> Scenario:
    return load_scenario(UKRAINE_2022_11)


@pytest.fixture(scope="module")
def energy() -> Scenario:
    return load_scenario(UKRAINE_2025_05)


def _in_force_renewal(sc: Scenario, renewal: str | None) -> Scenario:
    (a,) = sc.agreements_in_force
    if renewal is None:
        a = a.model_copy(update={"term": None, "term_ends": None})
    else:
        assert a.term is not None
        a = a.model_copy(update={"term": a.term.model_copy(update={"renewal": renewal})})
    return sc.model_copy(update={"agreements_in_force": (a,)})


def _bundle_renewal(sc: Scenario, bundle: str, renewal: str | None) -> Scenario:
    out = []
    for b in sc.bundles:
        if b.id == bundle:
            assert b.term is not None
            term = None if renewal is None else b.term.model_copy(update={"renewal": renewal})
            b = b.model_copy(update={"term": term})
        out.append(b)
    return sc.model_copy(update={"bundles": tuple(out)})


def _no_settlement_drafts(sc: Scenario) -> Scenario:
    """``sc`` with the US envoys drafting no settlement nor framework: since branch v21a they
    draft for the presidents' summit Russia refuses only to sign at, and a settlement signed
    supersedes the partial agreements (here the energy moratorium whose lapses are measured)."""
    drop = {"settlement", "framework"}
    tracks = tuple(
        t.model_copy(update={"bundles": tuple(b for b in t.bundles if b not in drop)})
        if t.id == "us_envoys"
        else t
        for t in sc.tracks
    )
    return sc.model_copy(update={"tracks": tracks})


def _record(summary: dict[str, Any], bundle: str) -> dict[str, Any]:
    return next(a for a in summary["agreements"] if a["bundle"] == bundle)


def test_the_grain_corridor_term_ends_in_week_0_and_is_renewed(grain: Scenario) -> None:
    """2022-07-22 + 120 days = 2022-11-19, three days after as_of: decided in week 0; both
    sides' utility of the corridor exceeds their value of ending it in every run."""
    m = build_model(grain)
    b = m.bundle_ids.index("black_sea")
    assert m.terms is not None and m.terms.start_end.tolist() == [0]
    assert m.terms.start_renew.tolist() == [17]  # 120 days of 7
    first = next(iter(iter_periods(m, 32, np.random.SeedSequence(2), 1)))
    assert first.term is not None
    assert (first.phase[:, b] > 0).all() and (first.term.end[:, b] == 17).all()
    assert not (first.events & expiry.LAPSE).any()


def test_renewal_changes_no_run(grain: Scenario) -> None:
    """No random number is drawn: with every run renewing, the runs are those without a term;
    only the record gains the term."""
    with_term = run_simulation(grain, 96, 4, 60)
    without = run_simulation(_in_force_renewal(grain, None), 96, 4, 60)
    assert with_term.fan() == without.fan()
    a, b = _record(with_term.summary(), "black_sea"), _record(without.summary(), "black_sea")
    start = a["in_force_at_start"]
    assert start["term_ends"] == "2022-11-19" and start["p_lapsed_1y"] == 0.0
    extra = {"term", "term_ends", "term_ends_period", "renewals", "p_lapsed_1y"}
    extra.add("received_at_start")  # v17b: each side's received share at as_of
    assert {k: v for k, v in start.items() if k not in extra} == b["in_force_at_start"]


def test_a_term_that_cannot_be_renewed_lapses_without_a_violation(grain: Scenario) -> None:
    m_none = build_model(_in_force_renewal(grain, "none"))
    m_renew = build_model(grain)
    b = m_none.bundle_ids.index("black_sea")
    seq = np.random.SeedSequence(9)
    states = list(iter_periods(m_none, 32, seq, 3))
    renewed = list(iter_periods(m_renew, 32, np.random.SeedSequence(9), 3))
    s0 = states[0]
    assert s0.term is not None
    assert (s0.events & expiry.LAPSE).all()  # every run: its term ended in week 0
    assert not s0.broke[:, b].any()
    assert (s0.term.start_lapsed[:, 0]).all() and (s0.start_end[:, 0] == 0).all()
    assert (s0.term.lapses[:, b] == 1).all()
    # trust reads no violation from a lapse: no negative evidence beyond the renewed runs'
    # (only the compliance the renewed agreement goes on showing is missing)
    for x, y in zip(states[:2], renewed[:2], strict=True):
        np.testing.assert_array_equal(x.ts, y.ts)
        assert (x.tr <= y.tr).all()
    summary = run_simulation(_in_force_renewal(grain, "none"), 64, 9, 60).summary()
    start = _record(summary, "black_sea")["in_force_at_start"]
    assert start["p_lapsed_1y"] == 1.0 == start["p_ended_1y"]
    assert start["p_in_force_at_horizon"] == 0.0


def test_renewal_follows_the_acceptance_rule() -> None:
    """A cease-fire's renewal compares each side's utility with its value of fighting on:
    renewed when that value is low, not when it is above every package."""
    m = build_model(load_scenario(UKRAINE_2025_05))
    b = m.bundle_ids.index("ceasefire")
    s = next(iter(iter_periods(m, 16, np.random.SeedSequence(1), 1)))
    terms = s.terms.copy()
    terms[:, b] = 0
    due = np.ones(16, dtype=bool)
    low = replaced(s, terms=terms, value=np.full((16, 2), -5.0))
    high = replaced(s, terms=terms, value=np.full((16, 2), 5.0))
    assert expiry.keeps_renewing(m, low, b, due).all()
    assert not expiry.keeps_renewing(m, high, b, due).any()
    assert not expiry.keeps_renewing(m, low, b, np.zeros(16, dtype=bool)).any()


def test_a_bundle_term_lapses_and_is_not_an_earlier_failure(
    energy: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The energy moratorium (30 days, 4 weeks) made not renewable: signed in week 2, it lapses
    in week 6 unless it broke first; signed anew, a lapse is not counted as a failure."""
    sc = _no_settlement_drafts(_bundle_renewal(energy, "energy", "none"))
    m = build_model(sc)
    b = m.bundle_ids.index("energy")
    assert m.terms is not None and int(m.terms.periods[b]) == 4
    earlier: list[int] = []
    real = impl.signature_log_ratios

    def spy(q: Any, bundle: Any, e: Any, *rest: Any) -> int:
        n = len(q)  # the signatures of this period: the buffers beyond them are scratch
        earlier.extend(int(x) for x, y in zip(e[:n], bundle[:n], strict=True) if int(y) == b)
        return real(q, bundle, e, *rest)

    monkeypatch.setattr(impl, "signature_log_ratios", spy)
    *_, last = iter_periods(m, 64, np.random.SeedSequence(3), 20)
    assert last.term is not None
    lapses = last.term.lapses[:, b]
    assert lapses.sum() >= 64  # every run's first moratorium at least
    assert len(earlier) > 64  # signed anew after it lapsed
    # an earlier agreement that lapsed is not a failure: only breakdowns count
    broke_any = int(last.agreements[:, b].sum() - lapses.sum() - (last.phase[:, b] > 0).sum())
    assert sum(earlier) <= broke_any
    summary = run_simulation(sc, 64, 3, 60).summary()
    rec = _record(summary, "energy")
    assert rec["term"]["days"] == 30 and rec["term"]["renewal"] == "none"
    assert rec["term"]["p_lapsed_1y"] > 0.8


def test_energy_renewed_by_consent_is_unchanged(energy: Scenario) -> None:
    with_term = run_simulation(energy, 64, 5, 40)
    without = run_simulation(_bundle_renewal(energy, "energy", None), 64, 5, 40)
    assert with_term.fan() == without.fan()
    rec = _record(with_term.summary(), "energy")
    assert rec["term"] == {
        "days": 30,
        "periods": 4,
        "renewal": "by_consent",
        "renewal_periods": 4,
        "p_lapsed_1y": None,  # a 40-week horizon does not observe a year
        "why_null": {
            "p_breakdown_1y": "the horizon (40 periods) is shorter than a year (52)",
            "p_lapsed_1y": "the horizon (40 periods) is shorter than a year (52)",
        },
    }
    assert "term" not in _record(without.summary(), "energy")


def test_lapse_incidence_is_a_competing_risk() -> None:
    # three agreements: one broke at age 1, one lapsed at age 1 (a censoring for the
    # breakdown's curve), one still in force at age 2
    event = np.array([0, 1, 0])
    censor = np.array([0, 1, 1])
    lapse = np.array([0, 1, 0])
    assert competing_incidence(event, censor, lapse, 2) == pytest.approx((1 / 3, 1 / 3))
    assert competing_incidence(event, censor, lapse, 0) == (0.0, 0.0)
    assert isinstance(
        competing_incidence(np.zeros(3, int), np.zeros(3, int), np.zeros(3, int), 2), str
    )
