"""``detente trust``: trust trajectories replayed from a scenario's ledger, and why they moved.

Forms::

    detente trust SCENARIO [--truster ID] [--trustee ID] [--as-of DATE] [--rule NAME]
                           [--snapshot] [--format table|json|csv] [--chart FILE.svg|png]
    detente trust explain SCENARIO --truster ID --trustee ID --dimension DIM [--top N]
    detente trust resolutions SCENARIO [--as-of DATE]

Typer cannot give a group both a positional argument and subcommands, so the group uses
:class:`detente.cli.common.DefaultCommandGroup`: when the first argument is neither a
subcommand name nor an option it is handed to the default ``show`` command
(``detente trust show SCENARIO`` is the explicit spelling; a scenario file literally named
``explain`` must be written that way).

JSON output is a list of records: ``date, truster, trustee, dimension, belief, disbelief,
uncertainty, expected, reading, cause`` (``--snapshot`` adds ``r`` and ``s``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from detente.api.common import check_ending
from detente.api.numbers import TOP
from detente.cli.common import clean_errors, date_value, default_group, number, path_value
from detente.cli.output import OutputFormat, emit, err_console, render_records
from detente.errors import InputError, OptionValueError

if TYPE_CHECKING:
    pass

__all__ = ["register"]


trust_app = typer.Typer(
    cls=default_group("show"),
    help=(
        "Trust per dimension replayed from the ledger (`detente trust SCENARIO`), and why it "
        "moved (`detente trust explain SCENARIO --truster A --trustee B --dimension D`)."
    ),
    no_args_is_help=True,
)

_FORMAT = typer.Option("--format", "-f", help="Output format.")
_ASOF = typer.Option(
    "--as-of",
    parser=date_value,
    help="Replay up to this date (YYYY-MM-DD); default and latest: the scenario's own date.",
)
_RULE = typer.Option("--rule", help="Update rule: evidence or bayes.")
_SCEN = typer.Argument(parser=path_value, help="Scenario file (YAML).")


@trust_app.command("show")
def show_cmd(
    scenario: Annotated[Path, _SCEN],
    truster: Annotated[str | None, typer.Option("--truster", help="Only this truster.")] = None,
    trustee: Annotated[str | None, typer.Option("--trustee", help="Only this trustee.")] = None,
    as_of: Annotated[dt.date | None, _ASOF] = None,
    rule: Annotated[str, _RULE] = "evidence",
    snapshot: Annotated[
        bool, typer.Option("--snapshot", help="Only the state at the end date.")
    ] = False,
    fmt: Annotated[OutputFormat, _FORMAT] = OutputFormat.table,
    chart: Annotated[
        Path | None,
        typer.Option(
            "--chart", parser=path_value, help="Also write a trajectory chart (.svg/.png)."
        ),
    ] = None,
    all_pairs: Annotated[
        bool,
        typer.Option(
            "--all-pairs",
            help="Also list pairs with neither a prior nor a ledger entry (the default prior).",
        ),
    ] = False,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace the --chart file if it exists.")
    ] = False,
) -> None:
    """Trust trajectories: one row per (truster, trustee, dimension) an entry moved.

    Only known pairs are listed (a trust prior in the scenario, or moved by a ledger entry);
    asking for one pair that is not known is an error naming the known pairs."""
    with clean_errors():
        from detente.api import replay_trust

        if chart is not None:  # a value the option cannot take: a usage error (exit 2)
            check_ending(chart, (".svg", ".png"), "chart", "--chart")
        if chart is not None:
            from detente.outputs import check_output_file

            check_output_file(chart, [scenario], overwrite=overwrite, option="--chart")
        try:
            result = replay_trust(
                scenario,
                truster=truster,
                trustee=trustee,
                as_of=as_of,
                rule=rule,
                snapshot=snapshot,
                all_pairs=all_pairs,
            )
        except OptionValueError:
            raise  # a usage error naming the option (clean_errors), located already
        except InputError as e:  # located: the scenario named once
            raise (e if str(scenario) in str(e) else InputError(f"{scenario}: {e}")) from None
        records = result.records()
        cols = None if fmt is OutputFormat.json else _table_columns(fmt, snapshot)
        title = "Trust at the end date" if snapshot else "Trust trajectories"
        if chart is not None:  # first: a chart that cannot be written prints no results
            from detente.outputs import write_bytes
            from detente.report.charts import to_png, to_svg

            figure = result.chart()
            svg = chart.suffix.lower() == ".svg"
            data = to_svg(figure).encode("utf-8") if svg else to_png(figure)
            write_bytes(chart, data, overwrite=overwrite)
        emit(render_records(records, fmt, title=title, columns=cols))
        if chart is not None:
            err_console.print(f"chart written to {chart}", markup=False, highlight=False)


def _table_columns(fmt: OutputFormat, snapshot: bool) -> list[str]:
    from detente.trust import RECORD_COLUMNS

    cols = list(RECORD_COLUMNS)
    if snapshot:
        cols = [*cols[:-1], "r", "s"]
    return cols


@trust_app.command("explain")
def explain_cmd(
    scenario: Annotated[Path, _SCEN],
    truster: Annotated[str, typer.Option("--truster", help="Who trusts.")],
    trustee: Annotated[str, typer.Option("--trustee", help="Who is trusted.")],
    dimension: Annotated[
        str,
        typer.Option(
            "--dimension",
            "-d",
            help="capacity, peaceful_intention, integrity or predictability.",
        ),
    ],
    as_of: Annotated[dt.date | None, _ASOF] = None,
    rule: Annotated[str, _RULE] = "evidence",
    top: Annotated[
        int, typer.Option("--top", parser=number(TOP), help="How many entries to list.")
    ] = 10,
    fmt: Annotated[OutputFormat, _FORMAT] = OutputFormat.table,
) -> None:
    """The ledger entries that moved one trust value most, with their contributions."""
    with clean_errors():
        from detente.api import replay_trust

        replayed = replay_trust(scenario, as_of=as_of, rule=rule)
        rows = replayed.explain(truster, trustee, dimension, top=top).records()
        cols = ["rank", "date", "cause", "contribution", "note"]
        title = None
        if rows:
            title = (
                f"{truster}'s trust in {trustee} ({dimension}): "
                f"{rows[0]['prior']:.3f} → {rows[0]['final']:.3f} "
                f"(prior only {rows[0]['prior_only']:.3f}, "
                f"ledger only {rows[0]['ledger_only']:.3f})"
            )
        emit(
            render_records(
                rows, fmt, title=title, columns=None if fmt is OutputFormat.json else cols
            )
        )


@trust_app.command("resolutions")
def resolutions_cmd(
    scenario: Annotated[Path, _SCEN],
    as_of: Annotated[dt.date | None, _ASOF] = None,
    fmt: Annotated[OutputFormat, _FORMAT] = OutputFormat.table,
) -> None:
    """How each due commitment (and claim with terms) resolved, and what decided it."""
    with clean_errors():
        from detente.api import replay_trust

        replayed = replay_trust(scenario, as_of=as_of)
        rows = replayed.resolutions().records()
        emit(render_records(rows, fmt, title="Ledger resolutions"))


def register(app: typer.Typer) -> None:
    """Add the ``trust`` group to the ``detente`` app."""
    app.add_typer(trust_app, name="trust")
