"""docs/reference/api.md is generated from the front door's docstrings and is current."""

from __future__ import annotations

from pathlib import Path

import detente
from detente.api.docgen import BEGIN, CLASSES, END, FUNCTIONS, api_reference
from detente.generated import generated_block

DOC = Path(__file__).resolve().parents[1] / "docs" / "reference" / "api.md"


def test_api_reference_is_current() -> None:
    assert generated_block(DOC, BEGIN, END) == api_reference(), (
        "stale: run `python -m detente.api.docgen`"
    )


def test_every_front_door_function_is_documented() -> None:
    names = {n for n, _ in FUNCTIONS} | {"monitor"}
    exported = {n for n in detente.__all__ if n[0].islower() and not n.startswith("__")}
    assert exported - names == set()
    for path in CLASSES:
        assert path.rsplit(".", 1)[-1] in generated_block(DOC, BEGIN, END)
