"""``detente sweep``: which assumptions decide the outcome.

    detente sweep FILE [--catalog DIR] [--backend serial|processes|dask] [--workers N]
                  [--scheduler ADDRESS] [--resume] [--until horizon|settlement]
                  [--format table|json|csv]

JSON keys (stable): ``name``, ``design``, ``points`` (planned), ``completed``, ``inputs``,
``outputs``, ``sobol`` (records: ``output``, ``input``, ``S1``, ``S1_conf``, ``ST``,
``ST_conf``; empty unless the design is ``sobol``), ``tornado`` (``oat`` designs), ``rules``
(records: ``output``, ``target``, ``method`` prim|cart, ``rule``, ``coverage``, ``density``,
``points``), ``prim_trajectory``, ``manifest`` (without time stamps); with ``until:
settlement`` (the sweep file's ``simulate`` settings or ``--until``) also ``until`` (in the
manifest too) and ``not_simulated`` (output name or prefix → why the mode leaves it out).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from detente.api.numbers import WORKERS
from detente.cli.common import Interrupted, clean_errors, number, path_value
from detente.cli.output import OutputFormat, err_console, render_records

__all__ = ["register"]


class _Progress:
    """Progress with ETA on stderr (a line at most every ~2 s; only on a terminal or if asked)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.last = 0.0
        self.start_done: int | None = None

    def __call__(self, done: int, total: int, elapsed: float) -> None:
        if not self.enabled:
            return
        if self.start_done is None:
            self.start_done = done
        now = time.monotonic()
        if done < total and now - self.last < 2.0:
            return
        self.last = now
        ran = done - self.start_done
        eta = ""
        if ran > 0 and done < total:
            eta = f", about {elapsed / ran * (total - done):.0f} s left"
        err_console.print(
            f"sweep: {done}/{total} points ({elapsed:.0f} s{eta})", markup=False, highlight=False
        )


def _records(doc: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "section": "points",
            "what": "planned / completed",
            "value": f"{doc['completed']}/{doc['points']}",
        }
    ]
    if doc.get("until") == "settlement":
        rows.append(
            {
                "section": "points",
                "what": "simulated until",
                "value": "each run's settlement (not simulated: "
                + ", ".join(doc["not_simulated"])
                + ")",
            }
        )
    for r in doc["sobol"]:
        rows.append(
            {
                "section": "sobol",
                "what": f"{r['output']} ← {r['input']}",
                "value": f"S1 {_f(r['S1'])} ± {_f(r['S1_conf'])}, ST {_f(r['ST'])} ± "
                f"{_f(r['ST_conf'])}",
            }
        )
    for r in doc["tornado"]:
        rows.append(
            {
                "section": "tornado",
                "what": f"{r['output']} ← {r['input']}",
                "value": f"{_f(r['low'])} .. {_f(r['high'])} (base {_f(r['base'])})",
            }
        )
    for r in doc["rules"]:
        rows.append(
            {
                "section": f"rule ({r['method']})",
                "what": f"{r['target']} when {r['rule']}",
                "value": f"coverage {r['coverage']:.2f}, density {r['density']:.2f}",
            }
        )
    return rows


CSV_COLUMNS = ("section", "output", "input", "statistic", "value", "note")
"""Columns of ``detente sweep --format csv``: one number per row in ``value`` (or empty, the
reason in ``note``)."""


def _csv_records(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The CSV's rows (:data:`CSV_COLUMNS`): the table's figures one per row, text in
    ``note``."""
    rows: list[dict[str, Any]] = [
        {"section": "points", "statistic": "planned", "value": doc["points"]},
        {"section": "points", "statistic": "completed", "value": doc["completed"]},
    ]
    if doc.get("until") == "settlement":
        rows.append(
            {
                "section": "points",
                "statistic": "until",
                "note": "each run's settlement (not simulated: "
                + "; ".join(doc["not_simulated"])
                + ")",
            }
        )
    for section, stats in (
        ("sobol", ("S1", "S1_conf", "ST", "ST_conf")),
        ("tornado", ("low", "high", "base")),
    ):
        for r in doc[section]:
            where = {"section": section, "output": r["output"], "input": r["input"]}
            rows += [{**where, "statistic": k, "value": r[k]} for k in stats]
    for r in doc["rules"]:
        where = {
            "section": f"rule ({r['method']})",
            "output": r["output"],
            "note": f"{r['target']} when {r['rule']}",
        }
        rows += [{**where, "statistic": k, "value": r[k]} for k in ("coverage", "density")]
    return rows


def _with_until(spec: Any, until: str, file: Path) -> Any:
    """``spec`` with its simulate command run ``until`` (the ``--until`` option)."""
    from detente.errors import InputError, OptionValueError
    from detente.simulate.engine import UNTIL

    if until not in UNTIL:  # a usage error naming the option (exit 2), as a bad --runs
        raise OptionValueError(
            "until", "--until", f"must be one of {', '.join(UNTIL)}, got {until!r}"
        )
    sim = spec.commands.simulate
    if sim is None:
        raise InputError(f"{file}: --until needs a `simulate` command in the sweep file")
    return spec.model_copy(
        update={
            "commands": spec.commands.model_copy(
                update={"simulate": sim.model_copy(update={"until": until})}
            )
        }
    )


def _f(x: float | None) -> str:
    return "–" if x is None else f"{x:.3g}"


def register(app: typer.Typer) -> None:
    """Add ``sweep`` to ``app``."""

    @app.command("sweep")
    def sweep(
        file: Annotated[
            Path, typer.Argument(parser=path_value, help="Sweep file (YAML).", show_default=False)
        ],
        catalog: Annotated[
            Path | None,
            typer.Option(
                "--catalog", parser=path_value, help="Run catalog directory (DuckDB + Parquet)."
            ),
        ] = None,
        backend: Annotated[
            str, typer.Option("--backend", help="serial, processes or dask.")
        ] = "serial",
        workers: Annotated[
            int,
            typer.Option("--workers", parser=number(WORKERS), help="Processes / Dask workers."),
        ] = 2,
        scheduler: Annotated[
            str | None,
            typer.Option("--scheduler", help="Dask scheduler address (tcp://host:8786)."),
        ] = None,
        resume: Annotated[
            bool, typer.Option("--resume", help="Continue the sweep in --catalog.")
        ] = False,
        progress: Annotated[
            bool | None,
            typer.Option("--progress/--no-progress", help="Progress on stderr (default: tty)."),
        ] = None,
        until: Annotated[
            str | None,
            typer.Option(
                "--until",
                help="horizon or settlement: overrides the sweep file's `simulate: {until: …}` "
                "(settlement: each run stops when it signs its full settlement).",
                show_default=False,
            ),
        ] = None,
        fmt: Annotated[
            OutputFormat, typer.Option("--format", "-f", help="Output format.")
        ] = OutputFormat.table,
    ) -> None:
        """Sweep assumptions: Sobol indices, tornado and the rules that decide the outcome."""
        with clean_errors():
            from detente.errors import InputError, OptionValueError
            from detente.sweep import load_sweep, make_backend, plan_sweep, run_sweep
            from detente.sweep.backends import check_backend

            if resume and catalog is None:  # a usage error naming the option (exit 2)
                raise OptionValueError(
                    "resume",
                    "--resume",
                    "needs --catalog DIR (the catalog of the sweep to continue)",
                )
            check_backend(backend, scheduler)  # before the sweep file is read
            if file.is_dir():
                raise InputError(f"{file}: is a directory, not a sweep file")
            spec, tree = load_sweep(file)
            if until is not None:
                spec = _with_until(spec, until, file)
            show = sys.stderr.isatty() if progress is None else progress
            try:
                with make_backend(backend, workers=workers, scheduler=scheduler) as be:
                    # every point is validated (in the backend's workers) before any runs
                    plan = plan_sweep(
                        spec, base_dir=file.parent, tree=tree, name=str(file), backend=be
                    )
                    result = run_sweep(
                        plan, catalog, backend=be, resume=resume, progress=_Progress(show)
                    )
            except KeyboardInterrupt as err:
                kept = "the finished points are kept in the catalog; continue with --resume"
                err_console.print(
                    f"interrupted: {kept if catalog else 'nothing kept (no --catalog)'}",
                    markup=False,
                    highlight=False,
                )
                code = 128 + (err.signum if isinstance(err, Interrupted) else 2)
                raise typer.Exit(code) from None
            doc = result.to_dict()
        if fmt is OutputFormat.csv:  # one number per row (CSV_COLUMNS)
            text = render_records(_csv_records(doc), fmt, columns=CSV_COLUMNS)
        else:
            text = render_records(_records(doc), fmt, title=f"Sweep {spec.name}", document=doc)
        typer.echo(text.rstrip("\n"))
