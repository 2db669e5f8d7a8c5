"""Bueno de Mesquita's model (Scholz, Calbert & Smith 2011) on the 1994 emission-standards case.

Two readings are tested. ``bdm-scholz-code`` (``bdm_rounds``, all-pairs denominator, 8 rounds)
reproduces the public reimplementation's log and the published round medians (below). The
default ``bdm`` (per-pair probabilities as published, stop at a fixed point or cycle) is tested
for its properties at the end of this file.

Sources and what each check verifies:

- Data: ``fixtures/emission_standards_1994.csv`` (see ``fixtures/README.md``; transcribed from
  the public replication data of D. Masad, described there as the paper's sample data). We could
  not read the paper's own data table.
- Round 0: the weighted median 7.0 and capability × salience weighted mean 7.39 quoted in
  references §3 from the paper. Both are verified by hand from the data (mean = 500.3 / 67.7).
- Rounds 1–10: the means after each round printed in the log of the public reimplementation by
  J. McKibben-Sanders (``Example.log`` in github.com/dmasad/bdm-scholz-expected-utility-model,
  a port of github.com/jmckib/bdm-scholz-expected-utility-model, which D. Masad reports
  reproduces the paper after comparison with Scholz's original code). We match them to 1e-9,
  and the new positions that log prints for Belgium, Luxembourg and Ireland in every round.
- The round-by-round medians in references §3 (8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6; marked
  "check" there; we could not see the paper's table or figure to confirm them). Our medians
  for rounds 1–8 are 8.416, 9.611, 9.962, 9.962, 9.962, 7.472, 8.825, 9.671. Truncated to one
  decimal they agree with the quoted list in rounds 1 and 3–8 (tolerance: |ours - quoted| < 0.1),
  but round 2 is 9.61 here against 9.9 quoted. That discrepancy is asserted explicitly below
  so that it stays visible; it may be a transcription slip in the quoted list (9.6 vs 9.9) or
  a real difference we cannot resolve without the paper.
- Capitulation: we use ``e_ji < |e_ij|``; the public code writes ``e_ji < |e_ji|``, which never
  fires. Since our rounds reproduce that code's log exactly, the two conditions give the same
  result on this case.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.forecast.bdm import (
    BdmModel,
    BdmRound,
    BdmScholzCodeModel,
    bdm_rounds,
    bdm_run,
    normalise_saliences,
)
from detente.forecast.csvio import read_long_csv
from detente.forecast.synthetic import synthetic_issues

FIXTURE = Path(__file__).parent / "fixtures" / "emission_standards_1994.csv"

# Means after rounds 1..10, from the public reimplementation's log (see module docstring).
LOG_MEANS = [
    7.461314378277189,
    7.552500865855845,
    7.590144997451547,
    7.358130531334201,
    7.3491739896752115,
    7.414877545372958,
    7.510457183677219,
    7.5724470975503,
    7.324989065683666,
    7.242130958473938,
]
# New positions printed in that log: (round, actor, position).
LOG_MOVES = [
    (1, "Belgium", 8.415932315426764),
    (1, "Luxembourg", 7.0),
    (1, "Ireland", 4.0),
    (2, "Belgium", 9.610859134120188),
    (3, "Belgium", 9.961979590401311),
    (4, "Belgium", 4.800881140632622),
    (6, "Ireland", 5.524237694197356),
    (8, "Belgium", 9.671129769802048),
    (10, "Luxembourg", 4.144849062500606),
]
QUOTED_MEDIANS = [8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6]


@pytest.fixture(scope="module")
def history() -> list[BdmRound]:
    (issue,) = read_long_csv(FIXTURE)
    return bdm_rounds(issue.positions, issue.saliences, issue.capabilities, rounds=10)


def test_round_zero_median_and_mean(history: list[BdmRound]) -> None:
    assert history[0].median == pytest.approx(7.0, abs=1e-12)
    assert history[0].mean == pytest.approx(7.39, abs=0.005)
    assert history[0].mean == pytest.approx(500.3 / 67.7, rel=1e-12)


def test_round_means_match_public_reimplementation(history: list[BdmRound]) -> None:
    got = [r.mean for r in history[1:]]
    assert got == pytest.approx(LOG_MEANS, abs=1e-9)


def test_moves_match_public_reimplementation(history: list[BdmRound]) -> None:
    (issue,) = read_long_csv(FIXTURE)
    # The log's source data has Netherlands and Belgium swapped (same capability 0.08).
    names = {"Belgium": "Netherlands", "Netherlands": "Belgium"}
    index = {a: k for k, a in enumerate(issue.actors)}
    for rnd, actor, position in LOG_MOVES:
        k = index[names.get(actor, actor)]
        assert history[rnd].positions[k] == pytest.approx(position, abs=1e-9), (rnd, actor)


def test_round_medians_against_quoted_list(history: list[BdmRound]) -> None:
    medians = [r.median for r in history[1:9]]
    assert medians == pytest.approx(
        [8.41593, 9.61086, 9.96198, 9.96198, 9.96198, 7.47205, 8.82459, 9.67113], abs=1e-5
    )
    for rnd, (ours, quoted) in enumerate(zip(medians, QUOTED_MEDIANS, strict=True), start=1):
        if rnd == 2:
            # Unresolved: 9.61 here vs 9.9 quoted (see module docstring).
            assert abs(ours - quoted) > 0.1
        else:
            assert 0 <= ours - quoted < 0.1, (rnd, ours, quoted)


def test_scholz_code_forecast_is_final_round_median(history: list[BdmRound]) -> None:
    (issue,) = read_long_csv(FIXTURE)
    assert BdmScholzCodeModel().predict(issue) == pytest.approx(history[8].median)
    assert BdmScholzCodeModel(rounds=3).predict(issue) == pytest.approx(history[3].median)


def test_saliences_normalised_to_unit_interval() -> None:
    assert normalise_saliences(np.array([0.2, 1.0])).tolist() == [0.2, 1.0]
    assert normalise_saliences(np.array([20.0, 100.0])).tolist() == [0.2, 1.0]
    assert normalise_saliences(np.array([50.0, 200.0])).tolist() == [0.25, 1.0]


def test_risk_exponents_within_bounds(history: list[BdmRound]) -> None:
    for r in history[1:]:
        assert np.all(r.risk >= 0.5 - 1e-12)
        assert np.all(r.risk <= 2.0 + 1e-12)


def test_positions_stay_in_initial_range(history: list[BdmRound]) -> None:
    for r in history:
        assert r.positions.min() >= 4.0
        assert r.positions.max() <= 10.0


# --- The default ``bdm``: per-pair probabilities, stopping rule, forecast rule ------------------


def test_per_pair_probabilities_of_a_pair_sum_to_one() -> None:
    from detente.forecast.bdm import _probabilities

    (issue,) = read_long_csv(FIXTURE)
    x = issue.positions
    w = issue.capabilities * normalise_saliences(issue.saliences)
    prob = _probabilities(x, w, np.ones(x.size), float(np.ptp(x)), "per-pair")
    differ = np.abs(x[:, None] - x[None, :]) > 0
    assert prob[differ] + prob.T[differ] == pytest.approx(np.ones(int(differ.sum())))
    assert np.all(prob[~differ] == 0.0)
    # the all-pairs variant's probabilities are tiny by comparison (about 1/n² of them)
    small = _probabilities(x, w, np.ones(x.size), float(np.ptp(x)), "all-pairs")
    assert small.max() < 0.1 < prob.max()


def test_per_pair_run_on_the_emission_case() -> None:
    # Per pair, the ten actors reach a fixed point in 4 rounds; the forecast is the weighted
    # median of the final positions, 7.0 (the round-0 median). Bueno de Mesquita's own forecast
    # (9.05, references §3) is not reproduced by either reading of the probabilities.
    (issue,) = read_long_csv(FIXTURE)
    run = BdmModel().run(issue)
    assert (run.converged, run.cycle, run.rounds) == (True, 1, 4)
    assert run.history[0].median == 7.0
    assert run.history[0].mean == pytest.approx(7.39, abs=0.005)
    assert run.forecast == pytest.approx(7.0)
    assert [round(h.mean, 3) for h in run.history] == [7.39, 7.32, 6.982, 7.0, 7.0]


def _spread(x: np.ndarray, w: np.ndarray) -> float:
    m = float(np.dot(x, w) / w.sum())
    return float(np.sqrt(np.dot(w, (x - m) ** 2) / w.sum()))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_thirty_actors_converge_rather_than_oscillate(seed: int) -> None:
    """Property: on synthetic issues with 30 actors the per-pair model stops at a fixed point or
    a short cycle well before the cap, the positions contract (terminal weighted spread at most
    half the initial one), and the forecast does not depend on the cap."""
    (issue,) = synthetic_issues(1, 30, seed=seed)
    run = bdm_run(issue.positions, issue.saliences, issue.capabilities)
    assert run.converged and run.rounds < 300
    w = issue.capabilities * normalise_saliences(issue.saliences)
    assert _spread(run.history[-1].positions, w) <= 0.5 * _spread(issue.positions, w)
    longer = bdm_run(issue.positions, issue.saliences, issue.capabilities, max_rounds=600)
    assert longer.forecast == run.forecast


def test_all_pairs_variant_oscillates_where_per_pair_settles() -> None:
    """The reason ``bdm-scholz-code`` is not the default: with 30 actors its weighted medians
    still jump by more than 10 points late in the run on many issues."""
    issues = synthetic_issues(30, 30, seed=11)
    late_jumps = 0
    for issue in issues:
        h = bdm_rounds(issue.positions, issue.saliences, issue.capabilities, rounds=30)
        late_jumps += max(abs(h[t].median - h[t - 1].median) for t in range(20, 31)) > 10
        assert bdm_run(issue.positions, issue.saliences, issue.capabilities).converged
    assert late_jumps >= 5
