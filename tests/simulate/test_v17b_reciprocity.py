"""v17b: renewal reads what each side received under the deal (specific reciprocity, Keohane
1986). At a term's end a belligerent renews only if its received share of the parts owed to it
(the receivers' accounts at as_of; a part owed by the other belligerent counts as kept once
the agreement has run for a period) is at least 1 - g, g = 1/3 generous tit-for-tat's
generosity (Nowak & Sigmund 1992). No account: the acceptance rule alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from detente.scenario import Scenario, load_scenario
from detente.scenario.term import Account, DealPart, check_terms
from detente.simulate.engine import iter_periods
from detente.simulate.model import build_model
from detente.simulate.steps import expiry

ROOT = Path(__file__).resolve().parents[2]
UKRAINE_2022_11 = ROOT / "scenarios" / "ukraine-2022-11.yaml"


@pytest.fixture(scope="module")
def grain() -> Scenario:
    return load_scenario(UKRAINE_2022_11)


def _with_parts(sc: Scenario, parts: tuple[DealPart, ...], **term_update: object) -> Scenario:
    (a,) = sc.agreements_in_force
    assert a.term is not None
    term = a.term.model_copy(update={"parts": parts})
    a = a.model_copy(update={"term": term, **term_update})
    return sc.model_copy(update={"agreements_in_force": (a,)})


def _memorandum(sc: Scenario, verdict: str | None) -> Scenario:
    """The snapshot with Russia's account of the UN memorandum (dated as_of) set to
    ``verdict`` (None: no account, as shipped)."""
    (a,) = sc.agreements_in_force
    assert a.term is not None
    corridor, memo = a.term.parts
    accounts = () if verdict is None else (Account(date=sc.meta.as_of, verdict=verdict),)
    return _with_parts(sc, (corridor, memo.model_copy(update={"accounts": accounts})))


def _week0(sc: Scenario, runs: int = 24) -> tuple[np.ndarray, int]:
    """(the runs whose corridor was renewed in week 0: its term now ends in week 17, the
    number of runs with a lapse in week 0)."""
    m = build_model(sc)
    b = m.bundle_ids.index("black_sea")
    first = next(iter(iter_periods(m, runs, np.random.SeedSequence(5), 1)))
    assert first.term is not None
    renewed = first.term.end[:, b] == 17
    return renewed, int((first.events & expiry.LAPSE).astype(bool).sum())


def test_the_floor_is_generous_tit_for_tat_generosity() -> None:
    """g = min(1 - (T-R)/(R-S), (R-P)/(T-P)) for Axelrod's payoffs T, R, P, S = 5, 3, 1, 0
    (Nowak & Sigmund 1992) is 1/3; the floor is 1 - g."""
    t, r, p, s = 5.0, 3.0, 1.0, 0.0
    g = min(1.0 - (t - r) / (r - s), (r - p) / (t - p))
    assert g == pytest.approx(1.0 / 3.0)
    assert pytest.approx(1.0 - g) == expiry.RECIPROCITY_FLOOR


def test_the_shipped_snapshot_reads_ukraines_account_and_no_russian_one(grain: Scenario) -> None:
    """2022-11: Ukraine's account of Russia's part is `kept` (the UN JCC's October figure);
    facts.yaml dates no account of the memorandum before the snapshot, so Russia's renewal
    has no condition and the corridor is renewed in week 0 in every run."""
    m = build_model(grain)
    assert m.terms is not None
    assert m.terms.start_other[0].tolist() == [0.0, 1.0]
    assert m.terms.start_other_n[0].tolist() == [0, 1]
    assert m.terms.start_third_n[0].tolist() == [0, 0]
    renewed, lapses = _week0(grain)
    assert renewed.all() and lapses == 0


@pytest.mark.parametrize(
    ("verdict", "renewed"),
    [(None, True), ("kept", True), ("partly_kept", False), ("broken", False)],
)
def test_russias_account_of_the_memorandum_decides_week_0(
    grain: Scenario, verdict: str | None, renewed: bool
) -> None:
    """Received share 1 (kept) or none: renewed; 0.5 (partly kept) or 0 (broken), below 2/3:
    the corridor lapses in week 0 in every run, although Russia's utility of the written terms
    exceeds its value of ending it (the v16 margin, about 0.01)."""
    got, lapses = _week0(_memorandum(grain, verdict))
    assert bool(got.all()) is renewed
    assert bool(got.any()) is renewed
    assert lapses == (0 if renewed else got.size)


def test_the_others_part_counts_as_kept_once_the_deal_has_run(grain: Scenario) -> None:
    """A part owed by the other belligerent whose account at as_of is `broken` stops renewal
    at a term ending in week 0, but not at one ending later: the agreement survived the
    periods since as_of, so the other kept it (a defection would have ended it)."""
    (a,) = grain.agreements_in_force
    assert a.term is not None
    ua_part = DealPart(
        by="UA",
        to="RU",
        what="test part",
        accounts=(Account(date=grain.meta.as_of, verdict="broken"),),
    )
    broken_now = _with_parts(grain, (*a.term.parts, ua_part))
    got, lapses = _week0(broken_now)
    assert not got.any() and lapses == got.size
    later = _with_parts(grain, (*a.term.parts, ua_part), term_ends=dt.date(2022, 12, 14))
    m = build_model(later)
    b = m.bundle_ids.index("black_sea")
    assert m.terms is not None and m.terms.start_end.tolist() == [4]
    states = list(iter_periods(m, 16, np.random.SeedSequence(5), 5))
    s4 = states[4]
    held = states[3].phase[:, b] > 0
    assert held.any()
    rho = expiry.received_share(m, s4, b)
    assert np.all(rho[held & (s4.first[:, b] < 0), 0] == 1.0)
    assert not (s4.events[held] & expiry.LAPSE).any()


def test_received_share_is_nan_without_accounts_or_after_the_start_deal_ended(
    grain: Scenario,
) -> None:
    m = build_model(grain)
    b = m.bundle_ids.index("black_sea")
    s0 = next(iter(iter_periods(m, 8, np.random.SeedSequence(1), 1)))
    rho = expiry.received_share(m, s0, b)
    assert np.isnan(rho[:, 0]).all() and (rho[:, 1] == 1.0).all()
    other = m.bundle_ids.index("energy")
    assert np.isnan(expiry.received_share(m, s0, other)).all()


def test_located_errors(grain: Scenario) -> None:
    (a,) = grain.agreements_in_force
    assert a.term is not None
    late = Account(date=grain.meta.as_of + dt.timedelta(days=1), verdict="kept")
    bad = (
        DealPart(by="RU", to="XX", what="unknown receiver"),
        DealPart(by="UA", to="UA", what="owed to itself"),
        DealPart(by="RU", to="UA", what="look-ahead", accounts=(late,)),
        DealPart(
            by="RU",
            to="UA",
            what="out of order",
            accounts=(
                Account(date=dt.date(2022, 10, 1), verdict="kept"),
                Account(date=dt.date(2022, 9, 1), verdict="kept"),
            ),
        ),
    )
    found = dict(check_terms(_with_parts(grain, bad)))
    base = ("agreements_in_force", 0, "term", "parts")
    assert "unknown actor id 'XX'" in found[(*base, 0, "to")]
    assert "to itself" in found[(*base, 1, "by")]
    assert "is not between since" in found[(*base, 2, "accounts", 0, "date")]
    assert "oldest first" in found[(*base, 3, "accounts", 1, "date")]
    bundles = []
    for bd in grain.bundles:
        if bd.term is not None:
            part = DealPart(
                by="RU", to="UA", what="x", accounts=(Account(date=a.since, verdict="kept"),)
            )
            bd = bd.model_copy(update={"term": bd.term.model_copy(update={"parts": (part,)})})
        bundles.append(bd)
    found = dict(check_terms(grain.model_copy(update={"bundles": tuple(bundles)})))
    k = next(i for i, bd in enumerate(grain.bundles) if bd.term is not None)
    assert "signed in a run has no account" in found[("bundles", k, "term", "parts", 0, "accounts")]
