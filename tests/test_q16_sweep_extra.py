"""A Sobol sweep on an install without the optional ``sweep`` extra (the README's first
command installs none) says which extra to install, with no traceback and no catalog left
behind (branch q16: the design's SALib import used to escape as ModuleNotFoundError)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli.app import app

REPO = Path(__file__).resolve().parents[1]


def test_a_sobol_sweep_without_salib_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("SALib", "SALib.sample", "SALib.sample.sobol", "SALib.analyze"):
        monkeypatch.setitem(sys.modules, name, None)  # `import SALib…` now fails
    catalog = tmp_path / "runs"
    r = CliRunner().invoke(
        app, ["sweep", str(REPO / "sweeps" / "example.yaml"), "--catalog", str(catalog)]
    )
    assert r.exit_code == 1, r.output
    text = " ".join(r.output.split())
    assert "optional package 'SALib' (the sweep extra)" in text
    assert '.venv/bin/pip install -e ".[sweep]"' in text
    assert "Traceback" not in r.output
    assert not catalog.exists()
