"""Bargaining commands: ``analyze``, ``proposals`` and ``what-it-takes``.

::

    detente analyze SCENARIO        reservations, zone with/without distrust, solutions
    detente proposals SCENARIO      scorecard of each named proposal for each actor
    detente what-it-takes SCENARIO  cheapest mechanism sets that open the zone under distrust,
                                    and the smallest red-line concessions that would

All take ``--format table|json|csv``, ``--as-of YYYY-MM-DD`` (positions current at that
date) and ``--seed`` (the zone-volume estimate). The model is in
docs/explanation/bargaining-model.md; JSON keys in docs/reference/cli.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from detente.cli.common import clean_errors
from detente.cli.output import OutputFormat, console, render_records
from detente.errors import InputError

if TYPE_CHECKING:
    from detente.bargaining.analysis import Analysis

__all__ = ["register"]

_FORMAT = typer.Option("--format", "-f", help="Output format.")
_ASOF = typer.Option("--as-of", help="Use positions current at this date (YYYY-MM-DD).")
_SEED = typer.Option("--seed", min=0, help="Seed of the zone-volume estimate.")


def _load(path: Path, as_of: str | None, seed: int) -> tuple[Analysis, str]:
    from detente.bargaining.analysis import analyze
    from detente.manifest import content_hash
    from detente.scenario import load_scenario

    date = None
    if as_of is not None:
        try:
            date = dt.date.fromisoformat(as_of)
        except ValueError:
            raise InputError(f"--as-of: expected YYYY-MM-DD, got {as_of!r}") from None
    scenario = load_scenario(path)
    return analyze(scenario, as_of=date, seed=seed), content_hash(path.read_bytes())


def _manifest(
    command: str, digest: str, seed: int, as_of: str | None, **extra: Any
) -> dict[str, Any]:
    from detente.manifest import build_manifest

    return build_manifest(
        command=command, scenario_hash=digest, seed=seed, parameters={"as_of": as_of, **extra}
    )


def _emit(text: str) -> None:
    console.print(text, markup=False, highlight=False, end="")


def _fmt_range(r: list[float] | None) -> str:
    return "empty" if r is None else f"{r[0]:.1f}–{r[1]:.1f}"


def analyze_cmd(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    fmt: Annotated[OutputFormat, _FORMAT] = OutputFormat.table,
    as_of: Annotated[str | None, _ASOF] = None,
    seed: Annotated[int, _SEED] = 20261122,
) -> None:
    """Reservation values, the zone of agreement with and without distrust, and solutions."""
    with clean_errors():
        from detente.bargaining.analysis import analysis_document

        a, digest = _load(scenario, as_of, seed)
        doc = analysis_document(a)
        doc["manifest"] = _manifest("analyze", digest, seed, as_of)
        p = a.problem
        issue_rows = []
        for k, iid in enumerate(p.issues):
            zr = doc["zone"]["issues"][iid] or [None, None]
            zn = doc["zone_without_distrust"]["issues"][iid] or [None, None]
            row: dict[str, Any] = {
                "issue": iid,
                "status_quo": float(p.status_quo[k]),
                "zone_low": zr[0],
                "zone_high": zr[1],
                "no_distrust_low": zn[0],
                "no_distrust_high": zn[1],
            }
            for name, sol in doc["solutions"].items():
                value = sol[iid]
                # the table shows solver output to 0.01 scale points (JSON/CSV keep full values)
                tabular = fmt is OutputFormat.table and isinstance(value, float)
                row[name] = round(value, 2) + 0.0 if tabular else value
            issue_rows.append(row)
        actor_rows = []
        powell = {r["actor"]: r for r in doc["commitment"]["powell"]}
        for i, x in enumerate(p.actors):
            actor_rows.append(
                {
                    "actor": x,
                    "veto": bool(p.veto[i]),
                    "reservation": doc["reservation"][x],
                    "compliance": doc["deal_compliance"].get(x),
                    "threshold": doc["zone"]["thresholds"].get(x),
                    "slack": doc["zone"]["slack"].get(x),
                    "shortfall": doc["zone"].get("shortfall", {}).get(x),
                    "preventive_war": powell[x]["war_unavoidable"] if x in powell else None,
                    "renege_period": doc["commitment"]["renege_period"][x],
                }
            )
        if fmt is not OutputFormat.table:
            records = issue_rows if fmt is OutputFormat.csv else []
            _emit(render_records(records, fmt, document=doc))
            return
        z, zn = doc["zone"], doc["zone_without_distrust"]
        _emit(
            render_records(
                issue_rows,
                fmt,
                title=f"Zone of agreement per issue (with distrust: "
                f"{'exists' if z['exists'] else 'EMPTY'}; without: "
                f"{'exists' if zn['exists'] else 'EMPTY'})",
            )
        )
        _emit(render_records(actor_rows, fmt, title="Actors"))
        _emit(render_records(_bundle_rows(doc), fmt, title="Bundles (partial agreements)"))
        stage_rows = doc["stages"]["rows"]
        if stage_rows:
            _emit(
                render_records(
                    stage_rows,
                    fmt,
                    title=f"Staging of the deal ({doc['commitment']['deal_source']}); "
                    f"cease-fire issues: {', '.join(doc['stages']['ceasefire_issues']) or 'none'}",
                )
            )
        if doc["stages"]["proposals"]:
            _emit(
                render_records(
                    doc["stages"]["proposals"],
                    fmt,
                    title="Staged proposals: as proposed, reversed, comprehensive now",
                )
            )
        for label, zz in (("with distrust", z), ("without distrust", zn)):
            for line in zz.get("red_line_conflicts", []):
                console.print(
                    f"Red lines conflict ({label}): {line}", markup=False, highlight=False
                )
        soft = doc["zone_if_red_lines_were_soft"]
        if not z["exists"] and z.get("red_line_conflicts"):
            console.print(
                "If red lines were soft (utilities only), the zone would "
                f"{'exist' if soft['with_distrust']['exists'] else 'still be empty'} with "
                f"distrust and {'exist' if soft['without_distrust']['exists'] else 'be empty'}"
                " without.",
                markup=False,
                highlight=False,
            )
        console.print(
            f"Compliance from {a.compliance_source}. Zone share of the issue space: "
            f"{z['volume']['share_of_issue_space']:.3g} with distrust, "
            f"{zn['volume']['share_of_issue_space']:.3g} without "
            f"({z['volume']['samples']} samples, seed {seed}).",
            markup=False,
            highlight=False,
        )


def _bundle_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "bundle": b["id"],
            "issues": len(b["issues"]),
            "ceasefire": b["ceasefire"],
            "deferred": b["deferred"] or None,
            "zone": "open" if b["zone_exists"] else "closed",
            "size": b["size"]["radius"] if b["zone_exists"] else None,
            "distance": b["distance"],
            "blocking": [f"{m['actor']}:{m['issue']}" for m in b["blocking"]] or None,
        }
        for b in doc["bundles"]
    ]


def proposals_cmd(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    fmt: Annotated[OutputFormat, _FORMAT] = OutputFormat.table,
    as_of: Annotated[str | None, _ASOF] = None,
    seed: Annotated[int, _SEED] = 20261122,
) -> None:
    """Scorecard of each named proposal for each actor (with and without distrust)."""
    with clean_errors():
        from detente.bargaining.analysis import proposals_document

        a, digest = _load(scenario, as_of, seed)
        doc = proposals_document(a)
        doc["manifest"] = _manifest("proposals", digest, seed, as_of)
        records = []
        for prop in doc["proposals"]:
            for r in prop["actors"]:
                records.append(
                    {
                        "proposal": prop["id"],
                        "actor": r["actor"],
                        "veto": r["veto"],
                        "utility": r["utility"],
                        "reservation": r["reservation"],
                        "accept": r["accept"],
                        "threshold": r["threshold"],
                        "accept_distrust": r["accept_distrust"],
                        "margin_distrust": r["margin_distrust"],
                        "blocking": [b["issue"] for b in r["blocking"]],
                    }
                )
        if not records and fmt is OutputFormat.table:
            console.print("The scenario names no proposals.", markup=False, highlight=False)
            return
        _emit(render_records(records, fmt, title="Proposal scorecards", document=doc))
        if fmt is OutputFormat.table:
            for prop in doc["proposals"]:
                near = prop["nearest_acceptable"]
                text = (
                    "none (the zone with distrust and its mechanisms is empty)"
                    if near is None
                    else ", ".join(f"{k}={v:.1f}" for k, v in near.items())
                    + f" (total change {prop['nearest_distance']:.1f} points)"
                )
                console.print(
                    f"{prop['id']}: smallest amendment every veto party accepts: {text}",
                    markup=False,
                    highlight=False,
                )


def what_it_takes_cmd(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
    fmt: Annotated[OutputFormat, _FORMAT] = OutputFormat.table,
    as_of: Annotated[str | None, _ASOF] = None,
    seed: Annotated[int, _SEED] = 20261122,
    top: Annotated[int, typer.Option("--top", help="How many options to list.")] = 5,
    mechanisms: Annotated[
        str,
        typer.Option(
            "--mechanisms",
            help="Mechanism ids (comma-separated) in force when computing how far red lines "
            "must move; default none.",
        ),
    ] = "",
) -> None:
    """Cheapest mechanism sets that open the zone under distrust, and the smallest red-line
    concessions that would open it."""
    with clean_errors():
        from detente.bargaining.analysis import (
            run_red_line_relaxation,
            run_what_it_takes,
            what_it_takes_document,
        )

        if top < 1:
            raise InputError(f"--top must be at least 1, got {top}")
        mech_ids = tuple(m.strip() for m in mechanisms.split(",") if m.strip())
        a, digest = _load(scenario, as_of, seed)
        w = run_what_it_takes(a, top=top, seed=seed)
        relax = run_red_line_relaxation(a, mechanisms=mech_ids, seed=seed)
        doc = what_it_takes_document(a, w, relax)
        doc["manifest"] = _manifest(
            "what-it-takes", digest, seed, as_of, top=top, mechanisms=list(mech_ids)
        )
        records = []
        for rank, o in enumerate(doc["options"], start=1):
            z = o["zone"]
            records.append(
                {
                    "rank": rank,
                    "mechanisms": o["mechanisms"] or ["(none needed)"],
                    "total_cost": o["total_cost"],
                    "zone": "; ".join(f"{k} {_fmt_range(v)}" for k, v in z["issues"].items()),
                    "nash": None
                    if o["nash"] is None
                    else "; ".join(f"{k} {v:.1f}" for k, v in o["nash"].items()),
                }
            )
        title = f"What would it take ({w.method} search, {w.sets_examined} sets)"
        if fmt is OutputFormat.csv:
            _emit(render_records(_csv_rows(records, doc), fmt, columns=_CSV_COLUMNS))
            return
        if fmt is not OutputFormat.table:
            _emit(render_records(records, fmt, title=title, document=doc))
            return
        if records:
            _emit(render_records(records, fmt, title=title))
        else:
            console.print(
                f"{title}: no set of the scenario's {len(a.effects)} mechanisms opens the zone.",
                markup=False,
                highlight=False,
            )
        _print_relaxation(doc, mech_ids)
        _print_packages(doc)


def _print_packages(doc: dict[str, Any]) -> None:
    rows = [
        {
            "rank": n,
            "price": pk["price"],
            "red_lines": [f"{m['actor']}:{m['issue']} {m['points']:g}" for m in pk["red_lines"]]
            or None,
            "payments": pk["payments"] or None,
            "mechanisms": pk["mechanisms"] or None,
            "compensation": pk["compensation"] or None,
        }
        for n, pk in enumerate(doc["packages"], start=1)
    ]
    if rows:
        _emit(
            render_records(
                rows,
                OutputFormat.table,
                title="Cheapest packages opening the settlement (red lines crossed at their "
                "cost, payments, mechanisms), priced by each party's alternative",
            )
        )


_CSV_COLUMNS = (
    "kind",
    "rank",
    "mechanisms",
    "total_cost",
    "zone",
    "nash",
    "actor",
    "issue",
    "bound",
    "from",
    "to",
    "points",
    "cost",
)


def _csv_rows(options: list[dict[str, Any]], doc: dict[str, Any]) -> list[dict[str, Any]]:
    """One CSV table: mechanism sets (kind ``mechanism_set``), then the smallest red-line
    moves that open the zone (kind ``red_line_move``, from ``red_line_relaxation``)."""
    rows = [{"kind": "mechanism_set", **o} for o in options]
    relax = doc.get("red_line_relaxation") or {}
    rows += [{"kind": "red_line_move", **mv} for mv in relax.get("moves", [])]
    return rows


def _print_relaxation(doc: dict[str, Any], mech_ids: tuple[str, ...]) -> None:
    main = doc["red_line_relaxation"]
    given = f"with mechanisms {', '.join(mech_ids)}" if mech_ids else "without mechanisms"
    if main is None:
        console.print(
            f"No relaxation of red lines alone opens the zone under distrust ({given}).",
            markup=False,
            highlight=False,
        )
        return
    if not main["moves"]:
        console.print(f"Red lines: no concession needed ({given}).", markup=False, highlight=False)
        return
    _emit(
        render_records(
            main["moves"],
            OutputFormat.table,
            title=f"Smallest red-line concessions opening the zone under distrust ({given})",
        )
    )
    by_actor = ", ".join(f"{x} {v:g}" for x, v in main["points_by_actor"].items())
    nash = main["nash"]
    moved = {mv["issue"] for mv in main["moves"]}
    console.print(
        f"Red lines must move {main['points']:g} points in total ({by_actor}; "
        f"salience-weighted {main['total']:.3f}); Nash point of the resulting zone on those "
        "issues: "
        + (
            "none"
            if nash is None
            else ", ".join(f"{k}={v:.1f}" for k, v in nash.items() if k in moved)
        ),
        markup=False,
        highlight=False,
    )
    for g, r in doc["one_sided"].items():
        who = "+".join(r["actors"]) if r is not None else g
        text = (
            "cannot open the zone alone"
            if r is None
            else f"{r['points']:g} points (weighted {r['total']:.3f})"
        )
        console.print(f"If only {who} conceded: {text}.", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add the bargaining commands to the ``detente`` app."""
    app.command("analyze")(analyze_cmd)
    app.command("proposals")(proposals_cmd)
    app.command("what-it-takes")(what_it_takes_cmd)
