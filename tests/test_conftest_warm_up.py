"""The kernel warm-up's handshake in ``tests/conftest.py`` (ci9; review fixes, fix9): the thread
that waits for the warm-up always tells the workers it ended, and the session's end stops a
warm-up still running."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

CONFTEST = Path(__file__).resolve().parent / "conftest.py"


def _conftest() -> ModuleType:
    """The conftest module pytest loaded (not a second copy)."""
    for mod in list(sys.modules.values()):
        if Path(getattr(mod, "__file__", None) or "/").resolve() == CONFTEST:
            return mod
    raise AssertionError("tests/conftest.py is not loaded")


class _Broken:
    """A warm-up process whose output cannot be read (e.g. undecodable bytes)."""

    returncode = None

    def communicate(self, timeout: float | None = None) -> Any:
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")


def test_the_workers_are_told_even_when_reading_the_warm_up_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conf = _conftest()
    failed: list[str] = []
    monkeypatch.setattr(conf, "_warm_up_failed", failed)
    monkeypatch.setattr(conf, "_warming", [])
    ready = tmp_path / "ready"
    conf._finish_warm_up(_Broken(), ready)
    assert ready.read_text(encoding="utf-8").startswith("UnicodeDecodeError")
    assert failed and failed[0].startswith("UnicodeDecodeError")


def test_the_signal_is_not_written_into_a_removed_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session can end (and remove the folder) before the warm-up: no error then."""
    conf = _conftest()
    monkeypatch.setattr(conf, "_warm_up_failed", [])
    monkeypatch.setattr(conf, "_warming", [])
    proc = subprocess.Popen(
        [sys.executable, "-c", "pass"], stderr=subprocess.PIPE, text=True, errors="replace"
    )
    conf._finish_warm_up(proc, tmp_path / "gone" / "ready")
    assert not (tmp_path / "gone").exists()


def test_the_session_end_stops_a_warm_up_still_running() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)"],
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
    )
    _conftest()._stop_warm_up(proc)
    assert proc.poll() is not None
    assert proc.stderr is not None
    proc.stderr.close()
