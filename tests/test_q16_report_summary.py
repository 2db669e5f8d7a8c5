"""The report's simulation summary says why a figure has no value instead of an empty cell
(branch q16: the demo's page showed blank "median weeks to agreement" and breakdown rows),
while its data CSV keeps the cell empty, as the JSON's null."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from detente.cli.app import app

TEACHING = str(Path(__file__).resolve().parents[1] / "scenarios" / "teaching.yaml")


def test_the_summary_says_why_a_breakdown_figure_is_missing(tmp_path: Path) -> None:
    out = tmp_path / "rep"
    r = CliRunner().invoke(
        app, ["report", TEACHING, "--out", str(out), "--runs", "100"], catch_exceptions=False
    )
    assert r.exit_code == 0, r.output
    html = (out / "report.html").read_text(encoding="utf-8")
    # the report's 104-week horizon follows the teaching case's agreements (week ~16) for a
    # year, not for two
    assert (
        "<td>P(breakdown within 2 years)</td><td>not estimated: no agreement was followed 2 years"
        in html
    )
    assert "<td>P(breakdown within 2 years)</td><td></td>" not in html
    with open(out / "data" / "simulation-summary.csv", encoding="utf-8") as fh:
        rows = {row["measure"]: row["value"] for row in csv.DictReader(fh)}
    assert rows["P(breakdown within 2 years)"] == ""  # the data: missing, not a sentence
    assert 0 < float(rows["P(breakdown within 1 year)"]) < 1
