"""The twenty-second session's final review (rev22 item 5): a scheduler address Dask cannot
read was a traceback (exit 1); it is a usage error naming ``--scheduler`` (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli.app import app

ROOT = Path(__file__).parents[1]


def test_an_unreadable_scheduler_address_is_a_usage_error() -> None:
    pytest.importorskip("distributed")
    r = CliRunner().invoke(
        app,
        [
            "sweep",
            str(ROOT / "tests" / "sweep" / "small.yaml"),
            "--backend",
            "dask",
            "--scheduler",
            "nope://x",
        ],
    )
    assert r.exit_code == 2, r.output
    flat = "".join(r.output.replace("│", "").split())
    assert "--scheduler" in flat and "nope" in flat
    assert r.exception is None or isinstance(r.exception, SystemExit)
