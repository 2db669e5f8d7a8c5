"""The simulation starts from the one trust state (issue 14): ``trust_start`` equals the
``detente trust --snapshot`` reading at ``meta.as_of`` for every shipped scenario; explain
reports prior-only and ledger-only readings with each entry once; relations are checked."""

from __future__ import annotations

import functools
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from detente.api import replay_trust
from detente.cli.app import app
from detente.scenario import dump_scenario, parse_scenario
from detente.scenario import load_scenario as _load_scenario
from detente.scenario.load import ScenarioError
from detente.simulate import run_simulation
from detente.trust import DIMENSIONS, replay, trust_state
from detente.trust.rules import RULES
from detente.trust.vectorised import apply_acts, expected

load_scenario = functools.cache(_load_scenario)
ROOT = Path(__file__).parents[2]
SHIPPED = sorted(ROOT.joinpath("scenarios").glob("*.yaml"))
REFERENCE = [p for p in SHIPPED if p.name.startswith("ukraine-")]

Key = tuple[str, str, str]


def _by_cell(rows: list[dict[str, object]]) -> dict[Key, float]:
    return {
        (str(r["truster"]), str(r["trustee"]), str(r["dimension"])): float(str(r["expected"]))
        for r in rows
    }


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_trust_start_equals_the_trust_snapshot(path: Path) -> None:
    start = _by_cell(run_simulation(load_scenario(path), 4, 1, 2).summary()["trust_start"])
    snap = _by_cell(replay_trust(path, snapshot=True).records())
    assert start.keys() == snap.keys()
    for cell, value in snap.items():
        assert start[cell] == pytest.approx(value, abs=1e-9), cell


def test_trust_start_through_both_commands() -> None:
    """The done-when check through the CLI: ``simulate --format json`` and ``trust
    --snapshot --format json`` on the teaching scenario."""
    path = str(ROOT / "scenarios" / "teaching.yaml")
    runner = CliRunner()
    sim = runner.invoke(app, ["simulate", path, "--runs", "8", "--periods", "4", "--format",
                              "json"])  # fmt: skip
    snap = runner.invoke(app, ["trust", path, "--snapshot", "--format", "json"])
    assert sim.exit_code == 0 and snap.exit_code == 0, sim.output + snap.output
    start = _by_cell(json.loads(sim.stdout)["trust_start"])
    want = _by_cell(json.loads(snap.stdout))
    assert start.keys() == want.keys()
    assert all(abs(start[k] - v) <= 1e-9 for k, v in want.items())


def test_the_run_starts_from_the_replayed_belligerent_pairs() -> None:
    from detente.simulate.model import build_model

    scen = load_scenario(REFERENCE[-1])
    m = build_model(scen)
    st = trust_state(scen)
    assert scen.war is not None
    a, b = scen.war.belligerents
    for side, (x, y) in enumerate(((a, b), (b, a))):
        r, s, base = st.pair_arrays(x, y)
        assert (m.trust_r[side] == r).all() and (m.trust_s[side] == s).all()
        assert (m.trust_base[side] == base).all()


@pytest.mark.parametrize("path", REFERENCE, ids=lambda p: p.name)
def test_explain_reads_prior_and_ledger_separately_and_counts_each_entry_once(
    path: Path,
) -> None:
    """Every reference snapshot, every belligerent pair and dimension: the prior-only and
    ledger-only readings are reported (and equal the trust state's), each ledger entry
    contributes at most once (a commitment once as made and once as resolved), and prior +
    contributions = final."""
    scen = load_scenario(path)
    st = trust_state(scen)
    hist = replay(scen)
    assert scen.war is not None
    a, b = scen.war.belligerents
    for x, y in ((a, b), (b, a)):
        for k, dim in enumerate(DIMENSIONS):
            rows = hist.explain(x, y, dim, top=10_000)
            if not rows:
                continue
            # an entry contributes once as itself; a commitment may contribute once more when
            # it resolves (kept / broken: the deciding observations' verdict, a separate act)
            causes = Counter((r["cause"], str(r["note"]).startswith("resolved")) for r in rows)
            assert max(causes.values()) == 1, causes.most_common(1)
            i, j = st.index(x), st.index(y)
            assert rows[0]["prior_only"] == pytest.approx(float(st.prior_only[i, j, k]), abs=1e-12)
            assert rows[0]["ledger_only"] == pytest.approx(
                float(st.ledger_only[i, j, k]), abs=1e-12
            )
            total = rows[0]["prior"] + sum(r["contribution"] for r in rows)
            assert total == pytest.approx(rows[0]["final"], abs=1e-9)
            assert rows[0]["final"] == pytest.approx(float(st.expected[i, j, k]), abs=1e-9)


@pytest.mark.parametrize(
    ("field", "extra"),
    [
        ("relations", {"relations": [{"a": "NOR", "b": "XXX", "kind": "ally",
                                      "assumption": "t"}]}),
        ("relations", {"relations": [{"a": "NOR", "b": "NOR", "kind": "enemy",
                                      "assumption": "t"}]}),
        ("perceptions", {"perceptions": [{"observer": "ZZZ", "entry": "C1",
                                          "assumption": "t"}]}),
        ("perceptions", {"perceptions": [{"observer": "NOR", "entry": "nope",
                                          "assumption": "t"}]}),
    ],
)  # fmt: skip
def test_relations_and_perceptions_are_located_errors(field: str, extra: dict[str, object]) -> None:
    doc = json.loads(dump_scenario(load_scenario(SHIPPED[0]), fmt="json")) | extra
    with pytest.raises(ScenarioError) as err:
        parse_scenario(json.dumps(doc), name="t.json")
    assert f"{field}[0]" in str(err.value) or f"{field}.0" in str(err.value), str(err.value)


# -- trust moves during runs, with the replay's rule ------------------------------------------
signs = st.lists(st.sampled_from([-1.0, 0.0, 1.0]), min_size=4, max_size=4)
strengths = st.lists(st.floats(0.0, 5.0, allow_nan=False), min_size=4, max_size=4)


@settings(derandomize=True, max_examples=100, deadline=None)
@given(signs, strengths)
def test_the_simulation_and_the_replay_share_one_update_formula(
    sign: list[float], strength: list[float]
) -> None:
    """``apply_acts`` (the simulation's update, vectorised over runs) adds exactly the
    evidence rule's increments (the replay's), for every run of a batch."""
    rule = RULES["evidence"]
    inc = rule.increments(np.array(sign), np.array(strength))
    rel = np.array(sign) * np.array(strength)
    weight = np.array([0.0, 1.0, 2.5])
    r, s = apply_acts(np.zeros((3, 4)), np.zeros((3, 4)), rel, weight)
    for k, w in enumerate(weight):
        np.testing.assert_allclose(r[k], w * inc[0], atol=1e-12)
        np.testing.assert_allclose(s[k], w * inc[1], atol=1e-12)


def _runs(strategies: tuple[str, str], periods: int, **sim: Any) -> Any:
    from tests.simulate.helpers import make_scenario

    from detente.simulate.engine import iter_periods
    from detente.simulate.model import build_model

    m = build_model(make_scenario(strategies=strategies, simulation=sim or None))
    states = list(iter_periods(m, 300, np.random.SeedSequence(11), periods))
    return m, states


def test_detected_bad_faith_rearmament_lowers_integrity_and_intention() -> None:
    """A peace offensive signs pauses it does not mean and rearms under them: the other side
    sees it (event ``bad_faith_detected``) and its trust in integrity and peaceful intention
    falls below where a good-faith partner's stands."""
    from detente.simulate.events import flag
    from detente.simulate.steps.learn import INTEG, INTENT

    m, bad = _runs(("good_faith", "peace_offensive"), 40, detection=0.9)
    _, good = _runs(("good_faith", "good_faith"), 40, detection=0.9)
    seen = np.any([(s.events & flag("bad_faith_detected")) != 0 for s in bad], axis=0)
    assert seen.any()
    for dim in (INTEG, INTENT):
        bad_t = expected(bad[-1].tr[:, 0, dim], bad[-1].ts[:, 0, dim], m.trust_base[0, dim])
        good_t = expected(good[-1].tr[:, 0, dim], good[-1].ts[:, 0, dim], m.trust_base[0, dim])
        assert bad_t[seen].mean() < good_t.mean()


def test_kept_agreements_raise_trust_during_the_run() -> None:
    """Good faith on both sides: observed periods of compliance raise each side's expected
    integrity and predictability above the starting trust in most runs (the run's trust
    moves; a chance breakdown, observed, lowers it in a few)."""
    from detente.simulate.steps.learn import INTEG, PRED

    m, states = _runs(("good_faith", "good_faith"), 30)
    last = states[-1]
    kept = last.verified[:, 0, 1] > 0
    assert kept.any()
    for dim in (INTEG, PRED):
        start = float(expected(m.trust_r[0, dim], m.trust_s[0, dim], m.trust_base[0, dim]))
        now = expected(last.tr[kept, 0, dim], last.ts[kept, 0, dim], m.trust_base[0, dim])
        assert np.median(now) > start + 0.1
