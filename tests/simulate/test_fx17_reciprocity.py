"""fx17: the review's fixes to v17b's reciprocity at renewal (rev17 findings 2, 3, 4, 6).

A belligerent renews a fixed-term agreement in force at the start only if its received share
of the parts owed to it (the receivers' latest accounts at as_of, dated within [since,
as_of]; a part owed by the other belligerent counts as kept once the deal has run a period)
is at least 2/3 (Keohane 1986; Nowak & Sigmund 1992). These tests pin what rev17 found
untested: the exact 2/3 boundary, the mean over several parts, either side blocking, the
latest of several accounts, an account before ``since``, the start mask, the
``received_at_start`` values, a receiver that is not a belligerent, and the one share
function."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from detente.scenario import Scenario, load_scenario
from detente.scenario.term import Account, DealPart, check_terms
from detente.simulate import terms as sim_terms
from detente.simulate.engine import iter_periods
from detente.simulate.model import SimModel, build_model
from detente.simulate.state import RunState, replaced
from detente.simulate.steps import expiry

ROOT = Path(__file__).resolve().parents[2]
UKRAINE_2022_11 = ROOT / "scenarios" / "ukraine-2022-11.yaml"
PARTS = ("agreements_in_force", 0, "term", "parts")


@pytest.fixture(scope="module")
def grain() -> Scenario:
    return load_scenario(UKRAINE_2022_11)


def _with_parts(sc: Scenario, parts: tuple[DealPart, ...]) -> Scenario:
    (a,) = sc.agreements_in_force
    assert a.term is not None
    term = a.term.model_copy(update={"parts": parts})
    return sc.model_copy(update={"agreements_in_force": (a.model_copy(update={"term": term}),)})


def _acc(sc: Scenario, verdict: str, date: dt.date | None = None) -> Account:
    return Account(date=sc.meta.as_of if date is None else date, verdict=verdict)


def _owed_to_russia(sc: Scenario, *verdicts: str) -> Scenario:
    """The snapshot with the corridor (Russia's part, Ukraine's account `kept`) and one part
    owed by the UN to Russia per verdict, each with one account dated as_of."""
    (a,) = sc.agreements_in_force
    assert a.term is not None
    corridor = a.term.parts[0]
    un = tuple(
        DealPart(by="UN", to="RU", what=f"UN part {i}", accounts=(_acc(sc, v),))
        for i, v in enumerate(verdicts)
    )
    return _with_parts(sc, (corridor, *un))


def _week0(sc: Scenario, runs: int = 8) -> tuple[SimModel, RunState, np.ndarray]:
    """The model, the state after week 0 (the corridor's term ends there), and the runs
    whose corridor was renewed then (its term now ends in week 17)."""
    m = build_model(sc)
    b = m.bundle_ids.index("black_sea")
    s0 = next(iter(iter_periods(m, runs, np.random.SeedSequence(5), 1)))
    assert s0.term is not None
    return m, s0, s0.term.end[:, b] == 17


def _lapses(s: RunState) -> int:
    return int((s.events & expiry.LAPSE).astype(bool).sum())


def test_a_share_of_exactly_two_thirds_renews(grain: Scenario) -> None:
    """Finding 2: kept, kept, broken owed to Russia is a share of exactly 2/3, which the docs
    say renews (ρ ≥ 2/3). Before the fix the floor was 1 − 1/3 = 0.6666666666666667, above
    the float of 2/3, and the corridor lapsed in every run."""
    sc = _owed_to_russia(grain, "kept", "kept", "broken")
    m, s0, renewed = _week0(sc)
    assert renewed.all() and _lapses(s0) == 0
    assert m.terms is not None
    assert sim_terms.start_share(m.terms, 0, 0) == 2.0 / 3.0
    assert expiry.RECIPROCITY_FLOOR == 2.0 / 3.0


def test_the_share_is_the_mean_over_the_scored_parts(grain: Scenario) -> None:
    """Two scored parts owed to one side: kept and partly kept, a mean of 0.75, renews (the
    least of them, 0.5, would not); kept and broken, 0.5, lapses."""
    m, s0, renewed = _week0(_owed_to_russia(grain, "kept", "partly_kept"))
    assert m.terms is not None
    assert sim_terms.start_share(m.terms, 0, 0) == 0.75
    assert renewed.all() and _lapses(s0) == 0
    m, s0, renewed = _week0(_owed_to_russia(grain, "kept", "broken"))
    assert not renewed.any() and _lapses(s0) == renewed.size


def test_ukraines_share_blocks_too(grain: Scenario) -> None:
    """The rule reads both belligerents: Ukraine's account of the corridor `partly_kept`
    (its share 0.5; Russia's none scored) lets the corridor lapse in week 0 in every run."""
    (a,) = grain.agreements_in_force
    assert a.term is not None
    corridor, memo = a.term.parts
    partly = corridor.model_copy(update={"accounts": (_acc(grain, "partly_kept"),)})
    m, s0, renewed = _week0(_with_parts(grain, (partly, memo)))
    assert m.terms is not None and m.actor_ids[:2] == ("RU", "UA")
    assert sim_terms.start_share(m.terms, 0, 0) is None
    assert sim_terms.start_share(m.terms, 0, 1) == 0.5
    assert not renewed.any() and _lapses(s0) == renewed.size


@pytest.mark.parametrize(
    ("older", "latest", "renews"), [("kept", "broken", False), ("broken", "kept", True)]
)
def test_the_latest_account_is_read(grain: Scenario, older: str, latest: str, renews: bool) -> None:
    """Two accounts of the memorandum: the latest at as_of decides, not the oldest."""
    (a,) = grain.agreements_in_force
    assert a.term is not None
    corridor, memo = a.term.parts
    accounts = (_acc(grain, older, dt.date(2022, 9, 1)), _acc(grain, latest))
    sc = _with_parts(grain, (corridor, memo.model_copy(update={"accounts": accounts})))
    assert check_terms(sc) == []
    _, s0, renewed = _week0(sc)
    assert bool(renewed.all()) is renews and bool(renewed.any()) is renews
    assert _lapses(s0) == (0 if renews else renewed.size)


def test_an_account_before_since_is_refused(grain: Scenario) -> None:
    """An account dated before the agreement began (``since``) is a located error."""
    (a,) = grain.agreements_in_force
    assert a.term is not None
    corridor, memo = a.term.parts
    early = _acc(grain, "kept", a.since - dt.timedelta(days=1))
    found = dict(
        check_terms(_with_parts(grain, (corridor.model_copy(update={"accounts": (early,)}), memo)))
    )
    assert "is not between since" in found[(*PARTS, 0, "accounts", 0, "date")]
    on_since = _acc(grain, "kept", a.since)
    ok = _with_parts(grain, (corridor.model_copy(update={"accounts": (on_since,)}), memo))
    assert check_terms(ok) == []


def test_the_share_is_read_only_while_the_start_deal_is_followed(grain: Scenario) -> None:
    """Runs whose agreement on the bundle is no longer the one in force at the start (it
    ended, or one was signed anew in the run) have no condition (NaN), the others Ukraine's
    share 1."""
    m, s0, _ = _week0(grain)
    b = m.bundle_ids.index("black_sea")
    in_first, first = s0.in_first.copy(), s0.first.copy()
    in_first[0, b] = False  # ended
    first[1, b] = 3  # an agreement signed in the run
    s = replaced(s0, in_first=in_first, first=first)
    rho = expiry.received_share(m, s, b)
    assert np.isnan(rho[:2]).all()
    assert (rho[2:, 1] == 1.0).all() and np.isnan(rho[2:, 0]).all()


def test_received_at_start_values(grain: Scenario) -> None:
    """``received_at_start`` is keyed by belligerent: as shipped Russia none scored, Ukraine
    1.0; with Russia's account of the memorandum `partly_kept`, Russia 0.5."""
    m = build_model(grain)
    assert m.terms is not None
    rec = sim_terms.start_term_record(m.terms, 0, None, 8, m.actor_ids[:2])
    assert rec["received_at_start"] == {"RU": None, "UA": 1.0}
    sc = _owed_to_russia(grain, "partly_kept")
    m = build_model(sc)
    assert m.terms is not None
    rec = sim_terms.start_term_record(m.terms, 0, None, 8, m.actor_ids[:2])
    assert rec["received_at_start"] == {"RU": 0.5, "UA": 1.0}


def test_one_share_function(grain: Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding 4: the record and the renewal read the share from one function
    (:func:`detente.simulate.terms.share`)."""
    m, s0, _ = _week0(grain)
    b = m.bundle_ids.index("black_sea")
    assert m.terms is not None
    followed = s0.in_first[:, b] & (s0.first[:, b] < 0)
    assert followed.any()
    monkeypatch.setattr(sim_terms, "share", lambda *_: 0.25)
    rec = sim_terms.start_term_record(m.terms, 0, None, 8, m.actor_ids[:2])
    assert rec["received_at_start"] == {"RU": 0.25, "UA": 0.25}
    rho = expiry.received_share(m, s0, b)
    assert (rho[followed] == 0.25).all() and np.isnan(rho[~followed]).all()


def test_a_part_received_by_a_non_belligerent_is_refused(grain: Scenario) -> None:
    """Finding 3: a part owed to an actor that is not one of war.belligerents (here Turkey,
    the mediator) was accepted and silently ignored; it is a located error."""
    (a,) = grain.agreements_in_force
    assert a.term is not None
    assert "TR" in {x.id for x in grain.actors} and "TR" not in grain.war.belligerents  # type: ignore[union-attr]
    fees = DealPart(by="RU", to="TR", what="inspection fees", accounts=(_acc(grain, "broken"),))
    found = dict(check_terms(_with_parts(grain, (*a.term.parts, fees))))
    msg = found[(*PARTS, 2, "to")]
    assert "'TR' is not one of war.belligerents" in msg
    unknown = DealPart(by="RU", to="XX", what="unknown receiver")
    found = dict(check_terms(_with_parts(grain, (*a.term.parts, unknown))))
    assert "unknown actor id 'XX'" in found[(*PARTS, 2, "to")]
