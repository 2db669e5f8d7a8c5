"""``detente monitor``: ingest event data, say/do measures, flags, and ledger verification.

::

    detente monitor ingest FILE... --db STORE.duckdb [--input-format F] [--mapping CSV]
    detente monitor measures --db STORE.duckdb [--window week] [--actor RU] [--region R]
    detente monitor flags --db STORE.duckdb (SCENARIO | --actor A --date D [--region R] ...)
    detente monitor verify SCENARIO --db STORE.duckdb [--out observations.yaml]

``--format table|json|csv`` sets the output as everywhere; the *input* format of event files is
``--input-format`` (detected from the header or column count when omitted). Each command parses
its options, calls :mod:`detente.api.monitor` and renders the result.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from detente.api.numbers import SIZE
from detente.cli.common import clean_errors, date_value, number, path_value
from detente.cli.output import OutputFormat, emit, err_console, render_records

__all__ = ["flags_cmd", "ingest_cmd", "measures_cmd", "register", "verify_cmd"]

Fmt = Annotated[OutputFormat, typer.Option("--format", help="Output: table, json or csv.")]
Db = Annotated[Path, typer.Option("--db", parser=path_value, help="DuckDB event store file.")]
ManifestOut = Annotated[
    Path | None,
    typer.Option(
        "--manifest",
        parser=path_value,
        help="Also write the run's manifest (JSON) to this new file.",
    ),
]
Overwrite = Annotated[
    bool,
    typer.Option(
        "--overwrite",
        help="Replace output files (--manifest, --parquet, --out) that already exist.",
    ),
]

INGEST_COLUMNS = [
    "file",
    "format",
    "rows_read",
    "rows_loaded",
    "rows_rejected",
    "duplicates_dropped",
    "rejected_by_reason",
]
FLAG_COLUMNS = ["actor", "date", "kind", "region", "ref", "evidence"]
OBSERVATION_COLUMNS = [
    "id",
    "about",
    "date",
    "assessment",
    "verification",
    "region",
    "value",
    "baseline",
    "refers_to",
]


def _check_outputs(
    outputs: dict[str, Path | None], inputs: list[Path | None], overwrite: bool
) -> None:
    """Check every output file option before the command starts
    (:func:`detente.outputs.check_output_file`: never an input, never an existing file
    without ``--overwrite``), and that two options do not name the same file."""
    from detente.errors import OutputClashError
    from detente.outputs import check_output_file

    named = {opt: p for opt, p in outputs.items() if p is not None}
    ins = [p for p in inputs if p is not None]
    for opt, path in named.items():
        check_output_file(path, ins, overwrite=overwrite, option=opt)
    if len({p.resolve() for p in named.values()}) < len(named):
        first = next(iter(named.values()))
        raise OutputClashError(f"{first}: {' and '.join(named)} name the same file")


def _write_manifest(out: Path | None, manifest: dict[str, Any], overwrite: bool) -> None:
    """Write the manifest as JSON to ``out`` (opt-in; stdout keeps its shape); checked first by
    :func:`_check_outputs`."""
    if out is not None:
        from detente.outputs import write_json

        write_json(out, manifest, overwrite=overwrite)


def _print_store_warnings(db: Path) -> None:
    """Print the store's warnings (unfinished ingests: partial events) on stderr."""
    from detente.api.monitor import connect

    with connect(db, read_only=True) as store:
        for line in store.warnings():
            err_console.print(line, markup=False, highlight=False)


def _flag_table(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in records:
        ev = r["evidence"]
        summary = ev.get("reason", "")
        if "rate_ratio" in ev:
            summary = (
                f"RR {ev['rate_ratio']:.3g} [{ev['ci_low']:.3g}, {ev['ci_high']:.3g}]; " + summary
            )
        out.append({**r, "evidence": summary})
    return out


def ingest_cmd(
    files: Annotated[
        list[Path], typer.Argument(parser=path_value, help="Event files (plain or .zip).")
    ],
    db: Db,
    input_format: Annotated[
        str | None,
        typer.Option(
            "--input-format",
            help="gdelt1, gdelt2, gdelt2-mentions, icews, acled, ucdp or counts.",
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", parser=path_value, help="CSV 'key,actor' actor mapping."),
    ] = None,
    parquet: Annotated[
        Path | None,
        typer.Option(
            "--parquet",
            parser=path_value,
            help="Also export all events to this Parquet file (.parquet or .pq), a new file.",
        ),
    ] = None,
    manifest: ManifestOut = None,
    overwrite: Overwrite = False,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Stream event files into the store; every row is loaded, rejected or a duplicate."""
    with clean_errors():
        from detente.api.common import check_ending
        from detente.api.monitor import PARQUET_SUFFIXES, ingest

        _check_outputs(  # first: an output pointed at an input is refused as such
            {"--parquet": parquet, "--manifest": manifest}, [*files, db, mapping], overwrite
        )
        if parquet is not None:  # a usage error naming --parquet (exit 2), before any work
            check_ending(parquet, PARQUET_SUFFIXES, "parquet", "--parquet")
        result = ingest(files, db, input_format=input_format, mapping=mapping, parquet=parquet)
        _print_store_warnings(db)
        for line in result.lines:
            if fmt is OutputFormat.table:
                emit(line)
            else:
                err_console.print(line, markup=False, highlight=False)
        _write_manifest(manifest, result.manifest, overwrite)
        records = result.records()
        if fmt is OutputFormat.table:
            for r in records:
                r["rejected_by_reason"] = "; ".join(
                    f"{k}: {v}" for k, v in r["rejected_by_reason"].items()
                )
            emit(render_records(records, fmt, title="Ingest", columns=INGEST_COLUMNS))
        else:
            cols = INGEST_COLUMNS if fmt is OutputFormat.csv else None
            emit(render_records(records, fmt, columns=cols, document=result.to_dict()))


def measures_cmd(
    db: Db,
    window: Annotated[str, typer.Option(help="day, week, month, quarter or year.")] = "week",
    actor: Annotated[str | None, typer.Option(help="Keep dyads with this actor.")] = None,
    region: Annotated[str | None, typer.Option(help="Keep this region.")] = None,
    start: Annotated[
        dt.date | None, typer.Option(parser=date_value, help="From (YYYY-MM-DD).")
    ] = None,
    end: Annotated[
        dt.date | None, typer.Option(parser=date_value, help="Before (YYYY-MM-DD).")
    ] = None,
    manifest: ManifestOut = None,
    overwrite: Overwrite = False,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Counts, Goldstein sums, fatalities and the say/do gap per dyad, region, window."""
    with clean_errors():
        from detente.api.monitor import measures

        _check_outputs({"--manifest": manifest}, [db], overwrite)
        result = measures(
            db,
            window=window,
            actor=actor,
            region=region,
            start=start,
            end=end,
        )
        _print_store_warnings(db)
        _write_manifest(manifest, result.manifest, overwrite)
        emit(
            render_records(
                result.records(),
                fmt,
                title=f"Say/do measures per {window}",
                document=result.to_dict(),
            )
        )


def flags_cmd(
    db: Db,
    scenario: Annotated[
        Path | None,
        typer.Argument(parser=path_value, help="Scenario whose ledger claims are flagged."),
    ] = None,
    actor: Annotated[str | None, typer.Option(help="Claimant (ad-hoc claim).")] = None,
    date: Annotated[
        dt.date | None, typer.Option(parser=date_value, help="Claim start (YYYY-MM-DD).")
    ] = None,
    region: Annotated[str | None, typer.Option(help="Claimed region.")] = None,
    direction: Annotated[str, typer.Option(help="cease, decrease or maintain.")] = "cease",
    size: Annotated[
        float | None, typer.Option(parser=number(SIZE), help="Promised fall (decrease), a share.")
    ] = None,
    deadline: Annotated[
        dt.date | None,
        typer.Option(parser=date_value, help="Last day judged (YYYY-MM-DD)."),
    ] = None,
    counterpart: Annotated[str | None, typer.Option(help="The other party.")] = None,
    manifest: ManifestOut = None,
    overwrite: Overwrite = False,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Peace-offensive, de-escalation and claim flags (ledger claims or one ad-hoc claim)."""
    with clean_errors():
        from detente.api.monitor import flags

        _check_outputs({"--manifest": manifest}, [db, scenario], overwrite)
        result = flags(
            db,
            scenario,
            actor=actor,
            date=date,
            region=region,
            direction=direction,
            size=size,
            deadline=deadline,
            counterpart=counterpart,
        )
        _print_store_warnings(db)
        _write_manifest(manifest, result.manifest, overwrite)
        if fmt is OutputFormat.json:
            emit(render_records(result.records(), fmt, document=result.to_dict()))
        else:
            rows = _flag_table(result.records())
            emit(render_records(rows, fmt, title="Flags", columns=FLAG_COLUMNS))


def verify_cmd(
    scenario: Annotated[Path, typer.Argument(parser=path_value, help="Scenario file (YAML).")],
    db: Db,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", parser=path_value, help="Write observations (.yaml or .json), a new file."
        ),
    ] = None,
    overwrite: Overwrite = False,
    fmt: Fmt = OutputFormat.table,
) -> None:
    """Resolve ledger claims against the store; write observation entries for trust."""
    with clean_errors():
        from detente.api.monitor import check_observations_path, verify

        if out is not None:  # a usage error naming --out (exit 2), before any work
            check_observations_path(out)
        _check_outputs({"--out": out}, [scenario, db], overwrite)
        result = verify(scenario, db)
        _print_store_warnings(db)
        if out is not None:
            _check_outputs({"--out": out}, [scenario, db], overwrite)  # again, just before
            result.write(out)
        if fmt is OutputFormat.table:
            emit(
                render_records(
                    result.records(), fmt, title="Observations", columns=OBSERVATION_COLUMNS
                )
            )
        else:
            emit(render_records(result.records(), fmt, document=result.to_dict()))


def register(app: typer.Typer) -> None:
    """Add the ``monitor`` group to ``app``."""
    mon = typer.Typer(
        help="Event data: ingest, say/do measures, flags, verify ledger claims.",
        no_args_is_help=True,
    )
    mon.command("ingest")(ingest_cmd)
    mon.command("measures")(measures_cmd)
    mon.command("flags")(flags_cmd)
    mon.command("verify")(verify_cmd)
    app.add_typer(mon, name="monitor")
