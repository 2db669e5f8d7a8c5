"""Red lines short of a public commitment in law are pulled toward it as the costs of fighting
mount (entrapment and audience costs: Iklé 1971; Brockner & Rubin 1985; Fearon 1994), the rule
of ``bargaining.redlines.committed_bounds`` / ``entrapment_share`` applied by the ``positions``
step (``steps.positions.red_lines``); ``Scenario.public_commitments`` in the format."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.bargaining.redlines import RIPENESS_HALF, committed_bounds, entrapment_share
from detente.scenario import Scenario
from detente.scenario.schema import PublicCommitment
from detente.scenario.validate import check_references
from detente.simulate.engine import iter_periods, simulate_block
from detente.simulate.model import build_model
from detente.simulate.state import evolve
from detente.simulate.steps.positions import red_lines

from .helpers import make_scenario

# compatible lines: no move set, so every change of a line is the positions step's
RED = {("A", "land"): (30.0, 100.0), ("B", "land"): (0.0, 70.0)}


def _commit(actor: str, issue: str, level: float, date: str = "2025-06-01") -> PublicCommitment:
    return PublicCommitment(
        actor=actor,
        issue=issue,
        level=level,
        date=dt.date.fromisoformat(date),
        act="annexation law",
        assumption="test",
    )


def _with(sc: Scenario, *commitments: PublicCommitment) -> Scenario:
    return sc.model_copy(update={"public_commitments": commitments})


def test_entrapment_share_is_the_relative_fall_of_the_ripeness_factor() -> None:
    def ripeness(w: float) -> float:
        return 1.0 / (1.0 + w / RIPENESS_HALF)

    for w0, dw in ((0.0, 0.0), (0.0, 0.5), (0.4, 0.3), (2.0, 1.0)):
        want = 1.0 - ripeness(w0 + dw) / ripeness(w0)
        assert np.isclose(entrapment_share(w0, dw), want)
    assert entrapment_share(0.5, 0.0) == 0.0  # nothing paid in the run: the stated line
    assert entrapment_share(0.0, np.nan) == 0.0
    # more paid: more binding; more already sunk at the start: each new cost binds less
    assert entrapment_share(0.2, 0.4) > entrapment_share(0.2, 0.2)
    assert entrapment_share(1.0, 0.3) < entrapment_share(0.2, 0.3)
    assert entrapment_share(0.0, 1e9) < 1.0


def test_committed_bounds_pull_short_lines_toward_the_commitment_only() -> None:
    lo = np.array([30.0, 30.0, 30.0, 0.0])
    hi = np.array([100.0, 60.0, 60.0, 100.0])
    t_lo = np.array([90.0, np.nan, 20.0, np.nan])  # beyond, none, already inside
    t_hi = np.array([np.nan, 10.0, 80.0, np.nan])
    new_lo, new_hi = committed_bounds(lo, hi, t_lo, t_hi, np.array(0.5))
    assert np.allclose(new_lo, [60.0, 30.0, 30.0, 0.0])
    assert np.allclose(new_hi, [100.0, 35.0, 60.0, 100.0])
    same_lo, same_hi = committed_bounds(lo, hi, t_lo, t_hi, np.array(0.0))
    assert np.array_equal(same_lo, lo) and np.array_equal(same_hi, hi)


@settings(max_examples=200, deadline=None)
@given(
    lo=st.floats(0, 100),
    width=st.floats(0, 100),
    target=st.floats(0, 100),
    share=st.floats(0, 1),
)
def test_committed_bounds_stay_between_the_stated_line_and_the_commitment(
    lo: float, width: float, target: float, share: float
) -> None:
    hi = min(lo + width, 100.0)
    t = np.array([target])
    new_lo, new_hi = committed_bounds(np.array([lo]), np.array([hi]), t, t, np.array(share))
    assert lo <= new_lo[0] <= max(lo, target) + 1e-9  # never looser, never past the target
    assert min(hi, target) - 1e-9 <= new_hi[0] <= hi


def test_the_model_targets_only_belligerents_stated_lines_short_of_a_commitment() -> None:
    sc = make_scenario(strategies=("conceder", "conceder"), red_lines=RED)
    m = build_model(
        _with(
            sc,
            _commit("A", "land", 90.0),  # beyond A's minimum 30 (ideal 100)
            _commit("B", "land", 80.0),  # looser than B's maximum 70: no pull
            _commit("A", "bloc", 100.0),  # A states no line on bloc: none is created
        )
    )
    a, b = m.actor_ids.index("A"), m.actor_ids.index("B")
    land, bloc = m.issue_ids.index("land"), m.issue_ids.index("bloc")
    assert m.agenda.commit_lo[a, land] == 90.0
    assert np.isnan(m.agenda.commit_hi[b, land]) and np.isnan(m.agenda.commit_lo[b, land])
    assert np.isnan(m.agenda.commit_lo[a, bloc])
    plain = build_model(sc)
    assert np.isnan(plain.agenda.commit_lo).all() and np.isnan(plain.agenda.commit_hi).all()


def test_costs_paid_in_the_run_pull_the_committed_line_and_no_other() -> None:
    sc = make_scenario(strategies=("conceder", "conceder"), red_lines=RED)
    m = build_model(_with(sc, _commit("A", "land", 90.0), _commit("B", "land", 10.0)))
    a, b, land = m.actor_ids.index("A"), m.actor_ids.index("B"), m.issue_ids.index("land")
    s = next(iter_periods(m, 5, np.random.SeedSequence(3), 1))
    paid = np.array([0.0, 0.1, 0.5, 1.0, 4.0])
    s = evolve(s, cum_cost=np.stack([paid, np.zeros(5)], axis=1), value=s.value0)
    lo, hi = red_lines(m, s)
    share = entrapment_share(m.agenda.paid0[a], paid)
    assert np.allclose(lo[:, a, land], 30.0 + 60.0 * share)
    assert np.allclose(hi[:, b, land], 70.0)  # B paid nothing: its line stays as stated
    assert np.allclose(hi[:, a, land], 100.0) and np.allclose(lo[:, b, land], 0.0)


def test_the_tighter_of_hardening_and_the_commitment_pull_is_reported() -> None:
    sc = make_scenario(strategies=("conceder", "conceder"), red_lines=RED)
    m = build_model(_with(sc, _commit("A", "land", 90.0)))
    a, land = m.actor_ids.index("A"), m.issue_ids.index("land")
    s = next(iter_periods(m, 2, np.random.SeedSequence(3), 1))
    cost = np.array([[1.0, 0.0], [0.0, 0.0]])  # run 0 paid a lot, run 1 nothing
    value = s.value0 + np.array([[0.01, 0.0], [0.2, 0.0]])  # run 1's value of fighting rose
    lo, _ = red_lines(m, evolve(s, cum_cost=cost, value=value))
    pulled = 30.0 + 60.0 * float(entrapment_share(m.agenda.paid0[a], 1.0))
    assert np.isclose(lo[0, a, land], max(pulled, 31.0))
    assert np.isclose(lo[1, a, land], 50.0)


def test_a_committed_line_tightens_over_a_run_deterministically() -> None:
    sc = make_scenario(strategies=("boulware", "boulware"), red_lines=RED)
    m = build_model(_with(sc, _commit("A", "land", 90.0)))
    o = simulate_block(m, 100, 52, np.random.default_rng(5))
    a_min = o.paths["redline.A.land.min"]
    assert float(np.median(a_min[-1])) > 30.0 + 2.5
    # never looser than the pull of the costs paid so far (hardening may add, then fall back)
    w0 = m.agenda.paid0[m.actor_ids.index("A")]
    floor = 30.0 + 60.0 * entrapment_share(w0, o.paths["cost.A"].astype(np.float64))
    assert (a_min >= floor - 1e-3).all()
    assert (a_min >= 30.0).all() and (a_min <= 90.0).all()
    again = simulate_block(m, 100, 52, np.random.default_rng(5))
    assert np.array_equal(again.paths["redline.A.land.min"], a_min)


def test_bad_public_commitments_get_located_errors() -> None:
    sc = make_scenario()
    bad = _with(
        sc,
        _commit("X", "land", 50.0),
        _commit("A", "lnd", 50.0),
        _commit("A", "land", 50.0, "2030-01-01"),
        _commit("B", "land", 20.0),
        _commit("B", "land", 10.0),
    )
    found = {(f.path, f.message) for f in check_references(bad)}
    paths = {p for p, _ in found}
    assert ("public_commitments", 0, "actor") in paths
    assert ("public_commitments", 1, "issue") in paths
    assert ("public_commitments", 2, "date") in paths
    assert ("public_commitments", 4) in paths  # second commitment of B on land, same date
    assert not any(p[:2] == ("public_commitments", 3) for p in paths)


def test_the_ukraine_snapshots_commit_russia_to_the_annexed_oblasts_from_november_2022() -> None:
    """The annexation law of 30 September 2022 (facts E0106) is in every snapshot after it,
    targeting Russia's territorial minima; the March 2022 snapshot states no commitment
    to a point (only Ukraine's Constitution, a ratification that pulls nothing: branch v22a)."""
    from pathlib import Path

    from detente.scenario import load_scenario

    root = Path(__file__).resolve().parents[2] / "scenarios"
    early = load_scenario(root / "ukraine-2022-03.yaml")
    assert not [c for c in early.public_commitments if c.ratification is None]
    assert np.isnan(build_model(early).agenda.commit_hi).all()
    m = build_model(load_scenario(root / "ukraine-2023-12.yaml"))
    ru = m.actor_ids.index("RU")
    for issue in ("donetsk", "luhansk", "zaporizhzhia_kherson"):
        assert m.agenda.commit_lo[ru, m.issue_ids.index(issue)] == 100.0
    assert np.isnan(m.agenda.commit_lo[ru, m.issue_ids.index("crimea")])
