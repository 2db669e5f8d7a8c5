"""A newcomer's walk through the seventeenth session's changes (branch q18, item 4): a term's
``parts`` and their ``accounts`` decide a renewal (v17b), and the JSON's
``in_force_at_start.received_at_start`` said what each belligerent received, but the table
and CSV, which the how-to shows, did not: a user who dated a ``broken`` account saw the
corridor lapse in every run with nothing saying why. They now have the row."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from detente.cli.app import app

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = REPO / "scenarios" / "ukraine-2022-11.yaml"
ROW = "agreements.black_sea.in_force_at_start.received_at_start"


def _simulate(path: Path, fmt: str) -> str:
    r = CliRunner().invoke(app, ["simulate", str(path), "--runs", "30", "--format", fmt])
    assert r.exit_code == 0, r.output
    return r.stdout


def test_the_csv_says_what_each_side_received_at_the_start() -> None:
    out = _simulate(SNAPSHOT, "csv")  # one row per belligerent (fx17's rows, kept at the merge)
    assert f"{ROW}.RU,,none scored\n" in out and f"{ROW}.UA,1.0,\n" in out
    doc = json.loads(_simulate(SNAPSHOT, "json"))
    (deal,) = [a for a in doc["agreements"] if a["bundle"] == "black_sea"]
    assert deal["in_force_at_start"]["received_at_start"] == {"RU": None, "UA": 1.0}


def test_a_broken_account_shows_as_a_share_of_zero(tmp_path: Path) -> None:
    text = SNAPSHOT.read_text(encoding="utf-8")
    part = (
        "      what: 'UN-Russia memorandum: facilitation of Russian food and fertiliser exports'\n"
    )
    assert part in text
    account = "      accounts:\n      - date: '2022-11-16'\n        verdict: broken\n"
    edited = tmp_path / "broken.yaml"
    edited.write_text(text.replace(part, part + account), encoding="utf-8")
    out = _simulate(edited, "csv")
    assert f"{ROW}.RU,0.0,\n" in out and f"{ROW}.UA,1.0,\n" in out
    assert "agreements.black_sea.in_force_at_start.p_lapsed_1y,1.0,\n" in out


def test_an_agreement_in_force_without_parts_has_no_such_row() -> None:
    assert "received_at_start" not in _simulate(REPO / "scenarios" / "teaching.yaml", "csv")
