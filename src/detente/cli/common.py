"""Pieces every command group shares: clean input errors, numeric and date options, signals that
stop a command cleanly, and groups with a default command.

Signals: :func:`install_signal_handlers` (called by the ``detente`` entry point before a command
runs) turns the first SIGINT or SIGTERM into :class:`Interrupted`, a ``KeyboardInterrupt``;
:class:`DetenteGroup` (the root of the command tree) turns it into a one-line message on stderr
and exit code 128 + the signal (130 after Ctrl-C, 143 after SIGTERM), with no traceback. Files
are only ever written whole (:mod:`detente.outputs`), so a stopped command leaves each output
either absent or complete. Once the command has finished (or has called :func:`done_writing`),
a late signal is noted and ignored: it can no longer stop anything."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import typer
from typer.core import TyperGroup

from detente.cli.output import err_console
from detente.errors import DetenteError, InputError, OptionValueError

if TYPE_CHECKING:
    from detente.api.numbers import Kind

__all__ = [
    "DefaultCommandGroup",
    "DetenteGroup",
    "Interrupted",
    "clean_errors",
    "date_value",
    "default_group",
    "done_writing",
    "exit_code_of",
    "install_signal_handlers",
    "number",
    "path_value",
    "progress_enabled",
    "stop_on_signals",
]

EXIT_INPUT = 1
"""Exit code of invalid input (a located message on stderr)."""
EXIT_USAGE = 2
"""Exit code of wrong usage caught by the parser (click's own code)."""


def number(kind: Kind) -> Callable[[Any], int | float]:
    """Parser of a numeric option (``--runs``, ``--seed``, ``--size`` …): the one parser of
    :mod:`detente.api.numbers`, which the Python API uses too (the same accepted and refused
    spellings: ``2000``, ``2_000``, ``2e3``; not ``1.5`` runs, ``nan``, ``inf``, ``1e30``).
    A bad value is a usage error (exit 2) naming the option, quoting the value and saying
    what is accepted."""
    from detente.api.numbers import parse

    def parse_option(value: Any) -> int | float:
        try:
            return parse(value, kind)
        except OptionValueError as err:
            raise typer.BadParameter(err.detail) from None

    parse_option.__name__ = "INTEGER" if kind.integer else "FLOAT"
    parse_option.kind = kind  # type: ignore[attr-defined]  # its range in --help (helptext)
    return parse_option


def path_value(value: Any) -> Path:
    """Parser of every path option and argument (``--out``, ``--db``, ``--manifest``, a
    scenario file …): an empty value is a usage error (exit 2) naming the option, never the
    current folder (which ``Path("")`` would silently become: ``--out "$DIR"`` with ``DIR``
    unset would write into the folder the command runs in). ``.`` names the current folder
    explicitly and is taken as written."""
    from detente.api.common import EMPTY_PATH, is_empty_path

    if isinstance(value, Path):
        return value
    if is_empty_path(value):
        raise typer.BadParameter(EMPTY_PATH)
    return Path(os.fsdecode(value) if isinstance(value, bytes) else str(value))


path_value.__name__ = "PATH"


def date_value(value: Any) -> dt.date:
    """Parser of a date option (``--as-of``, ``--start`` …): ``YYYY-MM-DD`` and a day that
    exists (:func:`detente.api.common.parse_date`, the one date parser); anything else, such as
    ``2024-02-30``, is a usage error (exit 2) naming the option, like every bad option value."""
    if isinstance(value, dt.date):
        return value
    from detente.api.common import parse_date

    try:
        when = parse_date(str(value), "date")
    except InputError as err:
        raise typer.BadParameter(str(err).removeprefix("date: ")) from None
    assert when is not None
    return when


date_value.__name__ = "DATE"


class Interrupted(KeyboardInterrupt):
    """Raised in the main thread by :func:`stop_on_signals` on SIGINT or SIGTERM."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_received: list[int] = []
"""Signals received by the running command (the first one stopped it)."""
_state = {"installed": False, "armed": False, "finished": False}


def _handler(signum: int, frame: Any) -> None:
    if _in_hook(frame):  # inside the unraisable hook, where Interrupted would be dropped
        return  # not noted: :func:`_redeliver` sends the signal again
    _received.append(signum)
    if _state["finished"] or not _state["armed"]:
        return  # done (nothing left to stop), or not started (acted on when it starts)
    if len(_received) == 1:
        raise Interrupted(signum)
    err_console.print("still stopping…", markup=False, highlight=False)


REDELIVER_DELAY = 0.005
"""Seconds before a signal whose :class:`Interrupted` a finalizer swallowed is sent again (and
between two sendings, until the handler has noted it)."""
REDELIVER_TRIES = 2000
"""Sendings at most (about ten seconds): a loaded machine can keep the main thread inside the
unraisable hook for longer than one delay."""


_redeliveries = [0]
"""How many times the unraisable hook has started a redelivery (only the latest one sends)."""


def _redeliver(signum: int, generation: int) -> None:
    """Send ``signum`` again until the handler notes it outside a finalizer and the unraisable
    hook (it then raises :class:`Interrupted` where Python propagates it), or another signal
    arrives, or the command has finished, or a later redelivery takes over."""
    for _ in range(REDELIVER_TRIES):
        time.sleep(REDELIVER_DELAY)
        if _received or _state["finished"] or _redeliveries[0] != generation:
            return  # noted (the handler notes every signal it acts on), or not ours any more
        os.kill(os.getpid(), signum)


def _on_unraisable(info: Any, hook: Any) -> None:
    """The body of :func:`_unraisable`'s hook (one code object, which the handler looks for on
    the stack: :func:`_in_hook`)."""
    if not isinstance(info.exc_value, Interrupted):
        hook(info)
        return
    signum = info.exc_value.signum
    if _received[:1] == [signum] and not _state["finished"]:
        _received.clear()
        # the signal sent again may land while this hook still runs (starting the thread waits
        # for it): the handler then ignores it, and it is sent once more
        _redeliveries[0] += 1
        args = (signum, _redeliveries[0])
        threading.Thread(target=_redeliver, args=args, daemon=True).start()


def _in_hook(frame: Any) -> bool:
    """Is :func:`_on_unraisable` on the stack of ``frame`` (the handler's)?"""
    while frame is not None:
        if frame.f_code is _on_unraisable.__code__:
            return True
        frame = frame.f_back
    return False


def _unraisable(hook: Any) -> Callable[[Any], None]:
    """A ``sys.unraisablehook`` for the command. Python cannot raise an exception out of a
    finalizer (``__del__``, a weakref callback): when the signal handler runs inside one, its
    :class:`Interrupted` would be printed as "Exception ignored in: …" with a traceback and
    dropped, and the command would run on as if no signal had come. Instead the signal is
    forgotten and sent again from another thread until the handler runs outside the finalizer
    and the hook, and stops the command as usual. Every other unraisable error goes to
    ``hook``."""

    def unraisable(info: Any) -> None:
        _on_unraisable(info, hook)

    return unraisable


def install_signal_handlers() -> None:
    """Handle SIGINT and SIGTERM for the whole command (the ``detente`` entry point calls this
    first). A signal that arrives while the command line is being parsed is held until the
    command starts (:class:`DetenteGroup`), so click never sees it; from then on the first one
    raises :class:`Interrupted`, and later ones are noted while the command cleans up (SIGKILL
    still ends it). A signal that lands inside a finalizer, where Python drops the exception,
    is sent again (:func:`_unraisable`)."""
    if threading.current_thread() is not threading.main_thread():
        return
    _received.clear()
    _state.update(armed=False, finished=False)
    for sig in _SIGNALS:
        signal.signal(sig, _handler)
    if not getattr(sys.unraisablehook, "_detente", False):
        hook = _unraisable(sys.unraisablehook)
        hook._detente = True  # type: ignore[attr-defined]
        sys.unraisablehook = hook
    _state["installed"] = True


def done_writing() -> None:
    """Say that the command's outputs are complete: a signal from now on is noted and ignored
    (the command prints its result and exits 0), so exit 130/143 always means that the command
    stopped before its outputs were complete."""
    _state["finished"] = True


def _start_command() -> None:
    """Arm the handlers as a command starts; a signal received before is acted on now."""
    if not _state["installed"]:  # in-process (tests): no handler has noted anything
        _received.clear()
    _state.update(armed=True, finished=False)
    if _received:
        raise Interrupted(_received[0])


@contextmanager
def stop_on_signals() -> Iterator[list[int]]:
    """Turn the first SIGINT or SIGTERM into :class:`Interrupted` (a ``KeyboardInterrupt``),
    so a command stops the way Ctrl-C stops it; later signals are noted and ignored while it
    cleans up (SIGKILL still ends it). Yields the list of signals received. Under the
    ``detente`` entry point the handlers are already installed for the whole command; this
    installs them for the block when a command runs in-process (tests)."""
    if _state["installed"] or threading.current_thread() is not threading.main_thread():
        yield _received
        return
    _received.clear()
    _state.update(armed=True, finished=False)
    old = {sig: signal.signal(sig, _handler) for sig in _SIGNALS}
    try:
        yield _received
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


def _interrupted_exit(err: BaseException) -> typer.Exit:
    """Print the one-line message of an interrupted command; the exit to raise."""
    signum = err.signum if isinstance(err, Interrupted) else (_received or [signal.SIGINT])[0]
    _state["finished"] = True  # stopping: further signals are noted, not raised
    err_console.print(
        f"interrupted ({signal.Signals(signum).name}): stopped before the command finished; "
        "no file was left half-written",
        markup=False,
        highlight=False,
    )
    return typer.Exit(128 + int(signum))


class DetenteGroup(TyperGroup):
    """The root of the command tree: a ``KeyboardInterrupt`` (Ctrl-C, or
    :class:`Interrupted` from :func:`install_signal_handlers`) anywhere in a command becomes a
    one-line message and exit 128 + the signal, never click's ``Aborted!`` (exit 1) or a
    traceback. The handlers act only between the start of the command's invocation and its
    end: a signal while the command line is parsed is acted on as the command starts, and one
    after the command has finished is ignored."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command, its one-line help (``detente --help``'s command list) the first
        paragraph of its docstring on one line: Typer's "rich" markup mode keeps the
        docstring's line breaks there, which cut sentences at the source's 96 columns. Its
        help pages (and its subcommands') are tidied (:mod:`detente.cli.helptext`)."""
        from detente.cli.helptext import tidy_command

        command = super().get_command(ctx, cmd_name)
        if command is not None and command.short_help is None and command.help:
            first = command.help.split("\n\n", 1)[0]
            command.short_help = " ".join(first.split())
        return tidy_command(command, ctx)

    def get_params(self, ctx: Any) -> list[Any]:
        """The root's own options (``--help``) shown without a type (:mod:`.helptext`)."""
        from detente.cli.helptext import hook_problems, metavar_of

        params: list[Any] = super().get_params(ctx)
        if hook_problems():  # a Typer whose hooks differ: its own help (cli/helptext.py)
            return params
        for param in params:
            if param.param_type_name == "option":
                param.metavar = metavar_of(param)
        return params

    def invoke(self, ctx: Any) -> Any:
        try:
            _start_command()
            return super().invoke(ctx)
        except KeyboardInterrupt as err:
            raise _interrupted_exit(err) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            # Typer 0.29 vendors its own click (typer._click): these are the exceptions it
            # raises; the stand-alone ``click`` package is not a dependency
            raise
        except Exception as err:
            # a library that catches the KeyboardInterrupt and raises its own error instead
            # (DuckDB: "RuntimeError: Query interrupted") was still stopped by the signal
            if _received and _state["armed"]:
                raise _interrupted_exit(err) from None
            raise
        finally:
            _state["finished"] = True
            if _state["installed"]:
                # ignored, not just noted: while Python shuts down it resets the handlers it
                # set to the default action (a late SIGINT would then kill the process, -2),
                # but leaves an ignored signal ignored
                for sig in _SIGNALS:
                    signal.signal(sig, signal.SIG_IGN)


def click_context() -> Any:
    """The running command's context (for a usage error's "Usage:" line), or None."""
    from typer._click.globals import get_current_context

    return get_current_context(silent=True)


@contextmanager
def clean_errors() -> Iterator[None]:
    """Turn input errors into ``error: message`` on stderr and the error's exit code; an
    :class:`OptionValueError` (an option's value this input cannot take, such as ``--as-of``
    after the scenario's date) becomes a usage error naming the option (exit 2), the way the
    parser reports a value of the wrong type.

    Only :class:`DetenteError` (bad input) and :class:`OSError` (a path that cannot be read or
    written) are caught: a bug still shows its traceback in tests.
    """
    try:
        yield
    except OptionValueError as err:  # a value this input cannot take: a usage error (exit 2)
        ctx = click_context()
        raise typer.BadParameter(err.detail, ctx=ctx, param_hint=f"'{err.option}'") from None
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
