"""Ledger replay: trajectories, resolution, sources, factions, explanations."""

from __future__ import annotations

import datetime as dt
import random
from itertools import groupby
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import InputError
from detente.scenario import Scenario
from detente.trust import DIMENSIONS, RECORD_COLUMNS, replay
from detente.trust.events import accuracy, compile_scenario
from detente.trust.replay import ReplaySettings, TrustHistory

from .conftest import make_scenario


def _final(s: Scenario, ter: str, tee: str, dim: str, **kw: Any) -> Any:
    return replay(s, **kw).opinions()[(ter, tee, dim)]


def _value(s: Scenario, ter: str, tee: str, dim: str, as_of: str) -> float:
    return float(_final(s, ter, tee, dim, as_of=dt.date.fromisoformat(as_of)).expected)


def test_records_have_the_contract_columns_and_valid_values(kyiv: Scenario) -> None:
    rows = list(replay(kyiv).records())
    assert rows
    for r in rows:
        assert tuple(r) == RECORD_COLUMNS
        assert r["belief"] + r["disbelief"] + r["uncertainty"] == pytest.approx(1.0)
        assert 0 <= r["expected"] <= 1
        assert r["dimension"] in DIMENSIONS
        assert r["truster"] != r["trustee"]
    causes = {r["cause"] for r in rows}
    assert {"prior", "kyiv_claim", "corridor", "pow_swap1", "hardliner_strike"} <= causes
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)


def test_unknown_and_distrusted_stay_apart_in_output(kyiv: Scenario) -> None:
    snap = {(r["truster"], r["trustee"], r["dimension"]): r for r in replay(kyiv).snapshot()}
    unknown = snap[("UA", "US", "integrity")]
    cheat = snap[("UA", "RU", "peaceful_intention")]
    assert unknown["reading"] == "unknown" and unknown["uncertainty"] == 1.0
    assert cheat["reading"] == "distrusted" and cheat["disbelief"] >= 0.5


def test_broken_goodwill_claim_lowers_integrity(kyiv: Scenario) -> None:
    before = _value(kyiv, "UA", "RU", "integrity", "2022-03-28")
    after = _value(kyiv, "UA", "RU", "integrity", "2022-04-06")
    assert after < before
    res = {r.entry_id: r for r in replay(kyiv).resolutions}
    assert res["kyiv_claim"].outcome == "broken"
    assert res["kyiv_claim"].deciding[0].entry_id == "shelling_obs"
    assert res["corridor"].outcome == "kept"


def test_claim_alone_is_cheap_talk() -> None:
    claim = {"kind": "claim", "id": "c", "date": "2023-01-02", "by": "A", "overture": True}
    gesture = {
        "kind": "event", "id": "g", "date": "2023-01-02", "type": "gesture", "by": "A",
        "magnitude": 0.5, "cost": 0.9, "verification": "independently_verified",
    }  # fmt: skip
    base = _final(make_scenario([]), "B", "A", "peaceful_intention").expected
    talk = _final(make_scenario([claim]), "B", "A", "peaceful_intention").expected
    act = _final(make_scenario([gesture]), "B", "A", "peaceful_intention").expected
    assert 0 < talk - base < 0.02
    assert act - base > 10 * (talk - base)


def test_gestures_count_by_their_cost() -> None:
    def gesture(cost: float) -> dict[str, Any]:
        return {"kind": "event", "id": "g", "date": "2023-01-02", "type": "gesture",
                "by": "A", "cost": cost}  # fmt: skip

    vals = [
        _final(make_scenario([gesture(c)]), "B", "A", "peaceful_intention").expected
        for c in (0.0, 0.3, 0.9)
    ]
    assert vals[0] < vals[1] < vals[2]


def test_summits_reduce_uncertainty_among_participants_only() -> None:
    summit = {"kind": "event", "id": "s", "date": "2023-01-02", "type": "summit",
              "actors": ["A", "B"], "magnitude": 1.0}  # fmt: skip
    ops = replay(make_scenario([summit])).opinions()
    assert ops[("B", "A", "predictability")].u < 1.0
    assert ops[("A", "B", "predictability")].u < 1.0
    assert ops[("C", "A", "predictability")].u == 1.0


def test_misdeed_outweighs_equal_good_act_for_integrity() -> None:
    def ev(kind: str) -> dict[str, Any]:
        return {"kind": "observation", "id": "o", "date": "2023-01-02", "observer": "mon",
                "about": "A", "verification": "monitor_verified", "assessment": kind}  # fmt: skip

    good = _final(make_scenario([ev("kept")]), "B", "A", "integrity").expected - 0.5
    bad = 0.5 - _final(make_scenario([ev("broken")]), "B", "A", "integrity").expected
    assert bad > good > 0


def test_self_reports_are_discounted_by_integrity() -> None:
    obs = {"kind": "observation", "id": "o", "date": "2023-01-02", "observer": "A",
           "about": "A", "verification": "monitor_verified", "assessment": "kept"}  # fmt: skip
    low = [{"truster": "B", "trustee": "A", "date": "2023-01-01",
            "integrity": {"positive": 0, "negative": 8},
            "assumption": "t"}]  # fmt: skip
    high = [{"truster": "B", "trustee": "A", "date": "2023-01-01",
             "integrity": {"positive": 8, "negative": 0},
             "assumption": "t"}]  # fmt: skip
    moved_low = _final(make_scenario([obs], low), "B", "A", "predictability").r
    moved_high = _final(make_scenario([obs], high), "B", "A", "predictability").r
    assert 0 < moved_low < moved_high


def _claims_that_fail(n: int) -> list[dict[str, Any]]:
    """A source (`spin`) reporting n times that A kept promises the monitor saw broken."""
    out: list[dict[str, Any]] = []
    for k in range(n):
        day = dt.date(2023, 1, 1) + dt.timedelta(days=10 * k)
        out += [
            {"kind": "commitment", "id": f"c{k}", "date": day.isoformat(), "by": "A",
             "deadline": (day + dt.timedelta(days=5)).isoformat()},
            {"kind": "observation", "id": f"spin{k}", "date": str(day + dt.timedelta(days=2)),
             "observer": "spin", "about": "A", "verification": "single_source",
             "assessment": "kept", "refers_to": [f"c{k}"], "sources": ["med"]},
            {"kind": "observation", "id": f"mon{k}", "date": str(day + dt.timedelta(days=5)),
             "observer": "mon", "about": "A", "verification": "monitor_verified",
             "assessment": "broken", "refers_to": [f"c{k}"], "sources": ["hi"]},
        ]  # fmt: skip
    return out


def test_a_source_whose_claims_keep_failing_stops_moving_anything() -> None:
    sources = {"med": {"title": "m", "reliability": "medium"},
               "hi": {"title": "h", "reliability": "high"}}  # fmt: skip
    ledger = _claims_that_fail(8)
    late = {"kind": "observation", "id": "late", "date": "2023-06-01", "observer": "spin",
            "about": "A", "verification": "single_source", "assessment": "kept",
            "sources": ["med"]}  # fmt: skip
    fresh = make_scenario([late], sources=sources, as_of="2023-06-01")
    burnt = make_scenario([*ledger, late], sources=sources, as_of="2023-06-01")
    hist = replay(burnt, truster="B", trustee="A")
    rows = [r for r in hist.records() if r["cause"] == "late" and r["dimension"] == "integrity"]
    before = _value(burnt, "B", "A", "integrity", "2023-05-31")
    moved_burnt = rows[0]["expected"] - before
    moved_fresh = _final(fresh, "B", "A", "integrity").expected - 0.5
    assert moved_fresh > 0.05
    assert moved_burnt < 0.05 * moved_fresh
    outcomes = [r.outcome for r in hist.resolutions]
    assert set(outcomes[len(outcomes) // 2 :]) == {"broken"}  # once `spin` is discredited


def test_unverifiable_never_counts_as_kept() -> None:
    ledger = [
        {"kind": "commitment", "id": "c", "date": "2023-01-01", "by": "A",
         "deadline": "2023-01-10"},
        {"kind": "observation", "id": "o", "date": "2023-01-09", "observer": "A", "about": "A",
         "verification": "unverified", "assessment": "kept", "refers_to": ["c"]},
    ]  # fmt: skip
    hist = replay(make_scenario(ledger))
    (res,) = hist.resolutions
    assert res.outcome == "unverifiable"
    none = replay(make_scenario(ledger[:1])).resolutions
    assert [r.outcome for r in none] == ["unverifiable"]
    assert hist.opinions()[("B", "A", "integrity")].r == 0.0


def test_commitment_not_due_is_not_resolved() -> None:
    ledger = [
        {"kind": "commitment", "id": "c", "date": "2023-01-01", "by": "A",
         "deadline": "2023-03-01"},
    ]  # fmt: skip
    s = make_scenario(ledger)
    assert replay(s, as_of=dt.date(2023, 2, 1)).resolutions == []
    assert len(replay(s).resolutions) == 1


def test_claim_is_judged_at_its_deadline() -> None:
    ledger = [
        {"kind": "claim", "id": "c", "date": "2023-01-01", "by": "A", "overture": True,
         "deadline": "2023-02-01"},
        {"kind": "observation", "id": "o", "date": "2023-01-05", "observer": "mon", "about": "A",
         "verification": "monitor_verified", "assessment": "broken", "refers_to": ["c"]},
    ]  # fmt: skip
    s = make_scenario(ledger)
    assert replay(s, as_of=dt.date(2023, 1, 31)).resolutions == []
    (res,) = replay(s).resolutions
    assert (res.date, res.outcome) == (dt.date(2023, 2, 1), "broken")


def test_faction_violation_is_evidence_about_its_state(kyiv: Scenario) -> None:
    before = replay(kyiv, as_of=dt.date(2022, 5, 19)).opinions()
    after = replay(kyiv, as_of=dt.date(2022, 5, 20)).opinions()
    # control 0.3: 0.7 of the misdeed reads "could not restrain it" (capacity, negativity 1),
    # 0.3 "condoned it" (intention, negativity 3)
    d_cap = after[("UA", "RU", "capacity")].s - before[("UA", "RU", "capacity")].s
    d_int = (
        after[("UA", "RU", "peaceful_intention")].s - before[("UA", "RU", "peaceful_intention")].s
    )
    assert d_cap > 0 and d_int > 0
    assert d_cap / d_int == pytest.approx((0.7 * 1.0) / (0.3 * 3.0), rel=0.01)  # ~1 day decay
    assert after[("UA", "RU_HARD", "integrity")].d > 0


def test_explanation_sums_to_the_change(kyiv: Scenario) -> None:
    hist = replay(kyiv)
    rows = hist.explain("UA", "RU", "integrity", top=100)
    total = sum(r["contribution"] for r in rows)
    assert rows[0]["prior"] + total == pytest.approx(rows[0]["final"], abs=1e-12)
    assert rows[0]["final"] == pytest.approx(hist.opinions()[("UA", "RU", "integrity")].expected)
    sizes = [abs(r["contribution"]) for r in rows]
    assert sizes == sorted(sizes, reverse=True)
    kyiv_row = next(r for r in rows if r["cause"] == "kyiv_claim")
    assert kyiv_row["contribution"] < 0 and "shelling_obs" in kyiv_row["note"]
    assert len(hist.explain("UA", "RU", "integrity", top=2)) == 2


def test_snapshot_at_an_earlier_date_equals_replay_as_of(kyiv: Scenario) -> None:
    day = dt.date(2022, 4, 10)
    assert replay(kyiv).snapshot(day) == replay(kyiv, as_of=day).snapshot()
    with pytest.raises(InputError, match="ends on"):
        replay(kyiv, as_of=day).snapshot(dt.date(2022, 5, 1))


def test_filters_and_bad_input(kyiv: Scenario) -> None:
    rows = list(replay(kyiv, truster="UA", trustee="RU").records())
    assert {(r["truster"], r["trustee"]) for r in rows} == {("UA", "RU")}
    with pytest.raises(InputError, match="unknown truster 'XX'"):
        replay(kyiv, truster="XX")
    hist = replay(kyiv)
    with pytest.raises(InputError, match="dimension"):
        hist.explain("UA", "RU", "trust")
    with pytest.raises(InputError, match="differ"):
        hist.explain("UA", "UA", "integrity")


def test_forgetting_fades_good_faster_than_bad() -> None:
    good = [{"kind": "observation", "id": "o", "date": "2020-01-01", "observer": "mon",
             "about": "A", "verification": "monitor_verified", "assessment": "kept"}]  # fmt: skip
    bad = [{**good[0], "assessment": "broken"}]
    cfg = ReplaySettings(half_life_good=100, half_life_bad=300)
    g = replay(make_scenario(good, as_of="2020-04-10"), settings=cfg).opinions()
    b = replay(make_scenario(bad, as_of="2020-04-10"), settings=cfg).opinions()
    acc = accuracy(4.0, 2.0)  # an observer without a cited source: medium reliability
    assert g[("B", "A", "integrity")].r == pytest.approx(acc * 0.5, rel=1e-9)  # one half-life
    assert b[("B", "A", "integrity")].s == pytest.approx(acc * 3 * 2 ** (-100 / 300), rel=1e-9)


def _final_state(hist: TrustHistory) -> np.ndarray:
    r, s, _ = hist.final_state()
    return np.stack([r, s])


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_order_of_entries_on_one_date_does_not_matter(rnd: random.Random) -> None:
    kinds = ["violation", "gesture", "prisoner_exchange", "summit", "atrocity", "talks"]
    ledger: list[dict[str, Any]] = []
    for k in range(12):
        by, other = rnd.sample(["A", "B", "C"], 2)
        ledger.append(
            {"kind": "event", "id": f"e{k}", "date": f"2023-01-0{1 + k % 3}",
             "type": rnd.choice(kinds), "by": by, "actors": [by, other],
             "magnitude": round(rnd.random(), 2), "cost": round(rnd.random(), 2)}
        )  # fmt: skip
        ledger.append(
            {"kind": "claim", "id": f"c{k}", "date": f"2023-01-0{1 + k % 3}", "by": by,
             "overture": True}
        )  # fmt: skip
    s = make_scenario(ledger)
    base = replay(s, rule="bayes" if rnd.random() < 0.5 else "evidence")
    compiled = compile_scenario(s)
    shuffled: list[Any] = []
    for _, grp in groupby(compiled.impulses, key=lambda t: t[0]):
        items = list(grp)
        rnd.shuffle(items)
        shuffled += items
    compiled.impulses = shuffled
    other = TrustHistory(compiled, base.rule, base.settings, None, None)
    np.testing.assert_allclose(_final_state(other), _final_state(base), rtol=1e-9, atol=1e-12)
