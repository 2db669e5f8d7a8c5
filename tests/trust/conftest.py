"""Helpers for the trust tests: small scenarios built in code and the fixture file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from detente.scenario import Scenario, load_scenario

FIXTURES = Path(__file__).parent / "fixtures"


def make_scenario(
    ledger: list[dict[str, Any]] | None = None,
    trust: list[dict[str, Any]] | None = None,
    actors: list[dict[str, Any]] | None = None,
    sources: dict[str, Any] | None = None,
    as_of: str = "2023-12-31",
) -> Scenario:
    """A minimal valid scenario around the given ledger."""
    return Scenario.model_validate(
        {
            "schema_version": 1,
            "meta": {"name": "t", "as_of": as_of, "sources": sources or {}},
            "actors": actors
            or [
                {"id": "A", "name": "A", "kind": "state"},
                {"id": "B", "name": "B", "kind": "state"},
                {"id": "C", "name": "C", "kind": "mediator"},
            ],
            "issues": [
                {
                    "id": "x",
                    "name": "x",
                    "anchors": [{"value": 0, "label": "lo"}, {"value": 100, "label": "hi"}],
                    "status_quo": 50,
                }
            ],
            "trust": trust or [],
            "ledger": ledger or [],
        }
    )


@pytest.fixture(scope="session")
def kyiv() -> Scenario:
    """The small Kyiv-shaped fixture ledger."""
    return load_scenario(FIXTURES / "kyiv_small.yaml")
