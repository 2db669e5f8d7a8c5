"""The ``detente`` Typer application.

Each group of subcommands lives in its own module with a ``register(app)`` function; this
module only assembles them. Adding a command group = one line in ``COMMAND_MODULES``.
Heavy libraries are imported inside command functions, so ``detente --help`` stays fast.
"""

from __future__ import annotations

import importlib

import typer

from detente.cli.common import DetenteGroup

__all__ = ["COMMAND_MODULES", "app", "main"]

COMMAND_MODULES: tuple[str, ...] = (
    "detente.cli.scenario_cmds",
    "detente.cli.forecast",
    "detente.cli.monitor",
    "detente.cli.simulate",
    "detente.cli.bargaining",
    "detente.cli.trust",
    "detente.cli.serve",
    "detente.cli.sweep",
)

app = typer.Typer(
    name="detente",
    cls=DetenteGroup,
    help=(
        "Analyse peace negotiations between adversaries who do not trust each other.\n\n"
        "Start with `detente demo`, or `detente check my-scenario.yaml`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    """Console-script entry point: SIGINT and SIGTERM stop any command cleanly (exit 130 or
    143, a one-line message, no traceback; see :mod:`detente.cli.common`)."""
    from detente.cli.common import install_signal_handlers

    install_signal_handlers()
    app()
