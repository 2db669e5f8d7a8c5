"""Scenario commands: ``check``, ``schema``, ``show``, ``report`` and ``demo``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from detente.api.numbers import RUNS, SEED, TRUST_WINDOW
from detente.cli.common import clean_errors, number, path_value
from detente.cli.output import OutputFormat, emit, err_console, render_records
from detente.core import DEFAULT_SEED
from detente.errors import DetenteError
from detente.report.base import TRUST_WINDOW_YEARS

__all__ = ["builtin_scenario", "register"]

DEMO_SCENARIO = "ukraine-2026-06.yaml"

FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output format: table, json or csv.")
]


_SEED = typer.Option(parser=number(SEED), help="Seed for the stochastic sections.")
_OVERWRITE = typer.Option(
    "--overwrite",
    help="Replace an earlier report in --out (its files only, and only those still as it wrote "
    "them: an edited one is refused; other files are never touched).",
)


def builtin_scenario(name: str = DEMO_SCENARIO) -> Path:
    """Path of a scenario shipped with detente (``scenarios/`` in the source tree)."""
    from importlib import resources

    packaged = Path(str(resources.files("detente") / "scenarios" / name))
    if packaged.is_file():
        return packaged
    repo = Path(__file__).resolve().parents[3] / "scenarios" / name
    if repo.is_file():
        return repo
    raise DetenteError(f"built-in scenario {name!r} is not installed")


def check(
    files: Annotated[
        list[Path], typer.Argument(parser=path_value, help="Scenario files (YAML or JSON).")
    ],
    strict: Annotated[
        bool,
        typer.Option(
            help="Also require every object with numbers to cite sources or an assumption."
        ),
    ] = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Validate scenario files. Exit 0 if all are valid, 1 if any is not (notes, such as a
    bundle no track can settle, are listed under a valid file and never fail it)."""
    from detente.api import check as run_check

    result = run_check(files, strict=strict)
    if fmt is OutputFormat.table:
        for text in result.errors:
            err_console.print(text, markup=False, highlight=False)
        for r in result.records():
            if r["valid"] and r["line"] is not None:  # a note, located as a problem is
                emit(f"{r['file']}:{r['line']}:{r['column']}: {r['path']}: {r['message']}")
            elif r["valid"]:
                emit(f"{r['file']}: {r['message']}")
    else:
        emit(render_records(result.records(), fmt, document=result.to_dict()))
    raise typer.Exit(0 if result.ok else 1)


def schema(
    out: Annotated[
        Path | None,
        typer.Option(parser=path_value, help="Write to this new file instead of stdout."),
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace the --out file if it exists.")
    ] = False,
) -> None:
    """Print the JSON Schema of the scenario format (for editor completion)."""
    from detente.scenario.jsonschema import scenario_json_schema

    if out is not None:
        with clean_errors():
            from detente.outputs import check_output_file

            check_output_file(out, overwrite=overwrite, option="--out")
    text = json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        typer.echo(text, nl=False)
        return
    with clean_errors():
        from detente.outputs import write_text

        write_text(out, text, overwrite=overwrite)
    typer.echo(str(out))


_SHOW_PARTS = ("actors", "issues", "positions", "trust", "proposals", "ledger")


def show(
    scenario: Annotated[Path, typer.Argument(parser=path_value, help="Scenario file.")],
    part: Annotated[
        str | None,
        typer.Option(help=f"Show one part only: {', '.join(_SHOW_PARTS)}."),
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Show a scenario's actors, issues, positions, trust priors, proposals and ledger."""
    from detente.api import describe

    with clean_errors():
        if fmt is OutputFormat.csv and part is None:
            raise DetenteError("--format csv needs --part (one table per CSV)")
        result = describe(scenario, part=part)
    doc = result.to_dict()
    if fmt is OutputFormat.json:
        emit(render_records([], fmt, document=doc))
        return
    if fmt is OutputFormat.csv:
        emit(render_records(result.table(result.parts[0]), fmt))
        return
    emit(f"{doc['scenario']} (as of {doc['as_of']})")
    for k in result.parts:
        emit(render_records(result.table(k), fmt, title=k.capitalize()))


def _make_report(
    scenario_path: Path,
    out: Path,
    seed: int,
    runs: int,
    quick: bool,
    events_db: Path | None = None,
    trust_window: int = TRUST_WINDOW_YEARS,
    overwrite: bool = False,
) -> tuple[Path, Any]:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from detente.api import report as build
    from detente.cli.common import progress_enabled
    from detente.report.build import check_report_dir
    from detente.report.sections import SECTION_MODULES

    inputs = [scenario_path, *([events_db] if events_db is not None else [])]
    check_report_dir(out, inputs, overwrite=overwrite)

    bar = Progress(
        TextColumn("report: {task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} sections"),
        TimeElapsedColumn(),
        disable=not progress_enabled(),
        transient=True,
        console=err_console,
    )
    with bar:
        # the total is known before the first frame (never "0/None sections")
        tid = bar.add_task("loading the scenario", total=len(SECTION_MODULES))

        def step(done: int, total: int, section: str) -> None:
            bar.update(tid, completed=done, total=total, description=section)

        result = build(
            scenario_path,
            out=out,
            seed=seed,
            runs=runs,
            quick=quick,
            events_db=events_db,
            progress=step,
            trust_window=trust_window,
            overwrite=overwrite,
        )
    assert result.path is not None
    return result.path, result.report


def report(
    scenario: Annotated[Path, typer.Argument(parser=path_value, help="Scenario file.")],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            parser=path_value,
            help="Directory for report.html, manifest.json and the data bundle (data/, "
            "report-data.zip).",
        ),
    ] = Path("detente-report"),
    seed: Annotated[
        int, typer.Option(parser=number(SEED), help="Seed for the stochastic sections.")
    ] = DEFAULT_SEED,
    runs: Annotated[
        int, typer.Option(parser=number(RUNS), help="Monte Carlo runs for stochastic sections.")
    ] = 2000,
    quick: Annotated[bool, typer.Option(help="Smaller stochastic sections.")] = False,
    events_db: Annotated[
        Path | None,
        typer.Option(
            parser=path_value,
            help="Event store (from `detente monitor ingest`) for the say/do section.",
        ),
    ] = None,
    trust_window: Annotated[
        int,
        typer.Option(
            "--trust-window",
            parser=number(TRUST_WINDOW),
            metavar="YEARS",
            help="Years of trust history charted, up to the scenario's date.",
        ),
    ] = TRUST_WINDOW_YEARS,
    overwrite: Annotated[bool, _OVERWRITE] = False,
) -> None:
    """Write a self-contained HTML report (no CDN, charts embedded) with its data bundle (a
    CSV per chart or table, one JSON, a zip of both) and print the report's path."""
    with clean_errors():
        path, _ = _make_report(
            scenario, out, seed, runs, quick, events_db, trust_window, overwrite=overwrite
        )
    emit(str(path))


def demo(
    out: Annotated[
        Path, typer.Option("--out", "-o", parser=path_value, help="Directory for the report.")
    ] = Path("detente-demo"),
    seed: Annotated[
        int, typer.Option(parser=number(SEED), help="Seed for the stochastic sections.")
    ] = DEFAULT_SEED,
    runs: Annotated[int, typer.Option(parser=number(RUNS), help="Monte Carlo runs.")] = 2000,
    overwrite: Annotated[bool, _OVERWRITE] = False,
) -> None:
    """Analyse the built-in Russia–Ukraine scenario (latest snapshot) and write the report
    with its data bundle."""
    from detente.report.bundle import ZIP_NAME

    with clean_errors():
        path = builtin_scenario()
        html_path, rep = _make_report(path, out, seed, runs, quick=False, overwrite=overwrite)
    emit(f"Scenario: {path.name} ({rep.manifest['scenario_sha256'][:12]}), seed {seed}")
    for sec in rep.sections:
        if sec.summary:
            emit(f"- {sec.title}: {sec.summary}")
    for name, why in rep.skipped:
        emit(f"- (skipped {name}: {why})")
    emit(f"Data: {(html_path.parent / ZIP_NAME).resolve()} (also in data/ beside the report)")
    emit(f"Report: {html_path.resolve()}")


def register(app: typer.Typer) -> None:
    """Add the scenario commands to the ``detente`` app."""
    app.command()(check)
    app.command()(schema)
    app.command()(show)
    app.command()(report)
    app.command()(demo)
