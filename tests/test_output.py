"""Shared rendering of results and run manifests."""

from __future__ import annotations

import datetime as dt
import json

from detente.cli.output import OutputFormat, render_records, to_json
from detente.manifest import build_manifest, content_hash

RECORDS = [
    {"actor": "RU", "value": 0.5, "when": dt.date(2022, 3, 29), "tags": ["a", "b"]},
    {"actor": "UA", "value": float("nan"), "when": None, "tags": []},
]


def test_json_is_strict_and_ordered() -> None:
    text = render_records(RECORDS, OutputFormat.json)
    data = json.loads(text)
    assert data[0] == {"actor": "RU", "value": 0.5, "when": "2022-03-29", "tags": ["a", "b"]}
    assert data[1]["value"] is None  # NaN never reaches JSON
    assert "NaN" not in text
    assert list(data[0]) == ["actor", "value", "when", "tags"]


def test_csv_and_table() -> None:
    csv_text = render_records(RECORDS, OutputFormat.csv)
    assert csv_text.splitlines() == ["actor,value,when,tags", "RU,0.5,2022-03-29,a;b", "UA,,,"]
    table = render_records(RECORDS, OutputFormat.table, title="T")
    assert "RU" in table and "2022-03-29" in table


def test_document_wraps_records() -> None:
    doc = json.loads(render_records(RECORDS, OutputFormat.json, document={"n": 2, "rows": RECORDS}))
    assert doc["n"] == 2 and len(doc["rows"]) == 2


def test_manifest_fields() -> None:
    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    m = build_manifest(
        command="x", scenario_hash=content_hash("abc"), seed=7, parameters={"runs": 3}, now=when
    )
    assert m["scenario_sha256"] == content_hash(b"abc")
    assert m["seed"] == 7 and m["parameters"] == {"runs": 3}
    assert m["created"] == "2026-01-01T00:00:00+00:00"
    json.loads(to_json(m))
