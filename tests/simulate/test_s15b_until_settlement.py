"""``until="settlement"``: each run stops when it signs the settlement (branch s15b).

The mode must answer "will they agree, when, on what terms" exactly as the default mode does
for the same (inputs, seed), keep each run's record up to its stop byte for byte, and leave
out (null, with a reason; refused as a table) what it does not simulate.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import detente
from detente.errors import InputError
from detente.scenario import load_scenario
from detente.simulate import RunInputs, iter_periods, run_simulation, simulate_block
from detente.simulate.engine import BlockOutput
from detente.simulate.model import build_model
from detente.simulate.results import NOT_SIMULATED

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = [
    ROOT / "scenarios" / "teaching.yaml",
    # tracks and a refusal lifted in runs (the 2022-03 snapshot, here until branch v19b, signs
    # the settlement in no run since its presidents' track only signs)
    ROOT / "validation" / "cases" / "mozambique_rome_1992" / "scenario.yaml",
    ROOT / "validation" / "cases" / "aceh_2005" / "scenario.yaml",
    ROOT / "validation" / "cases" / "dayton_1995" / "scenario.yaml",
    ROOT / "validation" / "cases" / "oslo_1993" / "scenario.yaml",
]
SAME = ("p_agreement", "p_agreement_ci", "median_periods_to_agreement", "terms", "runs", "seed")
NULL = ("p_breakdown_1y", "p_breakdown_2y", "p_breakdown_5y", "mean_agreements_per_run")


def _both(path: Path, **kw: Any) -> tuple[Any, Any]:
    return (
        detente.simulate(path, **kw),
        detente.simulate(path, until="settlement", **kw),
    )


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.parent.name + "/" + p.stem)
def test_agreement_timing_and_terms_equal_the_default_mode(path: Path) -> None:
    full, settled = _both(path, runs=1500, periods=104, seed=5)
    a, b = full.to_dict(), settled.to_dict()
    assert a["p_agreement"] > 0  # each case signs the settlement in some runs
    for key in SAME:
        assert b[key] == a[key], key
    assert b["settlement_reasons"]["shares"] == a["settlement_reasons"]["shares"]
    assert b["settlement_reasons"]["blocking_issues"] == a["settlement_reasons"]["blocking_issues"]
    assert b["settlement_reasons"]["blocking_actors"] == a["settlement_reasons"]["blocking_actors"]
    s_full, s_set = a["agreements"][0], b["agreements"][0]
    for key in ("p_agreement", "p_agreement_ci", "median_periods_to_agreement", "terms"):
        assert s_set[key] == s_full[key], key
    assert s_set["by_track"] == s_full["by_track"]
    assert s_set["durability"] == s_full["durability"]  # trust at signature: before the stop
    assert settled.records("agreement_by_period") == full.records("agreement_by_period")
    assert settled.records("time_to_agreement") == full.records("time_to_agreement")
    assert settled.records("terms") == full.records("terms")
    # what the mode does not simulate: null, with the reason
    for key in NULL:
        assert b[key] is None
    assert s_set["p_breakdown_1y"] is None
    assert s_set["not_simulated"] == NOT_SIMULATED["agreements.p_breakdown_1y"]  # its reason
    assert "not_simulated" not in a["agreements"][0]
    assert set(b["mean_cost"].values()) == {None}
    assert b["until"] == "settlement" and b["not_simulated"] == NOT_SIMULATED
    assert "until" not in a and "not_simulated" not in a
    for rec in b["agreements"][1:]:
        assert rec["p_agreement"] is None and rec["terms"] is None
        assert "not simulated" in rec["not_simulated"]
    for moved in b["settlement_reasons"]["red_lines_moved"]:
        assert moved["share"] is None
    assert b["manifest"]["parameters"]["until"] == "settlement"
    assert "until" not in a["manifest"]["parameters"]


def test_tables_it_does_not_simulate_are_refused_with_the_reason() -> None:
    run = detente.simulate(SCENARIOS[0], runs=50, periods=30, until="settlement")
    for table in ("fan", "survival"):
        with pytest.raises(InputError, match="not simulated"):
            run.records(table)
    with pytest.raises(InputError, match="not simulated"):
        run.chart("trust.NOR")
    assert run.result.p_breakdown(1.0) is None
    assert run.to_pandas("agreements").shape[0] == len(run.result.model.bundle_ids)


def _runs_equal_up_to_stop(full: BlockOutput, cut: BlockOutput, periods: int) -> None:
    assert cut.stopped_at is not None and full.stopped_at is None
    first = full.first_agreement
    np.testing.assert_array_equal(cut.first_agreement, first)
    np.testing.assert_array_equal(cut.terms, full.terms)
    np.testing.assert_array_equal(cut.stopped_at, np.where(first >= 0, first, periods - 1))
    np.testing.assert_array_equal(cut.reason, full.reason)
    assert list(cut.paths) == list(full.paths)
    for j, stop in enumerate(cut.stopped_at.tolist()):
        for v in full.paths:
            a, b = full.paths[v][: stop + 1, j], cut.paths[v][: stop + 1, j]
            assert a.tobytes() == b.tobytes(), (v, j)
            assert np.isnan(cut.paths[v][stop + 1 :, j]).all()
        assert full.events[: stop + 1, j].tobytes() == cut.events[: stop + 1, j].tobytes()
        assert not cut.events[stop + 1 :, j].any()
        assert full.bundle_first is not None and cut.bundle_first is not None
        before = full.bundle_first[j] <= stop
        np.testing.assert_array_equal(
            cut.bundle_first[j], np.where(before, full.bundle_first[j], -1)
        )
        assert full.moved_at is not None and cut.moved_at is not None
        np.testing.assert_array_equal(
            cut.moved_at[j], np.where(full.moved_at[j] <= stop, full.moved_at[j], -1)
        )
    assert np.isnan(cut.cum_cost).all() and (cut.duration == -1).all()


@pytest.mark.parametrize("name", ["teaching", "ukraine-2022-03"])
def test_each_runs_record_up_to_its_stop_is_the_default_modes(name: str) -> None:
    m = build_model(load_scenario(ROOT / "scenarios" / f"{name}.yaml"))
    seed = np.random.SeedSequence(11, spawn_key=(2,))
    full = simulate_block(m, 200, 80, seed)
    cut = simulate_block(m, 200, 80, seed, until="settlement")
    _runs_equal_up_to_stop(full, cut, 80)
    # one run replayed alone (rows=[j]) is the block's run j
    j = int(np.argmax(full.first_agreement))
    one = simulate_block(m, 200, 80, seed, rows=[j], until="settlement")
    assert one.stopped_at is not None and cut.stopped_at is not None
    assert int(one.stopped_at[0]) == int(cut.stopped_at[j])
    for v in cut.paths:
        assert one.paths[v][:, 0].tobytes() == cut.paths[v][:, j].tobytes()


def test_per_run_inputs_and_reused_output_keep_the_records() -> None:
    """The NegMAS benchmark's use: per-run weights, each block writing over the last one's
    arrays (``reuse``): the rows past the earlier block's stops are blanked afresh."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from vs_negmas import negotiation_scenario
    finally:
        sys.path.pop(0)
    m = build_model(negotiation_scenario(10, "boulware", "conceder", 0.0))
    rng = np.random.default_rng(3)
    w = rng.uniform(0.2, 0.8, (2, 256))
    weights = np.stack([np.stack([w[0], 1 - w[0]], 1), np.stack([w[1], 1 - w[1]], 1)], axis=1)
    inputs = RunInputs(weights=weights)
    seeds = np.random.SeedSequence(9).spawn(2)
    prev = simulate_block(m, 256, 100, seeds[0], inputs=inputs, until="settlement")
    full = simulate_block(m, 256, 100, seeds[1], inputs=inputs)
    cut = simulate_block(m, 256, 100, seeds[1], inputs=inputs, until="settlement", reuse=prev)
    _runs_equal_up_to_stop(full, cut, 100)


def test_the_block_loop_ends_once_every_run_has_signed() -> None:
    m = build_model(
        load_scenario(ROOT / "validation" / "cases" / "good_friday_1998" / "scenario.yaml")
    )
    seed = np.random.SeedSequence(4)
    full = list(iter_periods(m, 64, seed, 40))
    cut = list(iter_periods(m, 64, seed, 40, until="settlement"))
    assert len(full) == 40
    assert 1 <= len(cut) < 40
    assert (cut[-1].first[:, 0] >= 0).all()
    if len(cut) > 1:
        assert not (cut[-2].first[:, 0] >= 0).all()
    for x, y in zip(full, cut, strict=False):
        np.testing.assert_array_equal(x.first, y.first)
        np.testing.assert_array_equal(x.trust, y.trust)


def test_bad_until_is_a_located_error() -> None:
    sc = load_scenario(SCENARIOS[0])
    with pytest.raises(InputError, match="until must be one of 'horizon', 'settlement'"):
        detente.simulate(sc, runs=10, periods=5, until="agreement")
    with pytest.raises(InputError, match="until must be one of"):
        run_simulation(sc, 10, 1, 5, until="")
    with pytest.raises(ValueError, match="until must be one of"):
        simulate_block(build_model(sc), 4, 3, np.random.SeedSequence(1), until="never")


def test_workers_and_the_out_folder(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    path = SCENARIOS[0]
    one = detente.simulate(path, runs=1500, periods=40, seed=2, until="settlement")
    two = detente.simulate(path, runs=1500, periods=40, seed=2, until="settlement", workers=2)
    assert json.dumps(one.to_dict()) == json.dumps(two.to_dict())
    out = tmp_path / "o"
    detente.simulate(path, runs=300, periods=40, seed=2, until="settlement", out=out)
    full_out = tmp_path / "f"
    detente.simulate(path, runs=300, periods=40, seed=2, out=full_out)
    runs = pq.read_table(out / "runs-000000.parquet").to_pandas()
    assert set(runs["variable"]) >= {"first_agreement", "stopped_at"}
    assert not {"agreement_duration", "broke_down", "agreements"} & set(runs["variable"])
    stop = runs[runs["variable"] == "stopped_at"].set_index("run")["value"]
    paths = pq.read_table(out / "paths-000000.parquet").to_pandas()
    assert (paths["period"].to_numpy() <= stop.loc[paths["run"]].to_numpy()).all()
    whole = pq.read_table(full_out / "paths-000000.parquet").to_pandas()
    keep = whole["period"].to_numpy() <= stop.loc[whole["run"]].to_numpy()
    kept = whole[keep].sort_values(["variable", "run", "period"]).reset_index(drop=True)
    mine = paths.sort_values(["variable", "run", "period"]).reset_index(drop=True)
    assert kept["value"].to_numpy().tobytes() == mine["value"].to_numpy().tobytes()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["until"] == "settlement" and summary["p_breakdown_1y"] is None
    assert json.loads((out / "manifest.json").read_text())["parameters"]["until"] == "settlement"
