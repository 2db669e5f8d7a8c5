"""The workspace labels an agreement in force at the start (branch f15): the simulation
panel, the scenario page's bundle table and the compared P(agreement) of ukraine-2022-11's
Black Sea Grain Initiative; a scenario without one renders its tables as before."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from detente.web import create_app

from .conftest import TEACHING

UKRAINE = Path(__file__).resolve().parents[2] / "scenarios" / "ukraine-2022-11.yaml"


@pytest.fixture
def both(tmp_path: Path) -> Iterator[TestClient]:
    d = tmp_path / "served"
    d.mkdir()
    shutil.copy(TEACHING, d / "teaching.yaml")
    shutil.copy(UKRAINE, d / "ukraine.yaml")
    with TestClient(create_app(d)) as c:
        yield c


def _stream(client: TestClient, sid: str) -> str:
    with client.stream("GET", f"/scenario/{sid}/simulate/stream?runs=40&seed=2") as r:
        return "".join(r.iter_text())


def test_the_simulation_panel_labels_the_corridor_in_force(both: TestClient) -> None:
    body = _stream(both, "ukraine")
    assert 'id="bundle-agreements"' in body
    assert '<th scope="col">In force at the start</th>' in body
    row = body.split('<tr data-bundle="black_sea" data-in-force="yes">')[1].split("</tr>")[0]
    assert "in force since 2022-07-22 (age 16 weeks): P(still in force at the horizon) " in row
    assert "P(ended within a year) " in row and "P(signed anew) " in row
    assert body.count('data-in-force="yes"') == 1


def test_the_scenario_page_and_compare_mark_the_bundle_in_force(both: TestClient) -> None:
    page = both.get("/scenario/ukraine").text
    assert "(in force since 2022-07-22: its zone is that of signing it anew" in page
    html = both.get("/compare/agreements?id=ukraine&id=teaching&runs=30").text
    assert html.count('<span class="in-force">in force since 2022-07-22') == 1
    rows = both.get("/compare/agreements.json?id=ukraine&id=teaching&runs=30").json()
    marked = [r["bundle_id"] for r in rows if "in_force_at_start" in r]
    assert marked == ["black_sea"]


def test_a_scenario_without_agreements_in_force_renders_as_before(both: TestClient) -> None:
    body = _stream(both, "teaching")
    assert "In force at the start" not in body and "data-in-force" not in body
    assert "P(agreement) per bundle (partial deal) within the horizon</caption>" in body
    assert "in force since" not in both.get("/scenario/teaching").text
