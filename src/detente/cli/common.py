"""Pieces every command group shares: clean input errors, and groups with a default command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import typer
from typer.core import TyperGroup

from detente.cli.output import err_console
from detente.errors import DetenteError

__all__ = ["DefaultCommandGroup", "clean_errors", "default_group"]


@contextmanager
def clean_errors() -> Iterator[None]:
    """Turn input errors into ``error: message`` on stderr and the error's exit code.

    Only :class:`DetenteError` (bad input) and :class:`OSError` (a path that cannot be read or
    written) are caught: a bug still shows its traceback in tests.
    """
    try:
        yield
    except DetenteError as err:
        err_console.print(f"error: {err}", markup=False, highlight=False)
        raise typer.Exit(err.exit_code) from None
    except OSError as err:  # an unreadable input or unwritable output path
        where = f"{err.filename}: " if err.filename else ""
        err_console.print(f"error: {where}{err.strerror or err}", markup=False, highlight=False)
        raise typer.Exit(1) from None


class DefaultCommandGroup(TyperGroup):
    """A group whose first argument, when it is not a subcommand or option, goes to a default.

    Typer cannot give a group both a positional argument and subcommands; with this class
    ``detente trust SCENARIO`` means ``detente trust show SCENARIO`` while
    ``detente trust explain SCENARIO`` still reaches ``explain``. Subclasses set
    ``default_command`` (see :func:`default_group`).
    """

    default_command: ClassVar[str] = ""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


def default_group(command: str) -> type[DefaultCommandGroup]:
    """A :class:`DefaultCommandGroup` subclass that routes to ``command``."""
    return type(
        f"DefaultTo{command.title()}Group", (DefaultCommandGroup,), {"default_command": command}
    )
