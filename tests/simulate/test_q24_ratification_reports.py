"""q24 item 2 (review rev22 item 7): the reports say when a red-line move needs ratification.

On main ``f60b0d0`` ``analyze``, ``what-it-takes`` and the simulation's ``red_lines_moved``
reported a move of Ukraine's territorial lines past its Constitution (a change of territory only
by an all-Ukrainian referendum, v22a) like any other crossing. Each reported move now carries
``ratification`` (who must ratify, the level, the majority, the ratifiers' latest share dated
by ``as_of`` and whether it clears the majority: ``bargaining.redlines.ratified``), a
simulated move set ``ratified`` (``MoveSet.ratified``), and the text reports a line saying so.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from detente.bargaining.ratification import move_ratification, ratification_note, ratifications
from detente.scenario import Scenario, load_scenario
from detente.scenario.schema import Acceptance, PublicCommitment

from .helpers import make_scenario

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "scenarios" / "ukraine-2025-11.yaml"
EARLY = ROOT / "scenarios" / "ukraine-2022-03.yaml"
RED = {("A", "land"): (60.0, 100.0), ("B", "land"): (0.0, 40.0)}  # A's minimum 60 → 40


@pytest.fixture(scope="module")
def snapshot() -> Scenario:
    return load_scenario(SNAPSHOT)


def test_the_table_reads_the_commitment_and_its_latest_share(snapshot: Scenario) -> None:
    table = ratifications(snapshot)
    assert {a for a, _ in table} == {"UA"}
    c = snapshot.current_commitments()[("UA", "crimea")]
    r = table[("UA", "crimea")]
    assert (r.by, r.level, r.majority) == (c.ratification, c.level, c.majority)
    assert r.share == c.acceptance_share(snapshot.meta.as_of)
    assert r.measured is not None and r.measured <= snapshot.meta.as_of
    rec = move_ratification(table, "UA", "crimea", "max", 75.0)
    assert rec is not None and rec["ratified"] is False and rec["share"] == pytest.approx(0.26087)
    assert move_ratification(table, "UA", "crimea", "max", 50.0) is None  # at the level
    assert move_ratification(table, "UA", "nato_neutrality", "max", 75.0) is None
    assert move_ratification(table, "RU", "crimea", "min", 40.0) is None
    text = ratification_note("UA", "crimea", rec)
    assert "past 50 needs an all-Ukrainian referendum" in text
    assert "latest acceptance 0.26" in text and "not above the majority 0.5" in text
    # before any share was published the record says so (the actor's evaluation stands in)
    early = move_ratification(ratifications(load_scenario(EARLY)), "UA", "crimea", "max", 75.0)
    assert early is not None and early["share"] is None and early["ratified"] is None
    assert "no acceptance measured" in ratification_note("UA", "crimea", early)


def test_analyze_and_what_it_takes_carry_the_field(snapshot: Scenario) -> None:
    import detente

    doc = detente.analyze(snapshot).to_dict()
    settlement = next(b for b in doc["bundles"] if b["id"] == "settlement")
    moves = {m["issue"]: m for m in settlement["cheapest_package"]["red_lines"]}
    assert moves["crimea"]["ratification"]["ratified"] is False
    assert moves["donetsk"]["ratification"]["by"] == "all-Ukrainian referendum"
    assert moves["nato_neutrality"]["ratification"] is None
    blocking = {m["issue"]: m for m in settlement["blocking"] if "stated" in m}
    assert blocking["crimea"]["ratification"] == moves["crimea"]["ratification"]

    wit = detente.what_it_takes(snapshot).to_dict()
    relax = {m["issue"]: m for m in wit["red_line_relaxation"]["moves"] if m["actor"] == "UA"}
    assert relax["crimea"]["ratification"]["ratified"] is False
    assert relax["nato_neutrality"]["ratification"] is None
    assert all("ratification" in m for pk in wit["packages"] for m in pk["red_lines"])


def test_the_tables_say_it(app: Any) -> None:
    runner = CliRunner()
    for cmd in ("analyze", "what-it-takes"):
        res = runner.invoke(app, [cmd, str(SNAPSHOT)], env={"COLUMNS": "400"})
        assert res.exit_code == 0, res.output
        text = " ".join(res.output.split())
        assert "Ratification: UA crimea: past 50 needs an all-Ukrainian referendum" in text
        assert "not above the majority 0.5" in text
    assert "rejected (0.26)" in text  # the relaxation table's column


def _commit(*shares: Acceptance) -> PublicCommitment:
    return PublicCommitment(
        actor="A",
        issue="land",
        level=60.0,
        date=dt.date(2020, 1, 1),
        act="constitution: territory changed only by referendum",
        ratification="referendum",
        acceptance=shares,
        assumption="test",
    )


def _share(accept: float) -> Acceptance:
    return Acceptance(
        date=dt.date(2020, 6, 1), accept=accept, reject=1 - accept, note="poll", assumption="t"
    )


@pytest.mark.parametrize(("accept", "ok"), [(0.3, False), (0.7, True)])
def test_the_simulations_moved_lines_agree_with_the_gate(accept: float, ok: bool) -> None:
    from detente.api import simulate
    from detente.cli.simulate import summary_records

    sc = make_scenario(strategies=("conceder", "conceder"), red_lines=RED)
    sc = sc.model_copy(update={"public_commitments": (_commit(_share(accept)),)})
    run = simulate(sc, runs=16, periods=4, seed=1)
    summary = run.summary()
    (moved,) = [m for m in summary["settlement_reasons"]["red_lines_moved"] if m["actor"] == "A"]
    assert moved["ratified"] is ok  # the engine's gate (MoveSet.ratified)
    (line,) = moved["lines"]
    assert line["ratification"]["ratified"] is ok  # the report's reading agrees
    assert line["ratification"]["share"] == pytest.approx(accept)
    rows = {r["metric"]: r["value"] for r in summary_records(summary)}
    text = rows["red_lines_moved.A.settlement"]
    assert f"needs referendum; acceptance {accept:.2f}" in text
    assert ("outside the ratifiers' win-set" in text) is (not ok)
