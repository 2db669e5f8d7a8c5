"""``detente simulate``: Monte Carlo talks while fighting.

    detente simulate SCENARIO --runs N --seed S --periods P [--workers W] [--out DIR]
                     [--until horizon|settlement] [--format table|json|csv]
    detente simulate --list-strategies

JSON keys (stable): ``runs``, ``runs_requested``, ``complete``, ``seed``, ``periods``,
``strategies``, ``protocol``, ``p_agreement``, ``p_agreement_ci`` ([low, high], 95 % Wilson),
``median_periods_to_agreement``, ``p_breakdown_1y``/``_2y``/``_5y`` (Kaplan–Meier; null when
the horizon does not observe that long), ``mean_agreements_per_run``, ``mean_cost``,
``terms`` (issue → q05..q95), ``manifest`` (without its time stamp, so the same seed
gives the same JSON).

``--until settlement`` stops each run at the end of the period in which it first signs the
full settlement (or at the horizon): P(agreement), its interval, the median time and the
terms are those of the default ``--until horizon`` for the same seed; what follows a
signature is not simulated, so ``p_breakdown_*``, ``mean_agreements_per_run``, ``mean_cost``,
the partial bundles' figures and the red-line moves' shares are null, the JSON adds
``until`` and ``not_simulated`` (field → reason) and the table a ``not_simulated.<field>``
row per field (a field left out shows its reason in the table and CSV, never an empty
value); the manifest's parameters record ``until``.

A bundle whose agreement is in force at the scenario's date (``agreements_in_force``) has an
``in_force_at_start`` record in its ``agreements`` entry, and the table and CSV an
``agreements.<bundle>.in_force_at_start`` row: "in force since <date> (age N weeks):
P(still in force at the horizon) …, P(ended within a year) …, P(signed anew) …" (its
``p_agreement`` is P(signed anew within the horizon)), with its figures in
``agreements.<bundle>.in_force_at_start.<field>`` rows.

A bundle whose agreements are made for a fixed term (``bundles[].term``) has a ``term``
record in its ``agreements`` entry (``days``, ``periods``, ``renewal``, ``renewal_periods``,
``p_lapsed_1y``: the probability that a first agreement on it lapsed at a term's end, not
renewed, within a year of its signature; the bundle's ``p_breakdown_1y`` is then the
breakdown's cumulative incidence with a lapse competing, so the two sum to at most 1;
``why_null``: the reason for each null, shown in the table and CSV in place of the null),
and the table and CSV ``agreements.<bundle>.term`` ("term 30 days (4 weeks), renewed by
consent: P(lapsed at a term's end within a year) …") and
``agreements.<bundle>.term.p_lapsed_1y`` rows. An agreement in force at the start with a term
adds ``term``, ``term_ends``, ``term_ends_period``, ``renewals``, ``p_lapsed_1y`` (ended by
a lapse within a year of the scenario's date) and ``received_at_start`` (each belligerent's
received share of the deal's parts owed to it, by the receivers' accounts at the scenario's
date; null: none scored, no condition at renewal) to ``in_force_at_start``, its label "its
term ends <date> (renewed by consent): P(lapsed, not renewed, within a year) …; received at
the start RU none scored, UA 1.00" and its ``term_ends``, ``p_lapsed_1y`` and
``received_at_start.<belligerent>`` rows ("none scored" for a null).

CSV (``--format csv``): the table's rows in the columns ``metric,value,note``: ``value`` is a
number or empty, never text; the text a table cell shows instead of a number (a reason, a
label, a name, a date) is the ``note`` (:func:`csv_records`).

Exit codes: 0 complete; 1 invalid input or a request beyond the memory/time budget; 2 wrong
usage (``--runs 0``, ``--seed -1``, ``--periods x``); 130 after Ctrl-C (SIGINT) and 143 after
SIGTERM, once the finished runs are printed and ``--out`` holds exactly them (``complete:
false``); no worker process outlives the command.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from detente.api.numbers import PERIODS, RUNS, SEED, WORKERS
from detente.cli.common import (
    EXIT_USAGE,
    clean_errors,
    done_writing,
    exit_code_of,
    number,
    path_value,
    progress_enabled,
    stop_on_signals,
)
from detente.cli.output import OutputFormat, emit, err_console, render_records
from detente.core import DEFAULT_SEED
from detente.errors import InputError

if TYPE_CHECKING:
    from detente.api.simulation import SimulationRun

__all__ = ["Until", "csv_records", "register", "simulate_cmd", "summary_records"]


class Until(enum.StrEnum):
    """How long each run is simulated (``--until``)."""

    horizon = "horizon"
    settlement = "settlement"


def summary_records(
    summary: dict[str, Any], unit: str = "period", in_force_since: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The summary as (metric, value) rows: the settlement's figures, the reasons runs did
    not settle (shares of runs and red lines moved), each bundle's probability, median periods
    to agreement and breakdown within a year (a bundle in force at the start adds its
    ``in_force_at_start`` label, ``unit`` its age's unit, and its figures), then one row per
    issue's terms quantiles. With ``until="settlement"`` a field not simulated shows its
    reason instead of an empty value, and a bundle in force at the start (``in_force_since``:
    bundle → date, from the scenario, as this mode's summary does not follow it) says so."""
    from detente.report.base import NOT_SCORED, in_force_text, term_text

    rows: list[dict[str, Any]] = []
    for key in (
        "runs",
        "seed",
        "periods",
        "p_agreement",
        "p_agreement_ci",
        "median_periods_to_agreement",
        "p_breakdown_1y",
        "p_breakdown_2y",
        "p_breakdown_5y",
        "mean_agreements_per_run",
    ):
        rows.append({"metric": key, "value": summary[key]})
        if key == "periods" and summary.get("until") is not None:
            rows.append({"metric": "until", "value": summary["until"]})
    for actor, cost in summary["mean_cost"].items():
        rows.append({"metric": f"mean_cost.{actor}", "value": cost})
    for actor, name in summary["strategies"].items():
        rows.append({"metric": f"strategy.{actor}", "value": name})
    reasons = summary.get("settlement_reasons") or {}
    for cause, share in (reasons.get("shares") or {}).items():
        rows.append({"metric": f"settlement_reasons.{cause}", "value": share})
    for moved in reasons.get("red_lines_moved") or []:
        lines = _moved_lines(moved)
        rows.append(
            {
                "metric": f"red_lines_moved.{moved['actor']}.{moved['bundle']}",
                "value": f"{lines} (share of runs {moved['share']:.3g})"
                if moved["share"] is not None
                else f"{lines} (share of runs: not simulated)",
            }
        )
    for rec in summary.get("agreements") or []:
        key = f"agreements.{rec['bundle']}"
        label = in_force_text(rec, unit)
        since = (in_force_since or {}).get(rec["bundle"])
        if label is None and since is not None and rec.get("not_simulated"):
            label = f"in force since {since} at the start; {rec['not_simulated']}"
            rows.append({"metric": f"{key}.in_force_at_start", "value": label})
        elif label is not None:
            start = rec["in_force_at_start"]
            rows.append({"metric": f"{key}.in_force_at_start", "value": label})
            # a year the horizon does not reach reads as the label says, never as a blank
            unseen = {
                "p_ended_1y": "not observed (horizon under a year)",
                "p_lapsed_1y": "not observed: "
                + str((start.get("why_null") or {}).get("p_lapsed_1y", "horizon under a year")),
            }
            for field in ("since", "age_periods", "p_in_force_at_horizon", "p_ended_1y"):
                value = start[field] if start[field] is not None else unseen.get(field)
                rows.append({"metric": f"{key}.in_force_at_start.{field}", "value": value})
            for field in ("term_ends", "p_lapsed_1y"):  # an agreement in force with a term
                if field in start:
                    value = start[field] if start[field] is not None else unseen.get(field)
                    rows.append({"metric": f"{key}.in_force_at_start.{field}", "value": value})
            for side, share in (start.get("received_at_start") or {}).items():
                rows.append(
                    {
                        "metric": f"{key}.in_force_at_start.received_at_start.{side}",
                        "value": NOT_SCORED if share is None else share,
                    }
                )
        why = (rec.get("term") or {}).get("why_null") or {}  # a term's nulls, with reasons
        for field in ("p_agreement", "median_periods_to_agreement", "p_breakdown_1y"):
            value = rec[field]
            rows.append({"metric": f"{key}.{field}", "value": why.get(field, value)})
        term = term_text(rec, unit)
        if term is not None:  # agreements made for a fixed term (simulate.terms)
            lapsed = rec["term"]["p_lapsed_1y"]
            rows.append({"metric": f"{key}.term", "value": term})
            rows.append(
                {
                    "metric": f"{key}.term.p_lapsed_1y",
                    "value": why.get("p_lapsed_1y") if lapsed is None else lapsed,
                }
            )
    for issue, qs in summary["terms"].items():
        if all(v is None for v in qs.values()):
            band = "no run agreed"
        else:
            band = ", ".join("–" if v is None else f"{v:.1f}" for v in qs.values())
        rows.append({"metric": f"terms.{issue} (q05..q95)", "value": band})
    for field, why in (summary.get("not_simulated") or {}).items():
        rows.append({"metric": f"not_simulated.{field}", "value": why})
    return _with_reasons(rows, summary)


CSV_COLUMNS = ("metric", "value", "note")
"""The columns of ``simulate --format csv``: ``value`` holds a number or nothing, ``note`` the
text (why a figure has no value, a label, a strategy's name, a date)."""

_TERMS_BAND = " (q05..q95)"


def _moved_lines(moved: dict[str, Any]) -> str:
    """A move set's lines as text (``issue bound stated → to``); a line past a public
    commitment naming a ratification says who must ratify and whether the ratifiers' latest
    share clears the majority, and a move set outside the win-set at the date says whether the
    runs can still cross it (``ratified`` false: only where their costs lift the share past
    the majority when ``share_moves``, else never)."""

    def line(ln: dict[str, Any]) -> str:
        text = f"{ln['issue']} {ln['bound']} {ln['stated']:g} → {ln['to']:g}"
        rec = ln.get("ratification")
        if not rec:
            return text
        if rec["share"] is None:
            return f"{text} (needs {rec['by']}; no acceptance measured)"
        verdict = "above" if rec["ratified"] else "not above"
        return (
            f"{text} (needs {rec['by']}; acceptance {rec['share']:.2f} {verdict} "
            f"{rec['majority']:g})"
        )

    text = "; ".join(line(ln) for ln in moved["lines"])
    if moved.get("ratified") is False:
        text += (
            "; outside the ratifiers' win-set at the date: crossed only where the run's war "
            "costs lift the share past the majority"
            if moved.get("share_moves")
            else "; outside the ratifiers' win-set: never crossed"
        )
    return text


def csv_records(rows: list[dict[str, Any]], summary: dict[str, Any]) -> list[dict[str, Any]]:
    """``rows`` (:func:`summary_records`, the table's) for a spreadsheet: ``value`` is a number
    or empty, never text, and the text a row carries (the reason a figure has none, a label, a
    name, a date) is in ``note``. The two rows whose table cell holds several numbers are
    split into one number per row: ``p_agreement_ci`` into ``p_agreement_ci.low`` and
    ``.high``, ``terms.<issue> (q05..q95)`` into ``terms.<issue>.q05`` … ``.q95`` (each
    empty, noted "no run agreed", when no run agreed). A ``red_lines_moved.<actor>.<bundle>``
    row has the share of runs as its value and the lines moved as its note."""
    moved = {
        f"red_lines_moved.{m['actor']}.{m['bundle']}": m
        for m in (summary.get("settlement_reasons") or {}).get("red_lines_moved") or []
    }
    out: list[dict[str, Any]] = []
    for row in rows:
        metric, value = row["metric"], row["value"]
        if metric in moved:  # the share of runs is the number; the lines moved, the note
            m = moved[metric]
            lines = _moved_lines(m)
            note = lines if m["share"] is not None else f"{lines} (share of runs: not simulated)"
            out.append({"metric": metric, "value": m["share"], "note": note})
        elif metric == "p_agreement_ci" and isinstance(value, list | tuple) and len(value) == 2:
            out += [
                _csv_row(f"{metric}.{end}", v)
                for end, v in zip(("low", "high"), value, strict=True)
            ]
        elif metric.startswith("terms.") and metric.endswith(_TERMS_BAND):
            issue = metric[len("terms.") : -len(_TERMS_BAND)]
            quantiles = summary["terms"][issue]
            none = all(v is None for v in quantiles.values())
            for q, v in quantiles.items():
                rec = _csv_row(f"terms.{issue}.{q}", v)
                if none:
                    rec["note"] = "no run agreed"
                out.append(rec)
        else:
            out.append(_csv_row(metric, value))
    return out


def _csv_row(metric: str, value: Any) -> dict[str, Any]:
    """One CSV row: a finite number in ``value``; anything else as text in ``note``."""
    import math

    if isinstance(value, int | float) and not isinstance(value, bool):
        number = value if math.isfinite(value) else None
        return {"metric": metric, "value": number, "note": ""}
    if value is None:
        return {"metric": metric, "value": None, "note": ""}
    if isinstance(value, list | tuple):
        value = ";".join(str(v) for v in value)
    return {"metric": metric, "value": None, "note": str(value)}


def _with_reasons(rows: list[dict[str, Any]], summary: dict[str, Any]) -> list[dict[str, Any]]:
    """``rows`` with each empty value that ``until="settlement"`` did not simulate replaced
    by its reason (the summary's ``not_simulated``; a partial bundle's own); in a run to the
    horizon, an empty median time to agreement or breakdown probability by why it has no
    value, never a blank cell."""
    from detente.report.base import not_estimated_text

    why = summary.get("not_simulated")
    if not why:
        p_of = {
            f"agreements.{r['bundle']}.": r["p_agreement"] for r in summary.get("agreements") or []
        }
        out: list[dict[str, Any]] = []
        for row in rows:
            metric = row["metric"]
            if row["value"] is None:
                p = next(
                    (v for k, v in p_of.items() if metric.startswith(k)), summary["p_agreement"]
                )
                reason = not_estimated_text(metric, p)
                if reason is not None:
                    row = {"metric": metric, "value": reason}
            out.append(row)
        return out
    bundles = {f"agreements.{rec['bundle']}.": rec for rec in summary.get("agreements") or []}
    out = []
    for row in rows:
        metric = row["metric"]
        if row["value"] is None:
            reason = why.get(metric) or why.get(metric.partition(".")[0])
            p = summary["p_agreement"]
            if metric.startswith("agreements."):
                none: dict[str, Any] = {}
                prefix, rec = next(
                    ((k, r) for k, r in bundles.items() if metric.startswith(k)), ("", none)
                )
                field = metric[len(prefix) :] if prefix else metric.rpartition(".")[2]
                p = rec.get("p_agreement")
                if rec.get("not_simulated") and p is None:  # a partial bundle: none of it
                    reason = rec["not_simulated"]
                elif f"agreements.{field}" in why:  # a field this mode does not follow
                    reason = rec.get("not_simulated") or why[f"agreements.{field}"]
                else:  # simulated, with no value (e.g. a median time not reached)
                    reason = None
            if reason is None:
                reason = not_estimated_text(metric, p)
            if reason is not None:
                row = {"metric": metric, "value": reason}
        out.append(row)
    return out


def simulate_cmd(
    scenario: Annotated[
        Path | None,
        typer.Argument(parser=path_value, help="Scenario file (YAML).", show_default=False),
    ] = None,
    runs: Annotated[
        int, typer.Option("--runs", parser=number(RUNS), help="Monte Carlo runs.")
    ] = 2000,
    seed: Annotated[
        int, typer.Option("--seed", parser=number(SEED), help="Root seed.")
    ] = DEFAULT_SEED,
    periods: Annotated[
        int, typer.Option("--periods", parser=number(PERIODS), help="Periods per run.")
    ] = 104,
    workers: Annotated[
        int, typer.Option("--workers", parser=number(WORKERS), help="Local processes.")
    ] = 1,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", parser=path_value, help="Directory for Parquet tables + manifest.json."
        ),
    ] = None,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite",
            help=(
                "Replace an earlier simulation's output in --out (its files are removed first; "
                "one edited since it was written is refused)."
            ),
        ),
    ] = False,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.table,
    until: Annotated[
        Until,
        typer.Option(
            "--until",
            help="Simulate each run to the horizon (default), or only until it signs the "
            "settlement: agreement odds, timing and terms, without breakdown, costs or fan.",
        ),
    ] = Until.horizon,
    list_strategies: Annotated[
        bool, typer.Option("--list-strategies", help="List strategies and exit.")
    ] = False,
) -> None:
    """Simulate talks while fighting: agreement odds, timing, terms and durability."""
    with clean_errors():
        from detente.api import simulate
        from detente.scenario import load_scenario
        from detente.simulate import STRATEGIES

        if list_strategies:
            recs = [
                {"strategy": s.name, "traits": sorted(s.traits), "description": s.description}
                for s in STRATEGIES.values()
            ]
            emit(render_records(recs, fmt, title="Strategies"))
            return
        if scenario is None:  # a usage error, as a missing argument of any other command
            err_console.print(
                "error: missing SCENARIO: give a scenario file (YAML), or --list-strategies",
                markup=False,
                highlight=False,
            )
            raise typer.Exit(EXIT_USAGE)
        if scenario.is_dir():
            raise InputError(f"{scenario}: is a directory, not a scenario file")
        if not scenario.is_file():
            raise InputError(f"{scenario}: file not found")
        if out is not None:
            from detente.outputs import protect_folder

            protect_folder(out, [scenario], "--out")
        sc = load_scenario(scenario)
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        bar = Progress(
            TextColumn("simulating"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} runs"),
            TimeRemainingColumn(),
            disable=not progress_enabled(),
            transient=True,
            console=err_console,
        )
        done: list[SimulationRun] = []
        with stop_on_signals() as received:
            try:
                with bar:
                    tid = bar.add_task("runs", total=runs)
                    run = simulate(
                        sc,
                        runs=runs,
                        seed=seed,
                        periods=periods,
                        workers=workers,
                        out=out,
                        overwrite=overwrite,
                        until=until.value,
                        progress=lambda n, _total: bar.update(tid, completed=n),
                    )
                    done.append(run)
                    if run.complete:  # from now on a signal comes too late to stop it
                        done_writing()
            except KeyboardInterrupt:
                if not done:
                    err_console.print(_stopped(out), markup=False, highlight=False)
                    raise typer.Exit(exit_code_of(received)) from None
            result = done[0]
            if result.complete:  # the signal came after the run had finished: keep it
                done_writing()
                received.clear()
    from detente.report.base import period_unit

    summary = result.summary()
    rows = summary_records(
        summary, period_unit(sc), {a.bundle: a.since.isoformat() for a in sc.agreements_in_force}
    )
    if fmt is OutputFormat.csv:  # a number or nothing in `value`, the text in `note`
        text = render_records(csv_records(rows, summary), fmt, columns=CSV_COLUMNS)
    else:
        text = render_records(
            rows, fmt, title=f"Simulation of {sc.meta.name}", document=result.to_dict()
        )
    emit(text)
    if not result.complete:
        where = f"; {out} holds exactly these runs" if out is not None else ""
        err_console.print(
            f"interrupted: kept {result.result.runs} of {runs} runs (complete: false){where}",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(exit_code_of(received))


def _stopped(out: Path | None) -> str:
    """What an interrupted ``simulate`` that returned no result leaves, read from its folder:
    nothing (stopped before a block finished), or, when the signal came as the run returned,
    the complete or interrupted output it had finished."""
    import json

    if out is None:
        return "interrupted before the run finished: nothing kept"
    try:
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"interrupted before any run finished: nothing kept ({out} holds no results)"
    if summary.get("complete") and not (out / "incomplete.json").exists():
        return f"interrupted as the run finished: {out} holds the complete run"
    return f"interrupted: {out} holds {summary.get('runs')} runs (complete: false)"


def register(app: typer.Typer) -> None:
    """Add ``simulate`` to ``app``."""
    app.command("simulate")(simulate_cmd)
