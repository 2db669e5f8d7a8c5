"""How the browser tests get their Chromium: found, installed (root + apt-get), or a loud
failure naming the command to run. No browser is started here."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

import pytest

from . import conftest


def test_without_root_the_tests_fail_with_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(conftest, "_find_chromium", lambda: None)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(pytest.fail.Exception) as info:
        conftest._install_chromium()
    assert "sudo apt-get update && sudo apt-get install -y chromium" in str(info.value)


def test_as_root_it_installs_then_updates_the_lists_once_if_needed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    calls: list[list[str]] = []
    installed: list[str] = []

    def run(cmd: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
        calls.append(cmd)
        assert kw["env"]["DEBIAN_FRONTEND"] == "noninteractive"
        assert kw["stdin"] is subprocess.DEVNULL
        if cmd[1] == "update":
            installed.append("lists")
            return subprocess.CompletedProcess(cmd, 0, "", "")
        if installed:  # the second install, after the update, works
            installed.append("chromium")
            return subprocess.CompletedProcess(cmd, 0, "", "")
        return subprocess.CompletedProcess(cmd, 100, "", "E: Unable to locate package chromium")

    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/apt-get")
    monkeypatch.setattr(subprocess, "run", run)
    monkeypatch.setattr(
        conftest, "_find_chromium", lambda: "/usr/bin/chromium" if "chromium" in installed else None
    )
    monkeypatch.setattr(conftest.tempfile, "gettempdir", lambda: str(tmp_path))
    assert conftest._install_chromium() == "/usr/bin/chromium"
    assert [c[1] for c in calls] == ["install", "update", "install"]
    assert calls[0][-1] == "chromium" and "-y" in calls[0]


def test_a_failed_install_says_what_happened_and_what_to_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/apt-get")
    monkeypatch.setattr(
        subprocess,
        "run",
        lambda cmd, **kw: subprocess.CompletedProcess(cmd, 100, "", "E: no network"),
    )
    monkeypatch.setattr(conftest, "_find_chromium", lambda: None)
    monkeypatch.setattr(conftest.tempfile, "gettempdir", lambda: str(tmp_path))
    with pytest.raises(pytest.fail.Exception) as info:
        conftest._install_chromium()
    text = str(info.value)
    assert "E: no network" in text and "exit 100" in text
    assert "sudo apt-get install -y chromium" in text
