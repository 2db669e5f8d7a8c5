"""The report's data bundle holds data: what each belligerent received of an agreement in force
at the start (ukraine-2022-11's grain corridor, with its term) is one number column per
belligerent, not the page's words (``RU none scored, UA 1.00``), which stay on the page."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from detente.report.base import ReportContext
from detente.report.bundle import csv_text
from detente.report.sections import simulate
from detente.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]


def test_received_at_start_is_a_number_column_per_belligerent() -> None:
    sc = load_scenario(REPO / "scenarios" / "ukraine-2022-11.yaml")
    ctx = ReportContext(scenario=sc, scenario_hash="x", runs=40, quick=True)
    sec = simulate.build(ctx)
    assert sec is not None
    rec = next(a for a in ctx.cache["simulation"].agreements() if a["bundle"] == "black_sea")
    assert rec["in_force_at_start"]["received_at_start"] == {"RU": None, "UA": 1.0}
    rows = next(d for d in sec.data if d.name == "agreements").rows
    assert all("in_force_received_at_start" not in r for r in rows)  # the words' column is gone
    table = pd.read_csv(io.StringIO(csv_text(rows))).set_index("bundle")
    for side in ("RU", "UA"):
        assert table[f"in_force_received_at_start_{side}"].dtype == "float64"
    assert pd.isna(table.loc["black_sea", "in_force_received_at_start_RU"])  # none scored
    assert table.loc["black_sea", "in_force_received_at_start_UA"] == 1.0
    grain = next(r for r in rows if r["bundle"] == "black_sea")
    assert grain["in_force_received_at_start_RU"] is None
    assert grain["in_force_received_at_start_UA"] == 1.0
    # the words stay on the page
    assert "received at the start RU none scored, UA 1.00" in sec.body + sec.summary
