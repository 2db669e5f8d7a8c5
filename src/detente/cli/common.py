"""Pieces every command group shares: clean input errors, whole-number options, signals that
stop a command cleanly, and groups with a default command."""

from __future__ import annotations

import math
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import typer
from typer.core import TyperGroup

from detente.cli.output import err_console
from detente.errors import DetenteError

__all__ = [
    "DefaultCommandGroup",
    "Interrupted",
    "clean_errors",
    "default_group",
    "exit_code_of",
    "progress_enabled",
    "stop_on_signals",
    "whole_number",
]

EXIT_INPUT = 1
"""Exit code of invalid input (a located message on stderr)."""
EXIT_USAGE = 2
"""Exit code of wrong usage caught by the parser (click's own code)."""


def whole_number(minimum: int) -> Callable[[Any], int]:
    """Parser of a count option (``--runs``, ``--seed`` …): a whole number at least
    ``minimum``, written ``2000``, ``2_000`` or ``2e3``; anything else is a usage error (exit
    2) naming the option."""

    def parse(value: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            n = value
        else:
            text = str(value).strip().replace("_", "")
            try:
                n = int(text)
            except ValueError:
                try:
                    f = float(text)
                except ValueError:
                    raise typer.BadParameter(f"{value!r} is not a whole number") from None
                if not math.isfinite(f):
                    raise typer.BadParameter(f"{value!r} is not a finite number") from None
                if f != math.floor(f):
                    raise typer.BadParameter(f"{value!r} is not a whole number") from None
                n = int(f)
        if n < minimum:
            raise typer.BadParameter(f"{n} is less than {minimum}")
        return n

    parse.__name__ = "INTEGER"
    return parse


class Interrupted(KeyboardInterrupt):
    """Raised in the main thread by :func:`stop_on_signals` on SIGINT or SIGTERM."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextmanager
def stop_on_signals() -> Iterator[list[int]]:
    """Turn the first SIGINT or SIGTERM into :class:`Interrupted` (a ``KeyboardInterrupt``),
    so a command stops the way Ctrl-C stops it; later signals are noted and ignored while it
    cleans up (SIGKILL still ends it). Yields the list of signals received."""
    received: list[int] = []

    def handler(signum: int, frame: Any) -> None:
        received.append(signum)
        if len(received) == 1:
            raise Interrupted(signum)
        err_console.print("still stopping…", markup=False, highlight=False)

    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    old = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)


def progress_enabled() -> bool:
    """Progress is drawn on stderr, only when stderr is a terminal (never in CI), so stdout
    (JSON, CSV, tables) stays clean whatever it is redirected to."""
    import os
    import sys

    return sys.stderr.isatty() and not os.environ.get("CI")


def exit_code_of(received: list[int]) -> int:
    """Exit code after an interruption: 128 + the signal (130 for SIGINT, 143 for SIGTERM)."""
    return 128 + (received[0] if received else int(signal.SIGINT))


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
