"""docs/reference/cli.md's command tables match the live commands."""

from __future__ import annotations

from pathlib import Path

from detente.cli.docgen import BEGIN, END, command_reference
from detente.generated import generated_block

DOC = Path(__file__).resolve().parents[1] / "docs" / "reference" / "cli.md"


def test_cli_reference_is_current() -> None:
    assert generated_block(DOC, BEGIN, END) == command_reference(), (
        "stale: run `python -m detente.cli.docgen`"
    )
