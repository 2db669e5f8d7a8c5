"""A refusal to SIGN is not a refusal to NEGOTIATE (branch v21a; docs/explanation/tracks.md,
"Refusals to sign").

A refusal that closes only a summit that signs (``signature_only``) leaves the tracks that
draft for that summit open: their delegations negotiate, and when one agrees a text the refuser
weighs signing THAT text, its gain over its value of no agreement (``text_gain``) against the
price of one public commitment (``signing_price``: one whole-scale crossing at its salience-
weighted crossing base, ripening with the felt cost of fighting, halved for a new leader). If it
signs, the refusal is lifted and kept lifted (``RunState.lifted_at``) and the agreement enters
into force; if not, the text lapses (``signature_withheld``) and the drafting goes on.

The teaching scenario is given a presidents' summit that only signs and an envoys' track that
drafts the settlement for it; Norland refuses to meet Sudmark's leaders. Before v21a the
refusal closed the envoys' track too (its texts need the summit) and was priced on every issue
of the settlement.
"""

from __future__ import annotations

import json

import numpy as np

from detente.scenario import Scenario, parse_scenario
from detente.simulate import run_simulation
from detente.simulate.engine import iter_periods
from detente.simulate.events import flag
from detente.simulate.model import build_model
from detente.simulate.steps.tracks import (
    lifted,
    lifting_costs,
    signing_price,
    withheld_signatures,
)

from .test_tracks_invariance import teaching_data

RUNS = 96
PERIODS = 40
TRACKS = [
    {"id": "leaders", "name": "Presidents (sign only)", "signature_only": True,
     "participants": [{"actor": "NOR", "level": "leaders"}, {"actor": "SUD", "level": "leaders"}],
     "bundles": ["settlement"], "assumption": "test"},
    {"id": "envoys", "name": "Envoys", "endorsement": "leaders",
     "participants": [{"actor": "NOR", "level": "ministers"},
                      {"actor": "SUD", "level": "ministers"}],
     "bundles": ["settlement"], "assumption": "test"},
]  # fmt: skip
REFUSAL = {"id": "r", "by": "NOR", "refuses": "SUD", "reason": "legitimacy",
           "since": "2024-06-01", "assumption": "test"}  # fmt: skip


def _signing(
    crossing_cost: float | None = None, empty: int = 0, split: str | None = None
) -> Scenario:
    """The teaching scenario with the two tracks and Norland's refusal (above); ``crossing_cost``
    Norland's on every issue; ``empty`` issues nobody holds a position on; issue ``split`` cut
    into two identical halves sharing every party's salience on it."""
    data = teaching_data(empty, split)
    if crossing_cost is not None:
        for pos in data["positions"]:
            if pos["actor"] == "NOR":
                pos["crossing_cost"] = crossing_cost
    data["tracks"] = TRACKS
    data["refusals"] = [REFUSAL]
    return parse_scenario(json.dumps(data, default=str), name="teaching+signing.json")


def test_a_refusal_to_sign_is_recognised_and_leaves_the_envoys_drafting() -> None:
    m = build_model(_signing())
    tt = m.tracks
    assert tt is not None and tt.refusal_ids == ("r",)
    assert tt.signs is not None and tt.signs.tolist() == [True]
    assert tt.sign_bits == 1
    assert tt.sign_needs is not None and tt.sign_needs.tolist() == [0, 1]  # envoys need it
    assert tt.needs_sign is not None and tt.needs_sign[0, 0]  # the settlement needs it
    assert tt.opens is not None and not tt.opens.any()  # not lifted by the meeting rule
    assert not tt.settles[:, 0].any()  # statically nobody can settle it (analyze unchanged)
    assert tt.drafts0[1, 0] and not tt.drafts0[0, 0]  # the envoys draft, the summit does not
    s0 = next(iter(iter_periods(m, 8, np.random.SeedSequence(0), 1)))
    assert np.isinf(lifting_costs(m, s0)).all()  # no meeting price: it is weighed at signature
    assert (lifted(m, s0) == 0).all()


def test_the_refuser_signs_a_text_worth_more_than_the_price() -> None:
    """Envoys draft; in the period a run's envoys agree a text worth more to Norland than the
    signature's price, Norland signs: the refusal is lifted in that period and kept, the
    agreement enters into force through the envoys' track, and ``refusal_lifted`` marks it.
    Texts worth less lapse (``signature_withheld``) and are not in force."""
    m = build_model(_signing())
    prev = np.full(RUNS, -1)
    seen_lift = seen_withheld = False
    for t, s in enumerate(iter_periods(m, RUNS, np.random.SeedSequence(1), PERIODS)):
        at = s.lifted_at[:, 0]
        assert ((prev < 0) | (at == prev)).all()  # kept
        new = (at == t) & (prev < 0)
        first = s.first[:, 0]
        # an agreement in force only with the refusal lifted, never before the lift
        assert not ((first >= 0) & ((at < 0) | (first < at))).any()
        # a lift is a signature: the run signed its settlement in that very period
        assert (first[new] == t).all()
        lifted_now = (s.events & flag("refusal_lifted")) != 0
        assert np.array_equal(lifted_now, new)
        withheld = (s.events & flag("signature_withheld")) != 0
        assert not (withheld & (first == t)).any()
        seen_lift |= bool(new.any())
        seen_withheld |= bool(withheld.any())
        prev = at
    assert seen_lift
    doc = run_simulation(_signing(), runs=RUNS, seed=1, periods=PERIODS).summary()
    (rec,) = [a for a in doc["agreements"] if a["bundle"] == "settlement"]
    assert rec["p_agreement"] > 0.5
    assert rec["by_track"]["envoys"] == rec["p_agreement"]  # the envoys' text, signed


def test_the_refuser_does_not_sign_when_the_price_exceeds_the_gain() -> None:
    """With a prohibitive crossing base (10 per whole scale) no text is worth the signature:
    the envoys keep drafting (rounds held, texts agreed and withheld), nothing enters into
    force, the refusal holds."""
    m = build_model(_signing(10.0))
    withheld_any = False
    rounds = None
    for s in iter_periods(m, RUNS, np.random.SeedSequence(1), PERIODS):
        assert (s.lifted_at < 0).all()
        assert (s.phase == 0).all()
        withheld_any |= bool(((s.events & flag("signature_withheld")) != 0).any())
        rounds = s.rounds[:, 0]
    assert withheld_any
    assert rounds is not None and (rounds > 0).all()  # the drafting went on in every run
    doc = run_simulation(_signing(10.0), runs=RUNS, seed=1, periods=PERIODS).summary()
    assert doc["p_agreement"] == 0.0


def test_the_weighing_is_the_text_gain_against_the_price() -> None:
    """Period by period, a text agreed is withheld exactly when the refuser's gain from it does
    not exceed the signature's price (one refusal, one text a period)."""
    from detente.simulate.steps.tracks import text_gain

    m = build_model(_signing())
    checked = 0
    # the states just after the talk step (the steps before the signature step only)
    from detente.simulate.steps import PERIOD_STEPS

    names = [step.name for step in PERIOD_STEPS]
    cut = names.index("signature")
    for s in iter_periods(m, RUNS, np.random.SeedSequence(2), 24, steps=PERIOD_STEPS[:cut]):
        withheld, lifts = withheld_signatures(m, s)
        agreed = s.signed[:, 0] & (s.lifted_at[:, 0] < 0)
        if not agreed.any():
            continue
        better = text_gain(m, s, 0, 0) > signing_price(m, s, 0, 0)
        assert np.array_equal(withheld[:, 0], agreed & ~better)
        assert np.array_equal(lifts != 0, agreed & better)
        checked += int(agreed.sum())
    assert checked > 0


def test_the_signature_price_is_one_commitment() -> None:
    """The price does not depend on how the table is cut into issues: an issue nobody cares
    about, or an issue split into two halves sharing its salience, leaves it unchanged (the
    splitting condition: Weber, Eisenführ and von Winterfeldt 1988). The meeting rule's price
    (Σ over issues) fails this (tests/simulate/test_tracks_invariance.py)."""
    base = build_model(_signing())
    s0 = next(iter(iter_periods(base, 16, np.random.SeedSequence(4), 1)))
    p0 = signing_price(base, s0, 0, 0)
    assert np.all(p0 > 0.0)
    for variant in (_signing(empty=1), _signing(empty=2), _signing(split="valley")):
        m = build_model(variant)
        s = next(iter(iter_periods(m, 16, np.random.SeedSequence(4), 1)))
        np.testing.assert_allclose(signing_price(m, s, 0, 0), p0, rtol=1e-12)


def test_an_issue_nobody_cares_about_or_a_split_issue_changes_no_signature() -> None:
    """Run by run and period by period (common random numbers), the same runs sign in the same
    periods and reach the same agreements with an issue nobody cares about, or with an issue
    split into two halves sharing its salience: the properties the meeting rule fails
    (tests/simulate/test_tracks_invariance.py) hold for a refusal to sign."""
    m0 = build_model(_signing())
    for variant in (_signing(empty=1), _signing(split="valley")):
        m1 = build_model(variant)
        runs0 = iter_periods(m0, RUNS, np.random.SeedSequence(1), PERIODS)
        runs1 = iter_periods(m1, RUNS, np.random.SeedSequence(1), PERIODS)
        for s0, s1 in zip(runs0, runs1, strict=True):
            assert np.array_equal(s0.lifted_at, s1.lifted_at)
            assert np.array_equal(s0.first, s1.first)
