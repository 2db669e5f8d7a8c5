"""``cli/helptext.py`` overrides private hooks of Typer to clean ``--help`` (branch q17); the
fragility is explicit (branch q18, item 3): the hooks are checked before use, a Typer whose
hooks moved or changed signature gets Typer's own help (never a crash), this module fails
naming the Typer version when the installed Typer is not the one the hooks were written for,
and ``pyproject.toml``'s pin agrees with :data:`detente.cli.helptext.TESTED_TYPER`."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from typer.core import TyperArgument
from typer.testing import CliRunner

from detente.cli import helptext
from detente.cli.app import app

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture
def fresh_check() -> Iterator[None]:
    """The hooks checked afresh in the test, and again after it (its patches undone)."""
    helptext.hook_problems.cache_clear()
    yield
    helptext.hook_problems.cache_clear()


def test_the_installed_typer_has_the_hooks_cli_helptext_overrides(fresh_check: None) -> None:
    problems = helptext.hook_problems()
    assert problems == (), (
        f"Typer {version('typer')} is not the Typer {helptext.TESTED_TYPER} whose private hooks "
        f"cli/helptext.py overrides: {'; '.join(problems)}. --help falls back to Typer's own "
        "rendering; update cli/helptext.py (HOOKS, TESTED_TYPER) and pyproject.toml's pin together"
    )


def test_the_pin_the_tested_minor_and_the_installed_typer_agree() -> None:
    deps = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "dependencies"
    ]
    (pin,) = [d for d in deps if re.match(r"typer\b", d)]
    m = re.fullmatch(r"typer>=(\d+)\.(\d+)(?:\.\d+)?,<(\d+)\.(\d+)", pin.replace(" ", ""))
    assert m is not None, f"typer's pin {pin!r} is not >=X.Y,<X.Y+1"
    lo_major, lo_minor, hi_major, hi_minor = map(int, m.groups())
    assert (hi_major, hi_minor) == (lo_major, lo_minor + 1), f"{pin!r} spans more than a minor"
    assert f"{lo_major}.{lo_minor}" == helptext.TESTED_TYPER, (pin, helptext.TESTED_TYPER)
    installed = tuple(int(x) for x in version("typer").split(".")[:2])
    assert installed == (lo_major, lo_minor), (
        f"Typer {version('typer')} installed, outside pyproject.toml's pin {pin!r}"
    )


def _changed_signature(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Typer whose usage hook takes the context (and calls it with it)."""
    original: Callable[[Any], str] = TyperArgument._usage_display_name

    def usage(self: Any, ctx: Any) -> str:
        return original(self)

    monkeypatch.setattr(TyperArgument, "_usage_display_name", usage)
    monkeypatch.setattr(
        TyperArgument, "get_usage_pieces", lambda self, ctx: [self._usage_display_name(ctx)]
    )


def _renamed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Typer whose name-column hook has another name."""
    original = TyperArgument._rich_display_name
    record = TyperArgument.get_help_record
    monkeypatch.setattr(TyperArgument, "_name_column", original, raising=False)
    monkeypatch.delattr(TyperArgument, "_rich_display_name")

    def get_help_record(self: Any, ctx: Any) -> Any:
        self._rich_display_name = self._name_column  # Typer's own code under the new name
        try:
            return record(self, ctx)
        finally:
            del self._rich_display_name

    monkeypatch.setattr(TyperArgument, "get_help_record", get_help_record)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (_changed_signature, "TyperArgument._usage_display_name(self, ctx) is not (self)"),
        (_renamed, "TyperArgument._rich_display_name is missing"),
    ],
)
def test_help_falls_back_to_typers_own_under_other_hooks(
    monkeypatch: pytest.MonkeyPatch, fresh_check: None, change: Any, said: str
) -> None:
    change(monkeypatch)
    helptext.hook_problems.cache_clear()
    assert f"Typer {version('typer')}: {said}" in "; ".join(helptext.hook_problems())
    for args in (["simulate", "--help"], ["check", "--help"], ["trust", "show", "--help"]):
        r = runner.invoke(app, args, env={"COLUMNS": "200"})
        assert r.exit_code == 0, (args, r.output, r.exception)
        assert "Usage: detente" in r.output and "--help" in r.output
    r = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert r.exit_code == 0 and "simulate" in r.output
