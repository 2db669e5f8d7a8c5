"""validation/settlement_why.py: why the March 2022 snapshot's runs sign the settlement (helper
v18b, validation/v18b_expectations.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.repo_scripts import validation_script

import detente

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The March 2022 snapshot as v18b diagnosed it: the presidents' track negotiating (not
    only signing: branch v19b made it `signature_only`, and the shipped snapshot settles in no
    run), so that runs sign the settlement and the tool has signatures to explain."""
    text = (ROOT / "scenarios" / "ukraine-2022-03.yaml").read_text(encoding="utf-8")
    assert text.count("  signature_only: true\n") == 1
    out = tmp_path_factory.mktemp("v18b") / "ukraine-2022-03.yaml"
    out.write_text(text.replace("  signature_only: true\n", ""), encoding="utf-8")
    return out


def test_signers_take_terms_worth_their_value_of_fighting(snapshot: Path) -> None:
    """A run signs only terms each belligerent values at least at its value of fighting (the
    value the talks of that period weighed), and the cumulative share signed is the
    simulation's own P(agreement) over the same runs, seed and periods."""
    why = validation_script("settlement_why")
    runs, seed, weeks = 150, 11, 9
    out = why.diagnose(snapshot, runs=runs, seed=seed, weeks=weeks)
    assert out["rows"], "some run signs within 9 weeks (week 4 is the main wave)"
    for row in out["rows"]:
        assert (row["min_margin"] >= -1e-9).all(), row
        assert row["track"] == "leaders"
    cumulative = [r["cumulative"] for r in out["rows"]]
    assert cumulative == sorted(cumulative)
    p = detente.simulate(snapshot, runs=runs, periods=weeks, seed=seed).to_dict()["p_agreement"]
    assert abs(cumulative[-1] - p) < 1e-12


def test_render_names_the_break_even_belief(snapshot: Path) -> None:
    why = validation_script("settlement_why")
    text = why.render(why.diagnose(snapshot, runs=40, seed=3, weeks=5))
    assert "break-even r̂" in text and "Terms first signed" in text
