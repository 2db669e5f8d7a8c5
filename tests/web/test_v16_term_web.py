"""v16: the workspace shows a bundle's fixed term and P(lapse) (ukraine-2025-05's energy
moratorium, 30 days) in the simulation panel and the compared P(agreement), and the term's
end of the grain corridor in force at 2022-11; a scenario without a term renders as before."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from detente.web import create_app

from .conftest import TEACHING

ROOT = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[TestClient]:
    d = tmp_path / "served"
    d.mkdir()
    shutil.copy(TEACHING, d / "teaching.yaml")
    shutil.copy(ROOT / "ukraine-2025-05.yaml", d / "may.yaml")
    shutil.copy(ROOT / "ukraine-2022-11.yaml", d / "nov.yaml")
    with TestClient(create_app(d)) as c:
        yield c


def _stream(client: TestClient, sid: str) -> str:
    with client.stream("GET", f"/scenario/{sid}/simulate/stream?runs=40&seed=2") as r:
        return "".join(r.iter_text())


def test_the_panel_shows_the_moratorium_term(served: TestClient) -> None:
    body = _stream(served, "may")
    assert '<th scope="col">Fixed term</th>' in body
    row = body.split('<tr data-bundle="energy">')[1].split("</tr>")[0]
    assert "term 30 days (4 weeks), renewed by consent: P(lapsed at a term" in row
    rows = served.get("/compare/agreements.json?id=may&id=teaching&runs=30").json()
    assert [r["bundle_id"] for r in rows if "fixed_term" in r] == ["energy"]


def test_the_corridor_in_force_shows_its_term_end(served: TestClient) -> None:
    body = _stream(served, "nov")
    row = body.split('<tr data-bundle="black_sea" data-in-force="yes">')[1].split("</tr>")[0]
    assert "its term ends 2022-11-19 (renewed by consent): P(lapsed, not renewed" in row


def test_a_scenario_without_a_term_renders_as_before(served: TestClient) -> None:
    body = _stream(served, "teaching")
    assert "Fixed term" not in body and "lapsed" not in body
