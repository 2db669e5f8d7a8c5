"""fx17 (rev17 finding 5): ``received_at_start`` of an agreement in force with a term (each
belligerent's received share of the deal's parts, by the accounts at as_of) reaches every
front door, not only the JSON: the simulate table / CSV rows and label, the report's label
and data table. Values: ukraine-2022-11, Russia none scored (no account of the UN
memorandum before the snapshot), Ukraine 1.0 (its account of the corridor: kept)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from detente.cli.app import app
from detente.report.base import in_force_text, received_words
from detente.report.sections.simulate import _term_fields

REPO = Path(__file__).resolve().parents[2]
NOV = str(REPO / "scenarios" / "ukraine-2022-11.yaml")
KEY = "agreements.black_sea.in_force_at_start"
runner = CliRunner()


def _run(*args: str) -> str:
    r = runner.invoke(app, list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def test_received_at_start_in_json_csv_and_labels() -> None:
    args = ("simulate", NOV, "--runs", "20", "--periods", "2")
    doc = json.loads(_run(*args, "-f", "json"))
    rec = next(a for a in doc["agreements"] if a["bundle"] == "black_sea")
    assert rec["in_force_at_start"]["received_at_start"] == {"RU": None, "UA": 1.0}
    rows = {
        r["metric"]: r["value"] or r["note"]
        for r in csv.DictReader(io.StringIO(_run(*args, "-f", "csv")))
    }
    assert rows[f"{KEY}.received_at_start.RU"] == "none scored"
    assert float(rows[f"{KEY}.received_at_start.UA"]) == 1.0
    assert "; received at the start RU none scored, UA 1.00, P(signed anew) " in rows[KEY]
    assert received_words(rec["in_force_at_start"]) == "RU none scored, UA 1.00"
    assert "; received at the start RU none scored, UA 1.00" in str(in_force_text(rec, "week"))
    # the report's data table: one number per belligerent (q20), the words on the page only
    fields = _term_fields(rec, ["RU", "UA"])
    assert fields["in_force_received_at_start_RU"] is None
    assert fields["in_force_received_at_start_UA"] == 1.0
    energy = next(a for a in doc["agreements"] if a["bundle"] == "energy")
    got = _term_fields(energy, ["RU", "UA"])
    assert got["in_force_received_at_start_RU"] is got["in_force_received_at_start_UA"] is None
    assert not any(k.startswith("agreements.energy.in_force_at_start") for k in rows)
