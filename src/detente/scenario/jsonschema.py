"""The published JSON Schema of the scenario format (for editor completion and validation)."""

from __future__ import annotations

from typing import Any

from detente.scenario.schema import SCHEMA_VERSION, Scenario

__all__ = ["SCHEMA_ID", "scenario_json_schema"]

SCHEMA_ID = "https://detente.invalid/schema/scenario-v1.json"


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of ``schema_version: 1`` scenario files."""
    schema = Scenario.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"detente scenario (schema_version {SCHEMA_VERSION})",
        **schema,
    }
