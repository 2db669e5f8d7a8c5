"""Fixtures of the workspace tests: a small served directory and a TestClient."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("jinja2")

from starlette.testclient import TestClient

from detente.web import create_app
from detente.web.store import default_dir

TEACHING = default_dir() / "teaching.yaml"


@pytest.fixture
def served(tmp_path: Path) -> Path:
    """A served directory: the teaching case and a variant with Norland's red line moved."""
    d = tmp_path / "served"
    d.mkdir()
    shutil.copy(TEACHING, d / "teaching.yaml")
    text = TEACHING.read_text(encoding="utf-8")
    variant = text.replace("name: Ash Valley (teaching case)", "name: Ash Valley variant", 1)
    assert variant != text
    (d / "variant.yaml").write_text(variant, encoding="utf-8")
    (tmp_path / "secret.yaml").write_text("not served\n", encoding="utf-8")
    return d


@pytest.fixture
def client(served: Path) -> Iterator[TestClient]:
    with TestClient(create_app(served)) as c:
        yield c
