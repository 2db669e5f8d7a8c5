"""``detente monitor``: ingest event data, say/do measures, flags, and ledger verification.

::

    detente monitor ingest FILE... --db STORE.duckdb [--input-format F] [--mapping CSV]
    detente monitor measures --db STORE.duckdb [--window week] [--actor RU] [--region R]
    detente monitor flags --db STORE.duckdb (SCENARIO | --actor A --date D [--region R] ...)
    detente monitor verify SCENARIO --db STORE.duckdb [--out observations.yaml]

``--format table|json|csv`` sets the output as everywhere; the *input* format of event files is
``--input-format`` (detected from the header or column count when omitted).
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from detente.cli.common import clean_errors
from detente.cli.output import OutputFormat, console, err_console, render_records
from detente.errors import InputError

__all__ = ["register"]

Fmt = Annotated[OutputFormat, typer.Option("--format", help="Output: table, json or csv.")]
Db = Annotated[Path, typer.Option("--db", help="DuckDB event store file.")]
ManifestOut = Annotated[
    Path | None,
    typer.Option("--manifest", help="Also write the run's manifest (JSON) to this file."),
]


def _write_manifest(
    out: Path | None, command: str, parameters: dict[str, Any], scenario_hash: str | None = None
) -> None:
    """Write ``build_manifest(...)`` as JSON to ``out`` (opt-in; stdout keeps its shape)."""
    if out is None:
        return
    from detente.manifest import build_manifest

    manifest = build_manifest(command=command, scenario_hash=scenario_hash, parameters=parameters)
    try:
        out.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{out}: cannot write the manifest ({exc.strerror})") from None


def _store_state(store: Any) -> dict[str, Any]:
    """What identifies a store's content: its ingested files (path, SHA-256) and event count."""
    files = store.con.execute("SELECT path, sha256 FROM files ORDER BY ingested_at").fetchall()
    return {"events": store.count(), "files": [{"path": p, "sha256": h} for p, h in files]}


def _date(value: str | None, name: str) -> _dt.date | None:
    if value is None:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{name}: expected YYYY-MM-DD, got {value!r}") from None


def _emit(text: str) -> None:
    console.print(text, markup=False, highlight=False, end="" if text.endswith("\n") else "\n")


def _flag_columns() -> list[str]:
    return ["actor", "date", "kind", "region", "ref", "evidence"]


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


def register(app: typer.Typer) -> None:
    """Add the ``monitor`` group to ``app``."""
    mon = typer.Typer(
        help="Event data: ingest, say/do measures, flags, verify ledger claims.",
        no_args_is_help=True,
    )
    app.add_typer(mon, name="monitor")

    @mon.command("ingest")
    def ingest(
        files: Annotated[list[Path], typer.Argument(help="Event files (plain or .zip).")],
        db: Db,
        input_format: Annotated[
            str | None,
            typer.Option(
                "--input-format",
                help="gdelt1, gdelt2, gdelt2-mentions, icews, acled, ucdp or counts.",
            ),
        ] = None,
        mapping: Annotated[
            Path | None, typer.Option("--mapping", help="CSV 'key,actor' actor mapping.")
        ] = None,
        parquet: Annotated[
            Path | None, typer.Option("--parquet", help="Also export all events to Parquet.")
        ] = None,
        manifest: ManifestOut = None,
        fmt: Fmt = OutputFormat.table,
    ) -> None:
        """Stream event files into the store; every row is loaded, rejected or a duplicate."""
        with clean_errors():
            from detente.monitor.mapping import default_mapping, load_mapping
            from detente.monitor.store import EventStore

            amap = load_mapping(mapping) if mapping else default_mapping()
            reports = []
            with EventStore(db) as store:
                if mapping:
                    store.apply_mapping(amap)
                for f in files:
                    rep = store.ingest(f, fmt=input_format, mapping=amap)
                    reports.append(rep)
                    line = rep.line()
                    if fmt is OutputFormat.table:
                        _emit(line)
                    else:
                        err_console.print(line, markup=False, highlight=False)
                if parquet:
                    store.export_parquet(parquet)
                state = _store_state(store)
            records = [r.record() for r in reports]
            _write_manifest(
                manifest,
                "monitor ingest",
                {
                    "db": str(db),
                    "input_format": input_format,
                    "mapping": str(mapping) if mapping else None,
                    "ingested": [
                        {k: r[k] for k in ("file", "format", "sha256", "rows_read", "rows_loaded")}
                        for r in records
                    ],
                    "store": state,
                },
            )
            cols = [
                "file",
                "format",
                "rows_read",
                "rows_loaded",
                "rows_rejected",
                "duplicates_dropped",
                "rejected_by_reason",
            ]
            if fmt is OutputFormat.table:
                for r in records:
                    r["rejected_by_reason"] = "; ".join(
                        f"{k}: {v}" for k, v in r["rejected_by_reason"].items()
                    )
                _emit(render_records(records, fmt, title="Ingest", columns=cols))
            else:
                _emit(
                    render_records(records, fmt, columns=cols if fmt is OutputFormat.csv else None)
                )

    @mon.command("measures")
    def measures(
        db: Db,
        window: Annotated[str, typer.Option(help="day, week, month, quarter or year.")] = "week",
        actor: Annotated[str | None, typer.Option(help="Keep dyads with this actor.")] = None,
        region: Annotated[str | None, typer.Option(help="Keep this region.")] = None,
        start: Annotated[str | None, typer.Option(help="From (YYYY-MM-DD).")] = None,
        end: Annotated[str | None, typer.Option(help="Before (YYYY-MM-DD).")] = None,
        manifest: ManifestOut = None,
        fmt: Fmt = OutputFormat.table,
    ) -> None:
        """Counts, Goldstein sums, fatalities and the say/do gap per dyad, region, window."""
        with clean_errors():
            from detente.monitor.measures import dyad_measures
            from detente.monitor.store import EventStore

            with EventStore(db, read_only=True) as store:
                recs = dyad_measures(
                    store,
                    window=window,
                    actor=actor,
                    region=region,
                    start=_date(start, "--start"),
                    end=_date(end, "--end"),
                )
                state = _store_state(store)
            _write_manifest(
                manifest,
                "monitor measures",
                {
                    "db": str(db),
                    "window": window,
                    "actor": actor,
                    "region": region,
                    "start": start,
                    "end": end,
                    "store": state,
                },
            )
            _emit(render_records(recs, fmt, title=f"Say/do measures per {window}"))

    @mon.command("flags")
    def flags(
        db: Db,
        scenario: Annotated[
            Path | None, typer.Argument(help="Scenario whose ledger claims are flagged.")
        ] = None,
        actor: Annotated[str | None, typer.Option(help="Claimant (ad-hoc claim).")] = None,
        date: Annotated[str | None, typer.Option(help="Claim start (YYYY-MM-DD).")] = None,
        region: Annotated[str | None, typer.Option(help="Claimed region.")] = None,
        direction: Annotated[str, typer.Option(help="cease, decrease or maintain.")] = "cease",
        size: Annotated[float | None, typer.Option(help="Promised fall (decrease).")] = None,
        deadline: Annotated[str | None, typer.Option(help="Last day judged.")] = None,
        counterpart: Annotated[str | None, typer.Option(help="The other party.")] = None,
        manifest: ManifestOut = None,
        fmt: Fmt = OutputFormat.table,
    ) -> None:
        """Peace-offensive, de-escalation and claim flags (ledger claims or one ad-hoc claim)."""
        with clean_errors():
            from detente.monitor.claims import Claim
            from detente.monitor.flags import flag_claim
            from detente.monitor.store import EventStore

            with EventStore(db, read_only=True) as store:
                found = []
                if scenario is not None:
                    from detente.monitor.verify import verify_scenario
                    from detente.scenario import load_scenario

                    for v in verify_scenario(load_scenario(scenario), store):
                        found += list(v.flags)
                if actor is not None or date is not None:
                    start = _date(date, "--date")
                    if actor is None or start is None:
                        raise InputError("an ad-hoc claim needs both --actor and --date")
                    if direction not in ("cease", "decrease", "maintain"):
                        raise InputError(
                            f"--direction must be cease, decrease or maintain; got {direction!r}"
                        )
                    claim = Claim(
                        actor=actor,
                        start=start,
                        direction=direction,
                        region=region,
                        size=size,
                        deadline=_date(deadline, "--deadline"),
                        counterpart=counterpart,
                        ref="cli",
                    )
                    found += flag_claim(store, claim)
                if scenario is None and actor is None:
                    raise InputError("give a SCENARIO or an ad-hoc claim (--actor, --date)")
                state = _store_state(store)
            recs = [f.record() for f in found]
            if manifest is not None:
                from dataclasses import asdict

                from detente.manifest import content_hash
                from detente.monitor.claims import ClaimParams
                from detente.monitor.flags import DeescalationParams

                params: dict[str, Any] = {
                    "db": str(db),
                    "scenario": str(scenario) if scenario else None,
                    "claim": {
                        "actor": actor,
                        "date": date,
                        "region": region,
                        "direction": direction,
                        "size": size,
                        "deadline": deadline,
                        "counterpart": counterpart,
                    }
                    if actor is not None
                    else None,
                    "claim_params": asdict(ClaimParams()),
                    "deescalation_params": asdict(DeescalationParams()),
                    "store": state,
                }
                _write_manifest(
                    manifest,
                    "monitor flags",
                    params,
                    content_hash(scenario.read_bytes()) if scenario else None,
                )
            if fmt is OutputFormat.json:
                _emit(render_records(recs, fmt))
            else:
                _emit(
                    render_records(_flag_table(recs), fmt, title="Flags", columns=_flag_columns())
                )

    @mon.command("verify")
    def verify(
        scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML).")],
        db: Db,
        out: Annotated[
            Path | None, typer.Option("--out", help="Write observations (.yaml or .json).")
        ] = None,
        fmt: Fmt = OutputFormat.table,
    ) -> None:
        """Resolve ledger claims against the store; write observation entries for trust."""
        with clean_errors():
            from detente.monitor.store import EventStore
            from detente.monitor.verify import observation_records, verify_scenario
            from detente.scenario import load_scenario

            scen = load_scenario(scenario)
            with EventStore(db, read_only=True) as store:
                verified = verify_scenario(scen, store)
            obs = observation_records(verified)
            if out is not None:
                from detente.manifest import build_manifest, content_hash

                manifest = build_manifest(
                    command="monitor verify",
                    scenario_hash=content_hash(scenario.read_bytes()),
                    parameters={"db": str(db)},
                )
                _write_observations(out, obs, manifest)
            if fmt is OutputFormat.table:
                cols = [
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
                _emit(render_records(obs, fmt, title="Observations", columns=cols))
            else:
                _emit(render_records(obs, fmt))


def _write_observations(out: Path, obs: list[dict[str, Any]], manifest: dict[str, Any]) -> None:
    """``{ledger: [...]}`` as YAML (manifest in a comment) or JSON (with a ``manifest`` key)."""
    if out.suffix.lower() == ".json":
        doc = {"ledger": obs, "manifest": manifest}
        out.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    import io

    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.default_flow_style = False
    buf = io.StringIO()
    yaml.dump({"ledger": obs}, buf)
    head = "".join(f"# {k}: {v}\n" for k, v in manifest.items() if k != "parameters")
    out.write_text(
        "# written by detente monitor verify\n" + head + buf.getvalue(), encoding="utf-8"
    )
