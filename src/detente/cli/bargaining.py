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
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer

from detente.api.numbers import SEED, TOP
from detente.cli.common import clean_errors, date_value, number, path_value
from detente.cli.output import OutputFormat, console, emit, render_records
from detente.core import DEFAULT_SEED

__all__ = ["register"]

_FORMAT = typer.Option("--format", "-f", help="Output format.")
_ASOF = typer.Option(
    "--as-of",
    parser=date_value,
    help="Use positions current at this date (YYYY-MM-DD; at most the scenario's own date).",
)
_SEED = typer.Option("--seed", parser=number(SEED), help="Seed of the zone-volume estimate.")


def analyze_cmd(
    scenario: Annotated[Path, typer.Argument(parser=path_value, help="Scenario file (YAML).")],
    fmt: Annotated[OutputFormat, _FORMAT] = OutputFormat.table,
    as_of: Annotated[dt.date | None, _ASOF] = None,
    seed: Annotated[int, _SEED] = DEFAULT_SEED,
) -> None:
    """Reservation values, the zone of agreement with and without distrust, and solutions."""
    with clean_errors():
        from detente.api import analyze
        from detente.api.common import as_scenario, check_as_of

        sc = as_scenario(scenario)
        check_as_of(as_of, sc, scenario)  # here, where the message can name the file
        result = analyze(sc, as_of=as_of, seed=seed)
        doc, a = result.to_dict(), result.analysis
        issue_rows = result.records()
        if fmt is OutputFormat.table:  # the table shows solver output to 0.01 scale points
            for row in issue_rows:
                for name in doc["solutions"]:
                    if isinstance(row[name], float):
                        row[name] = round(row[name], 2) + 0.0
        actor_rows = result.actor_records()
        if fmt is not OutputFormat.table:
            records = issue_rows if fmt is OutputFormat.csv else []
            emit(render_records(records, fmt, document=doc))
            return
        z, zn = doc["zone"], doc["zone_without_distrust"]
        emit(
            render_records(
                issue_rows,
                fmt,
                title=f"Zone of agreement per issue (with distrust: "
                f"{'exists' if z['exists'] else 'EMPTY'}; without: "
                f"{'exists' if zn['exists'] else 'EMPTY'})",
            )
        )
        emit(render_records(actor_rows, fmt, title="Actors"))
        in_force = {x.bundle: x.since.isoformat() for x in sc.agreements_in_force}
        emit(
            render_records(
                _bundle_rows(doc, in_force),
                fmt,
                title="Bundles (partial agreements)"
                + (
                    "; in_force_since: in force at the scenario's date (its zone is that of "
                    "signing it anew once it ends)"
                    if in_force
                    else ""
                ),
            )
        )
        _print_ratifications(
            (b["id"], m)
            for b in doc["bundles"]
            for m in [*b["blocking"], *((b["cheapest_package"] or {}).get("red_lines") or [])]
        )
        stage_rows = doc["stages"]["rows"]
        if stage_rows:
            emit(
                render_records(
                    stage_rows,
                    fmt,
                    title=f"Staging of the deal ({doc['commitment']['deal_source']}); "
                    f"cease-fire issues: {', '.join(doc['stages']['ceasefire_issues']) or 'none'}",
                )
            )
        if doc["stages"]["proposals"]:
            emit(
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


def _bundle_rows(doc: dict[str, Any], in_force: dict[str, str]) -> list[dict[str, Any]]:
    """One row per bundle; with ``in_force`` (bundle id → date of an agreement in force at
    the scenario's date) an ``in_force_since`` column (the table only: the JSON is unchanged)."""
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
        | ({"in_force_since": in_force.get(b["id"])} if in_force else {})
        for b in doc["bundles"]
    ]


def proposals_cmd(
    scenario: Annotated[Path, typer.Argument(parser=path_value, help="Scenario file (YAML).")],
    fmt: Annotated[OutputFormat, _FORMAT] = OutputFormat.table,
    as_of: Annotated[dt.date | None, _ASOF] = None,
    seed: Annotated[int, _SEED] = DEFAULT_SEED,
) -> None:
    """Scorecard of each named proposal for each actor (with and without distrust)."""
    with clean_errors():
        from detente.api import score_proposals

        result = score_proposals(scenario, as_of=as_of, seed=seed)
        doc, records = result.to_dict(), result.records()
        if not records and fmt is OutputFormat.table:
            console.print("The scenario names no proposals.", markup=False, highlight=False)
            return
        emit(render_records(records, fmt, title="Proposal scorecards", document=doc))
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
    scenario: Annotated[Path, typer.Argument(parser=path_value, help="Scenario file (YAML).")],
    fmt: Annotated[OutputFormat, _FORMAT] = OutputFormat.table,
    as_of: Annotated[dt.date | None, _ASOF] = None,
    seed: Annotated[int, _SEED] = DEFAULT_SEED,
    top: Annotated[
        int, typer.Option("--top", parser=number(TOP), help="How many options to list.")
    ] = 5,
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
        from detente.api import what_it_takes

        mech_ids = tuple(m.strip() for m in mechanisms.split(",") if m.strip())
        w = what_it_takes(scenario, as_of=as_of, seed=seed, top=top, mechanisms=mech_ids)
        doc, a = w.to_dict(), w.analysis
        title = f"What would it take ({w.method} search, {w.sets_examined} sets)"
        if fmt is OutputFormat.csv:
            emit(render_records(w.records(), fmt, columns=_CSV_COLUMNS))
            return
        if fmt is not OutputFormat.table:
            emit(render_records([], fmt, title=title, document=doc))
            return
        records = _set_rows(doc)
        if records:
            emit(render_records(records, fmt, title=title))
        else:
            console.print(
                f"{title}: no set of the scenario's {len(a.effects)} mechanisms opens the zone.",
                markup=False,
                highlight=False,
            )
        _print_relaxation(doc, mech_ids)
        _print_packages(doc)
        relax = doc["red_line_relaxation"] or {}
        _print_ratifications(
            [("packages", m) for pk in doc["packages"] for m in pk["red_lines"]]
            + [("relaxation", m) for m in relax.get("moves") or []]
            + [
                (f"only {g}", m)
                for g, r in doc["one_sided"].items()
                for m in (r or {}).get("moves") or []
            ]
        )


def _ratification_cell(rec: dict[str, Any] | None) -> str | None:
    """A move's ``ratification`` in a table cell: None, or whether the ratifiers' latest share
    clears the majority (the sentence is printed below the table)."""
    if not rec:
        return None
    if rec["ratified"] is None:
        return "needed (no share)"
    return f"{'accepted' if rec['ratified'] else 'rejected'} ({rec['share']:.2f})"


def _print_ratifications(moves: Iterable[tuple[str, dict[str, Any]]]) -> None:
    """One line per (actor, issue) whose reported move (``(where, move record)``) goes past a
    public commitment naming a ratification: who must ratify, the latest acceptance share and
    whether it clears the majority, and where the move is reported."""
    from detente.bargaining.ratification import ratification_note

    found: dict[tuple[str, str], tuple[dict[str, Any], list[str]]] = {}
    for where, m in moves:
        rec = m.get("ratification")
        if rec:
            _, places = found.setdefault((m["actor"], m["issue"]), (rec, []))
            if where not in places:
                places.append(where)
    for (actor, issue), (rec, places) in found.items():
        console.print(
            f"Ratification: {ratification_note(actor, issue, rec)} ({', '.join(places)}).",
            markup=False,
            highlight=False,
        )


def _set_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """One table row per mechanism set, its zone and Nash point summed up per issue."""

    def span(r: list[float] | None) -> str:
        return "empty" if r is None else f"{r[0]:.1f}–{r[1]:.1f}"

    return [
        {
            "rank": rank,
            "mechanisms": o["mechanisms"] or ["(none needed)"],
            "total_cost": o["total_cost"],
            "zone": "; ".join(f"{k} {span(v)}" for k, v in o["zone"]["issues"].items()),
            "nash": None
            if o["nash"] is None
            else "; ".join(f"{k} {v:.1f}" for k, v in o["nash"].items()),
        }
        for rank, o in enumerate(doc["options"], start=1)
    ]


def _print_packages(doc: dict[str, Any]) -> None:
    rows = [
        {
            "rank": n,
            "price": pk["price"],
            "red_lines": [
                f"{m['actor']}:{m['issue']} {m['points']:g}"
                + (" (ratification)" if m.get("ratification") else "")
                for m in pk["red_lines"]
            ]
            or None,
            "payments": pk["payments"] or None,
            "mechanisms": pk["mechanisms"] or None,
            "compensation": [f"{actor} {loss:.4g}" for actor, loss in pk["compensation"].items()]
            or None,
        }
        for n, pk in enumerate(doc["packages"], start=1)
    ]
    if rows:
        emit(
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
    "issue",
    "zone_low",
    "zone_high",
    "nash",
    "actor",
    "bound",
    "from",
    "to",
    "points",
    "cost",
)


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
    emit(
        render_records(
            [{**m, "ratification": _ratification_cell(m["ratification"])} for m in main["moves"]],
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
