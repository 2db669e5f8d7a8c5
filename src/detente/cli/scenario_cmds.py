"""Scenario commands: ``check``, ``schema``, ``show``, ``report`` and ``demo``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from detente.cli.common import clean_errors
from detente.cli.output import OutputFormat, err_console, render_records, to_json
from detente.errors import DetenteError

__all__ = ["builtin_scenario", "register"]

DEMO_SCENARIO = "ukraine-2026-06.yaml"

FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output format: table, json or csv.")
]


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
    files: Annotated[list[Path], typer.Argument(help="Scenario files (YAML or JSON).")],
    strict: Annotated[
        bool,
        typer.Option(
            help="Also require every object with numbers to cite sources or an assumption."
        ),
    ] = False,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Validate scenario files. Exit 0 if all are valid, 1 if any is not."""
    from detente.scenario import ScenarioError, load_scenario

    records: list[dict[str, Any]] = []
    ok = True
    for path in files:
        try:
            s = load_scenario(path, strict=strict)
        except ScenarioError as exc:
            ok = False
            for p in exc.problems:
                records.append(
                    {
                        "file": str(path),
                        "valid": False,
                        "line": p.line,
                        "column": p.column,
                        "path": p.path,
                        "message": p.message,
                    }
                )
            if fmt is OutputFormat.table:
                err_console.print(str(exc), markup=False, highlight=False)
            continue
        records.append(
            {
                "file": str(path),
                "valid": True,
                "line": None,
                "column": None,
                "path": None,
                "message": f"valid: {s.meta.name} ({len(s.actors)} actors, {len(s.issues)} issues, "
                f"{len(s.ledger)} ledger entries)",
            }
        )
        if fmt is OutputFormat.table:
            typer.echo(f"{path}: {records[-1]['message']}")
    if fmt is not OutputFormat.table:
        typer.echo(render_records(records, fmt), nl=fmt is OutputFormat.json)
    raise typer.Exit(0 if ok else 1)


def schema(
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of the scenario format (for editor completion)."""
    from detente.scenario.jsonschema import scenario_json_schema

    text = json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        typer.echo(text, nl=False)
        return
    with clean_errors():
        out.write_text(text, encoding="utf-8")
    typer.echo(str(out))


_SHOW_PARTS = ("actors", "issues", "positions", "trust", "proposals", "ledger")


def show(
    scenario: Annotated[Path, typer.Argument(help="Scenario file.")],
    part: Annotated[
        str | None,
        typer.Option(help=f"Show one part only: {', '.join(_SHOW_PARTS)}."),
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """Show a scenario's actors, issues, positions, trust priors, proposals and ledger."""
    from detente.scenario import describe, load_scenario

    with clean_errors():
        if part is not None and part not in _SHOW_PARTS:
            raise DetenteError(f"--part must be one of {', '.join(_SHOW_PARTS)}; got {part!r}")
        if fmt is OutputFormat.csv and part is None:
            raise DetenteError("--format csv needs --part (one table per CSV)")
        s = load_scenario(scenario)
    tables = {
        "actors": describe.actor_rows(s),
        "issues": describe.issue_rows(s),
        "positions": describe.position_rows(s),
        "trust": describe.trust_rows(s),
        "proposals": describe.proposal_rows(s),
        "ledger": describe.ledger_rows(s),
    }
    chosen = [part] if part else list(_SHOW_PARTS)
    if fmt is OutputFormat.json:
        doc: dict[str, Any] = {"scenario": s.meta.name, "as_of": s.meta.as_of.isoformat()}
        doc.update({k: tables[k] for k in chosen})
        typer.echo(to_json(doc))
        return
    if fmt is OutputFormat.csv:
        typer.echo(render_records(tables[chosen[0]], fmt), nl=False)
        return
    typer.echo(f"{s.meta.name} (as of {s.meta.as_of})")
    for k in chosen:
        typer.echo(render_records(tables[k], fmt, title=k.capitalize()), nl=False)


def _make_report(
    scenario_path: Path,
    out: Path,
    seed: int,
    runs: int,
    quick: bool,
    events_db: Path | None = None,
) -> tuple[Path, Any]:
    from detente.manifest import content_hash
    from detente.report.build import build_report, write_report
    from detente.scenario import load_scenario

    s = load_scenario(scenario_path)
    digest = content_hash(scenario_path.read_bytes())
    cache: dict[str, Any] = {}
    if events_db is not None:
        if not events_db.is_file():
            raise DetenteError(
                f"{events_db}: no such event store (create it with `detente monitor ingest`)"
            )
        cache["monitor_db"] = events_db
    report = build_report(
        s, scenario_hash=digest, seed=seed, runs=runs, quick=quick, extra_cache=cache
    )
    return write_report(report, out), report


def report(
    scenario: Annotated[Path, typer.Argument(help="Scenario file.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for report.html.")] = Path(
        "detente-report"
    ),
    seed: Annotated[int, typer.Option(min=0, help="Seed for the stochastic sections.")] = 20261122,
    runs: Annotated[
        int, typer.Option(min=1, help="Monte Carlo runs for stochastic sections.")
    ] = 2000,
    quick: Annotated[bool, typer.Option(help="Smaller stochastic sections.")] = False,
    events_db: Annotated[
        Path | None,
        typer.Option(help="Event store (from `detente monitor ingest`) for the say/do section."),
    ] = None,
) -> None:
    """Write a self-contained HTML report (no CDN, charts embedded) and print its path."""
    with clean_errors():
        path, _ = _make_report(scenario, out, seed, runs, quick, events_db)
    typer.echo(str(path))


def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the report.")] = Path(
        "detente-demo"
    ),
    seed: Annotated[int, typer.Option(min=0, help="Seed for the stochastic sections.")] = 20261122,
    runs: Annotated[int, typer.Option(min=1, help="Monte Carlo runs.")] = 2000,
) -> None:
    """Analyse the built-in Russia–Ukraine scenario (latest snapshot) and write the report."""
    with clean_errors():
        path = builtin_scenario()
        html_path, rep = _make_report(path, out, seed, runs, quick=False)
    typer.echo(f"Scenario: {path.name} ({rep.manifest['scenario_sha256'][:12]}), seed {seed}")
    for sec in rep.sections:
        if sec.summary:
            typer.echo(f"- {sec.title}: {sec.summary}")
    for name, why in rep.skipped:
        typer.echo(f"- (skipped {name}: {why})")
    typer.echo(f"Report: {html_path.resolve()}")


def register(app: typer.Typer) -> None:
    """Add the scenario commands to the ``detente`` app."""
    app.command()(check)
    app.command()(schema)
    app.command()(show)
    app.command()(report)
    app.command()(demo)
