"""The field tables in docs/reference/scenario-format.md are generated from the schema."""

from __future__ import annotations

from pathlib import Path

from detente.generated import generated_block
from detente.scenario.docgen import BEGIN, END, field_tables

DOC = Path(__file__).resolve().parents[2] / "docs" / "reference" / "scenario-format.md"


def test_field_tables_are_current() -> None:
    assert generated_block(DOC, BEGIN, END) == field_tables(), (
        "stale field tables: run `python -m detente.scenario.docgen`"
    )
