"""A red line backed by a ratification requirement (branch v22a; Putnam 1988's win-set): a
public commitment naming a ``ratification`` lets the ``positions`` step cross the actor's line
past its level only for a package whose ratifiers' measured acceptance clears the majority
(``bargaining.redlines.ratified``, ``simulate.agenda.ratification_gate``); such a commitment
does not pull the lines (a procedure, not a point); the format's located errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from detente.bargaining.redlines import ratified
from detente.scenario import Scenario, load_scenario
from detente.scenario.schema import Acceptance, PublicCommitment
from detente.scenario.validate import check_references
from detente.simulate.engine import iter_periods
from detente.simulate.model import build_model
from detente.simulate.state import evolve
from detente.simulate.steps.positions import POSITIONS

from .helpers import make_scenario

ROOT = Path(__file__).resolve().parents[2]
# A's minimum on land (ideal 100) is crossed from 60 down to 40 by its one move set
RED = {("A", "land"): (60.0, 100.0), ("B", "land"): (0.0, 40.0)}


def _share(accept: float, reject: float | None, date: str = "2025-05-01") -> Acceptance:
    return Acceptance(
        date=dt.date.fromisoformat(date), accept=accept, reject=reject, note="poll", assumption="t"
    )


def _commit(
    level: float = 60.0,
    *shares: Acceptance,
    ratification: str | None = "referendum",
    majority: float | None = None,
) -> PublicCommitment:
    extra = {} if majority is None else {"majority": majority}
    return PublicCommitment(
        actor="A",
        issue="land",
        level=level,
        date=dt.date(2020, 1, 1),
        act="constitution: territory changed only by referendum",
        ratification=ratification,
        acceptance=shares,
        assumption="test",
        **extra,
    )


def _scenario(*commitments: PublicCommitment) -> Scenario:
    sc = make_scenario(strategies=("conceder", "conceder"), red_lines=RED)
    return sc.model_copy(update={"public_commitments": commitments})


def _crossings(sc: Scenario, n: int = 64, weeks: int = 30) -> np.ndarray:
    """Each run's period of the first crossing of move set 0 (-1: never), along the runs."""
    m = build_model(sc)
    last = None
    for last in iter_periods(m, n, np.random.SeedSequence(1), weeks):  # noqa: B007
        pass
    assert last is not None
    out: np.ndarray = last.moved_at[:, 0].copy()
    return out


def _forced(sc: Scenario, n: int = 16) -> np.ndarray:
    """Move set 0 after one positions step on a state where crossing is worth it (heavy costs
    paid, a round held, nothing crossed or in force)."""
    m = build_model(sc)
    s = next(iter_periods(m, n, np.random.SeedSequence(0), 1))
    fresh = evolve(
        s,
        cum_cost=s.cum_cost + 5.0,
        moved_at=np.full((n, len(m.agenda.move_sets)), -1, dtype=np.int64),
        regime=np.zeros(n, dtype=s.regime.dtype),
        phase=np.zeros_like(s.phase),
        rounds=np.ones_like(s.rounds),
    )
    out: np.ndarray = POSITIONS.apply(m, fresh, None).moved_at[:, 0]  # type: ignore[arg-type]
    return out


def test_ratified_is_putnams_win_set() -> None:
    # a maximum crossed to 95 past a level of 66 needs ratification; 0.16 of votes rejects it
    assert not ratified([95.0], [False], [66.0], [0.16])
    assert ratified([95.0], [False], [66.0], [0.6])  # a majority accepts
    assert not ratified([95.0], [False], [66.0], [0.6], [2.0 / 3.0])  # a two-thirds rule
    assert ratified([95.0], [False], [66.0], [np.nan])  # unknown share: the actor decides
    assert ratified([60.0], [False], [66.0], [0.0])  # not past the level: no ratification
    assert ratified([66.0], [False], [66.0], [0.0])  # at the level: none either
    assert ratified([95.0], [False], [np.nan], [0.0])  # no commitment on the issue
    assert not ratified([30.0], [True], [40.0], [0.1])  # a minimum crossed below the level
    assert ratified([50.0], [True], [40.0], [0.1])
    # a package is in the win-set only if every line that needs ratification passes
    assert not ratified([95.0, 75.0], [False, False], [66.0, 50.0], [0.6, 0.3])
    assert ratified([95.0, 75.0], [False, False], [66.0, np.nan], [0.6, 0.0])
    assert ratified(np.zeros(0), np.zeros(0, dtype=bool), np.zeros(0), np.zeros(0))


def test_acceptance_share_counts_those_with_a_view_and_the_latest_applies() -> None:
    c = _commit(
        60.0,
        _share(0.39, 0.50, "2025-03-04"),
        _share(0.15, 0.78, "2025-06-03"),
        _share(0.10, None, "2023-05-31"),
    )
    assert c.acceptance_share(dt.date(2023, 1, 1)) is None
    assert c.acceptance_share(dt.date(2024, 1, 1)) == pytest.approx(0.10)  # no reject: accept
    assert c.acceptance_share(dt.date(2025, 5, 26)) == pytest.approx(0.39 / 0.89)
    assert c.acceptance_share(dt.date(2025, 11, 22)) == pytest.approx(0.15 / 0.93)
    assert (
        _commit(60.0, _share(0.9, 0.1), ratification=None).acceptance_share(dt.date(2026, 1, 1))
        is None
    )


def test_a_line_backed_by_a_rejected_ratification_is_not_crossed_where_the_plain_line_is() -> None:
    plain = _scenario()
    assert build_model(plain).agenda.move_sets[0].ratified
    assert (_forced(plain) >= 0).all()
    assert (_crossings(plain) >= 0).any()
    backed = _scenario(_commit(60.0, _share(0.30, 0.60)))
    m = build_model(backed)
    assert not m.agenda.move_sets[0].ratified
    assert (_forced(backed) == -1).all()
    assert (_crossings(backed) == -1).all()
    # a two-thirds rule rejects a package a simple majority would carry
    strict = _scenario(_commit(60.0, _share(0.60, 0.35), majority=2.0 / 3.0))
    assert (_forced(strict) == -1).all()


def test_a_cleared_hurdle_crosses_as_the_plain_line_does() -> None:
    plain = _crossings(_scenario())
    for sc in (
        _scenario(_commit(60.0, _share(0.70, 0.20))),  # the ratifiers accept
        _scenario(_commit(60.0)),  # no share known: the actor's own evaluation stands in
        _scenario(_commit(30.0, _share(0.05, 0.90))),  # the package (40) stays short of 30
        _scenario(_commit(60.0, _share(0.10, 0.80, "2027-01-01"))),  # measured after as_of
    ):
        assert build_model(sc).agenda.move_sets[0].ratified
        assert np.array_equal(_crossings(sc), plain)


def test_a_ratification_commitment_does_not_pull_the_lines() -> None:
    point = _scenario(_commit(90.0, ratification=None))  # beyond A's minimum 60, ideal 100
    proc = _scenario(_commit(90.0))
    a, land = 0, build_model(point).issue_ids.index("land")
    assert build_model(point).agenda.commit_lo[a, land] == 90.0
    assert np.isnan(build_model(proc).agenda.commit_lo[a, land])


def test_bad_acceptance_gets_located_errors() -> None:
    sc = _scenario(
        _commit(60.0, _share(0.3, 0.6), ratification=None),  # no ratification named
        _commit(60.0, _share(0.3, 0.6, "2030-01-01"), _share(0.2, 0.7, "2030-01-01")),
    ).model_copy(update={})
    # the second commitment has the same actor, issue and date as the first: give it its own
    c0, c1 = sc.public_commitments
    c1 = c1.model_copy(update={"date": dt.date(2021, 1, 1)})
    bad_majority = _commit(60.0, ratification=None, majority=0.6).model_copy(
        update={"date": dt.date(2022, 1, 1)}
    )
    sc = sc.model_copy(update={"public_commitments": (c0, c1, bad_majority)})
    paths = {f.path for f in check_references(sc)}
    assert ("public_commitments", 0, "acceptance") in paths
    assert ("public_commitments", 1, "acceptance", 0, "date") in paths  # after as_of
    assert ("public_commitments", 1, "acceptance", 1, "date") in paths  # second of that date
    assert ("public_commitments", 2, "majority") in paths
    with pytest.raises(ValidationError, match="exceed 1"):
        _share(0.6, 0.5)
    with pytest.raises(ValidationError, match="nobody with a view"):
        _share(0.0, 0.0)
    with pytest.raises(ValidationError):
        _commit(60.0, majority=1.0)


def test_ukraines_settlement_crossing_needs_a_referendum_its_voters_reject() -> None:
    """The snapshots from 2025-05: Ukraine's settlement move set takes Donetsk and Crimea past
    the line of contact / non-recognition, which the Constitution puts to a referendum, and the
    facts' KIIS shares (sourced by the snapshot's date) are below one half; its framework and
    cease-fire move sets touch no territory. Before 2025 the snapshots hold no share."""
    for snap, gated in (("2022-11", False), ("2025-05", True), ("2026-06", True)):
        sc = load_scenario(ROOT / "scenarios" / f"ukraine-{snap}.yaml")
        m = build_model(sc)
        for ms in m.agenda.move_sets:
            bundle = m.agenda.bundles[ms.bundle].id
            assert ms.ratified == (not (gated and bundle == "settlement")), (snap, bundle)
        shares = [
            c.acceptance_share(sc.meta.as_of)
            for (actor, _), c in sc.current_commitments().items()
            if actor == "UA" and c.ratification is not None
        ]
        assert len(shares) == 4
        assert all((s is not None and s < 0.5) if gated else s is None for s in shares)
