"""Shared test helpers: paths to the repo, the shared data folder and fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present next to the repository")
    return SHARED


@pytest.fixture(scope="session")
def app() -> typer.Typer:
    """The real ``detente`` Typer app, as the console script builds it."""
    from detente.cli.app import app as detente_app

    return detente_app
