"""The published JSON Schema is current and agrees with the loader on the fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from detente.scenario import load_scenario
from detente.scenario.jsonschema import scenario_json_schema

REPO = Path(__file__).resolve().parents[2]
PUBLISHED = REPO / "docs" / "reference" / "scenario.schema.json"


def test_published_schema_is_up_to_date() -> None:
    published = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    assert published == scenario_json_schema(), (
        "docs/reference/scenario.schema.json is stale: run "
        "`detente schema --out docs/reference/scenario.schema.json`"
    )


def test_schema_is_valid_and_accepts_the_fixture() -> None:
    schema = scenario_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    scenario = load_scenario(Path(__file__).parent / "fixtures" / "valid.yaml")
    document = json.loads(scenario.model_dump_json(exclude_defaults=True))
    jsonschema.Draft202012Validator(schema).validate(document)


def test_every_field_is_documented() -> None:
    schema = scenario_json_schema()
    missing = []
    for name, definition in schema.get("$defs", {}).items():
        for field, spec in definition.get("properties", {}).items():
            ref = spec.get("$ref", "").rsplit("/", 1)[-1]
            # pydantic omits a field description equal to its enum's (then found via $ref)
            if "description" not in spec and "description" not in schema["$defs"].get(ref, {}):
                missing.append(f"{name}.{field}")
    assert not missing, missing
