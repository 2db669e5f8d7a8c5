"""Shared test helpers: the repository's path, the CLI app, and the Hypothesis profiles.

The suite needs nothing outside the repository (data it reads ships in ``data/`` and
``tests/**/fixtures``). Hypothesis runs derandomised by default (profile ``ci``: the same
examples every run, so a failure reproduces); ``HYPOTHESIS_PROFILE=dev`` draws fresh random
examples to explore.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import typer
from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"

# deadline=None: a process's first call of a compiled kernel compiles it (seconds), which says
# nothing about the code under test
settings.register_profile("ci", derandomize=True, database=None, print_blob=True, deadline=None)
settings.register_profile("dev", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def app() -> typer.Typer:
    """The real ``detente`` Typer app, as the console script builds it."""
    from detente.cli.app import app as detente_app

    return detente_app
