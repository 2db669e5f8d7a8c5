"""The field tables in docs/reference/scenario-format.md are generated from the schema."""

from __future__ import annotations

from pathlib import Path

from detente.scenario.docgen import BEGIN, END, field_tables

DOC = Path(__file__).resolve().parents[2] / "docs" / "reference" / "scenario-format.md"


def test_field_tables_are_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    assert text[start:end] == field_tables(), (
        "stale field tables: run `python -m detente.scenario.docgen`"
    )
