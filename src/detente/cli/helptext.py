"""Clean ``--help`` pages: one plain word for what each option takes, nothing beside a flag.

Typer 0.29 labels every parameter with its Python type: ``<bool>`` beside each flag (even
``--help``), ``<str>``, ``<int range>``, and arguments as ``{scenario}`` in the usage line.
:func:`tidy_command` (called by :class:`detente.cli.common.DetenteGroup` on every command it
hands out, and on the root's own options) gives each option a metavar instead, the words
click uses: nothing for a flag; ``TEXT``, ``INTEGER``, ``NUMBER``, ``PATH``, ``DATE``
(``YYYY-MM-DD``), or the choices ``[table|json|csv]``; an explicit metavar (``YEARS``) is
kept. Arguments are named in capitals in the usage line (``SCENARIO``, ``[SCENARIO]`` when
optional, ``FILES...``) and in the arguments panel, without a type beside them. Only how help
is shown changes: names, parsing and error codes stay as they are.

The arguments' display relies on private hooks of Typer 0.29's ``TyperArgument``
(:data:`HOOKS`: ``_rich_display_name``, ``_usage_display_name``, ``display_type_rich``, the
property ``display_name_raw``) and on the ``type_descriptor`` Typer gives each parameter.
``pyproject.toml`` pins Typer to the tested minor (:data:`TESTED_TYPER`). Before tidying
anything, :func:`hook_problems` checks that each hook exists with the signature overridden
here: under a Typer whose hooks moved or changed, nothing is tidied and ``--help`` is Typer's
own rendering (type labels and all), never an error; ``tests/cli/test_q18_typer_hooks.py``
then fails naming the Typer version, and the pin and this module are updated together.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import inspect
from importlib.metadata import version
from pathlib import Path
from typing import Any, get_args, get_origin

from typer.core import TyperArgument, TyperOption

__all__ = ["HOOKS", "TESTED_TYPER", "hook_problems", "metavar_of", "tidy_command"]

TESTED_TYPER = "0.29"
"""The Typer minor whose private hooks this module overrides (``pyproject.toml``'s pin)."""

HOOKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("_rich_display_name", ("self",)),
    ("_usage_display_name", ("self",)),
    ("display_type_rich", ("self", "ctx")),
)
"""``TyperArgument`` methods overridden by :class:`_Argument`, with their parameters."""


@functools.cache
def hook_problems() -> tuple[str, ...]:
    """What differs, in the installed Typer, from the hooks this module overrides (empty when
    they are all there as in Typer :data:`TESTED_TYPER`); each problem names Typer's version."""
    found = version("typer")
    problems: list[str] = []
    for name, expected in HOOKS:
        hook = getattr(TyperArgument, name, None)
        if not callable(hook):
            problems.append(f"Typer {found}: TyperArgument.{name} is missing")
            continue
        try:
            params = tuple(inspect.signature(hook).parameters)
        except (TypeError, ValueError):
            params = ()
        if params != expected:
            problems.append(
                f"Typer {found}: TyperArgument.{name}({', '.join(params)}) is not "
                f"({', '.join(expected)}), the signature cli/helptext.py overrides"
            )
    if not isinstance(getattr(TyperArgument, "display_name_raw", None), property):
        problems.append(f"Typer {found}: TyperArgument.display_name_raw is not a property")
    for cls in (TyperArgument, TyperOption):
        if "type_descriptor" not in inspect.signature(cls.__init__).parameters:
            problems.append(f"Typer {found}: {cls.__name__} has no type_descriptor")
    return tuple(problems)


_WORDS: dict[Any, str] = {
    str: "TEXT",
    int: "INTEGER",
    float: "NUMBER",
    Path: "PATH",
    dt.date: "DATE",
}


class _Argument(TyperArgument):
    """A positional argument shown as ``NAME`` (``[NAME]`` when optional, ``NAME...`` when it
    takes several), with no type beside it: the name says what it is."""

    def _rich_display_name(self) -> str:
        return self.display_name_raw + ("..." if self.nargs != 1 else "")

    def _usage_display_name(self) -> str:
        name = self._rich_display_name()
        return name if self.required else f"[{name}]"

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def metavar_of(param: Any) -> str:
    """The word an option's value is shown with in ``--help`` ("" for a flag)."""
    if getattr(param, "is_flag", False):
        return ""
    if param.metavar is not None:
        return str(param.metavar)
    desc = param.type_descriptor
    annotation = desc.annotation
    if get_origin(annotation) is list:
        (annotation,) = get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "[" + "|".join(str(m.value) for m in annotation) + "]"
    return _WORDS.get(annotation, "VALUE")


def tidy_command(command: Any, ctx: Any) -> Any:
    """Give ``command`` (and, for a group, every subcommand) clean help; return it.

    Idempotent: a command is tidied once. ``ctx`` (the parent's context) builds the command's
    ``--help`` option, which click creates on first use. Under a Typer whose hooks differ
    (:func:`hook_problems`) ``command`` is returned as it is: Typer's own help."""
    if command is None or getattr(command, "_detente_tidy", False) or hook_problems():
        return command
    for param in command.get_params(ctx):
        if param.param_type_name == "option":
            param.metavar = metavar_of(param)
            info = getattr(getattr(param, "type_descriptor", None), "parameter_info", None)
            kind = getattr(getattr(info, "parser", None), "kind", None)
            if kind is not None:  # a numeric option (cli.common.number): its range, as click's
                param.metavar = f"{param.metavar} [{kind.span()}]"
        elif isinstance(param, TyperArgument):
            if param.metavar is None:
                param.metavar = str(param.name).upper()
            param.__class__ = _Argument
    command._detente_tidy = True
    for sub in getattr(command, "commands", {}).values():
        tidy_command(sub, ctx)
    return command
