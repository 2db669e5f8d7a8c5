"""The scenario format: schema, loading with located errors, JSON Schema."""

from __future__ import annotations

from detente.scenario.load import (
    Problem,
    ScenarioError,
    dump_scenario,
    load_scenario,
    parse_scenario,
)
from detente.scenario.schema import SCHEMA_VERSION, Scenario

__all__ = [
    "SCHEMA_VERSION",
    "Problem",
    "Scenario",
    "ScenarioError",
    "dump_scenario",
    "load_scenario",
    "parse_scenario",
]
