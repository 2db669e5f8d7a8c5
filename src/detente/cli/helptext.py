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
"""

from __future__ import annotations

import datetime as dt
import enum
from pathlib import Path
from typing import Any, get_args, get_origin

from typer.core import TyperArgument

__all__ = ["metavar_of", "tidy_command"]

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
    ``--help`` option, which click creates on first use."""
    if command is None or getattr(command, "_detente_tidy", False):
        return command
    for param in command.get_params(ctx):
        if param.param_type_name == "option":
            param.metavar = metavar_of(param)
        elif isinstance(param, TyperArgument):
            if param.metavar is None:
                param.metavar = str(param.name).upper()
            param.__class__ = _Argument
    command._detente_tidy = True
    for sub in getattr(command, "commands", {}).values():
        tidy_command(sub, ctx)
    return command
