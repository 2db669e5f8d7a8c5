"""Front door to event monitoring: open a store, ingest, say/do measures, flags, verify.

``detente.monitor.open_store(path)`` (or ``detente.monitor(path)``) returns a :class:`Monitor`
bound to a DuckDB event store, whose methods ``ingest``, ``measures``, ``flags`` and ``verify``
are this module's functions. Every result carries a manifest recording the store's content
(its ingested files with their SHA-256, and its event count).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.api.common import (
    as_scenario,
    check_ending,
    not_blank,
    not_empty,
    one_of,
    parse_date,
)
from detente.api.results import Result
from detente.errors import InputError, OptionValueError, OutputClashError
from detente.manifest import build_manifest, json_ready, scenario_sha256

if TYPE_CHECKING:
    from detente.monitor.store import EventStore
    from detente.scenario.schema import Scenario

__all__ = [
    "Flags",
    "Ingested",
    "Measures",
    "Monitor",
    "Observations",
    "check_observations_path",
    "connect",
    "flags",
    "ingest",
    "measures",
    "open_store",
    "require_event_store",
    "store_state",
    "verify",
]

DIRECTIONS = ("cease", "decrease", "maintain")


def connect(path: str | Path, *, read_only: bool = False) -> EventStore:
    """The engine's DuckDB event store at ``path`` (created unless ``read_only``); a context
    manager, for queries of your own. Opened for writing, ``path`` must be a new file or an
    event store detente made (:func:`require_event_store`): a DuckDB database of the user's
    own is refused, unchanged, rather than given detente's tables."""
    from detente.monitor.store import EventStore

    not_empty(path, "db", "--db")
    if Path(path).is_dir():
        raise InputError(
            f"{path}: is a directory, not a DuckDB event store; --db must name a store made by "
            "`detente monitor ingest` or a new file path"
        )
    if not read_only:
        require_event_store(Path(path))
    return EventStore(path, read_only=read_only)


_LEGACY_FILES_COLUMNS = frozenset(
    {"path", "sha256", "format", "ingested_at", "rows_read", "rows_loaded", "rows_rejected"}
)
"""Columns of the ``files`` table of every event store, including those made before the
``meta`` table existed."""


def require_event_store(path: Path) -> None:
    """Refuse (:class:`OutputClashError`, exit 2) to write an event store into ``path`` when it
    is a DuckDB database that detente did not make, leaving the file byte-identical (it is
    only read, read-only). Accepted: no file yet; a DuckDB database with no table (a store
    whose first opening was stopped); a store with detente's ``meta`` table holding its
    ``key_hash_probe`` row; a store made before ``meta`` existed (an ``events`` table and a
    ``files`` table with the ingest record's columns). A file that is not a DuckDB database,
    or cannot be opened, is left to :class:`~detente.monitor.store.EventStore`, which refuses
    it with its own message."""
    import duckdb

    from detente.api.duckdb_files import duckdb_tables

    try:
        found = duckdb_tables(path, matching={"meta": "name = 'key_hash_probe'"})
    except (OSError, duckdb.Error):
        return  # EventStore reports it (locked, unreadable, another version …)
    if not found:
        return  # not a DuckDB file (EventStore names what it is), or one with no table
    if "meta" in found:
        if found["meta"].matching:
            return
    elif (
        "events" in found
        and "files" in found
        and (set(found["files"].columns) >= _LEGACY_FILES_COLUMNS)
    ):
        return
    tables = list(found)
    shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
    raise OutputClashError(
        f"{path} (--db): a DuckDB database that `detente monitor ingest` did not make (it holds "
        f"{shown}); refusing to add the event store's tables to it (the file was not changed); "
        "give a new file name or an event store detente made"
    )


@dataclass(frozen=True)
class Monitor:
    """An event store at ``db`` and what to do with it (each call opens and closes it)."""

    db: Path

    def ingest(
        self,
        files: str | Path | Sequence[str | Path],
        *,
        input_format: str | None = None,
        mapping: str | Path | None = None,
        parquet: str | Path | None = None,
    ) -> Ingested:
        """See :func:`ingest`."""
        return ingest(files, self.db, input_format=input_format, mapping=mapping, parquet=parquet)

    def measures(self, **options: Any) -> Measures:
        """See :func:`measures` (window, actor, region, start, end)."""
        return measures(self.db, **options)

    def flags(self, scenario: Scenario | str | Path | None = None, **claim: Any) -> Flags:
        """See :func:`flags` (a scenario's claims and/or one ad-hoc claim)."""
        return flags(self.db, scenario, **claim)

    def verify(self, scenario: Scenario | str | Path) -> Observations:
        """See :func:`verify`."""
        return verify(scenario, self.db)

    def store(self, *, read_only: bool = True) -> EventStore:
        """The engine's store (a context manager), for queries of your own."""
        return connect(self.db, read_only=read_only)


def open_store(path: str | Path) -> Monitor:
    """A :class:`Monitor` on the event store at ``path`` (created by the first ingest)."""
    return Monitor(Path(path))


def store_state(store: EventStore) -> dict[str, Any]:
    """What identifies a store's content: its ingested files (path, SHA-256) and event count."""
    files = store.con.execute("SELECT path, sha256 FROM files ORDER BY ingested_at").fetchall()
    return {"events": store.count(), "files": [{"path": p, "sha256": h} for p, h in files]}


@dataclass(frozen=True)
class _Records(Result):
    def records(self) -> list[dict[str, Any]]:
        return list(self.document)


@dataclass(frozen=True)
class Ingested(_Records):
    """One accounting record per ingested file (``detente monitor ingest``)."""

    lines: tuple[str, ...] = field(default=(), kw_only=True)
    title = "Ingest"


def ingest(
    files: str | Path | Sequence[str | Path],
    db: str | Path,
    *,
    input_format: str | None = None,
    mapping: str | Path | None = None,
    parquet: str | Path | None = None,
) -> Ingested:
    """Stream event files into the store at ``db``; every row is loaded, rejected or a
    duplicate. ``mapping`` is a CSV ``key,actor`` actor mapping; ``parquet`` also exports all
    events to that Parquet file. An ``input_format`` that is not one of
    :data:`detente.monitor.formats.FORMATS` is an :class:`~detente.errors.OptionValueError`
    naming ``--input-format``, raised before the store is opened."""
    from detente.monitor.formats import FORMATS
    from detente.monitor.mapping import default_mapping, load_mapping

    if input_format is not None:
        one_of(input_format, list(FORMATS), "input_format", "--input-format", "input format")
    not_empty(mapping, "mapping", "--mapping")
    if parquet is not None:  # a usage error naming --parquet, before the store is opened
        check_ending(parquet, PARQUET_SUFFIXES, "parquet", "--parquet")
    paths = [files] if isinstance(files, str | Path) else list(files)
    for f in paths:  # before the store is opened: a bad path never leaves a new, empty store
        if Path(f).is_dir():
            raise InputError(f"{f}: is a directory, not an event file")
        if not Path(f).is_file():
            raise InputError(f"{f}: no such file")
    amap = load_mapping(Path(mapping)) if mapping else default_mapping()
    reports = []
    with connect(db) as store:
        if mapping:
            store.apply_mapping(amap)
        for f in paths:
            reports.append(store.ingest(Path(f), fmt=input_format, mapping=amap))
        if parquet:
            from detente.outputs import atomic_path

            with atomic_path(parquet) as tmp:  # never a half-written Parquet file
                store.export_parquet(tmp)
        state = store_state(store)
    records = [r.record() for r in reports]
    manifest = build_manifest(
        command="monitor ingest",
        parameters={
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
    return Ingested(json_ready(records), manifest, lines=tuple(r.line() for r in reports))


@dataclass(frozen=True)
class Measures(_Records):
    """Say/do measures per dyad, region and window (``detente monitor measures``)."""

    title = "Say/do measures"


def measures(
    db: str | Path,
    *,
    window: str = "week",
    actor: str | None = None,
    region: str | None = None,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
) -> Measures:
    """Counts, Goldstein sums, fatalities and the say/do gap per dyad, region and window
    (``window`` one of :data:`detente.monitor.measures.WINDOWS`; another is an
    :class:`~detente.errors.OptionValueError` naming ``--window``). ``start`` is the first day
    counted, ``end`` the first day left out: an ``end`` on or before ``start`` is an
    :class:`~detente.errors.OptionValueError` naming ``--end`` (it was an empty result)."""
    from detente.monitor.measures import WINDOWS, dyad_measures

    one_of(window, WINDOWS, "window", "--window", "window")
    not_blank(actor, "actor", "--actor")
    not_blank(region, "region", "--region")
    d0, d1 = parse_date(start, "start"), parse_date(end, "end")
    if d0 is not None and d1 is not None and d1 <= d0:  # an empty period, not an empty result
        raise OptionValueError(
            "end",
            "--end",
            f"{d1.isoformat()} is not after --start {d0.isoformat()} (--end is the first day "
            "left out)",
        )
    with connect(db, read_only=True) as store:
        recs = dyad_measures(store, window=window, actor=actor, region=region, start=d0, end=d1)
        state = store_state(store)
    manifest = build_manifest(
        command="monitor measures",
        parameters={
            "db": str(db),
            "window": window,
            "actor": actor,
            "region": region,
            "start": None if d0 is None else d0.isoformat(),
            "end": None if d1 is None else d1.isoformat(),
            "store": state,
        },
    )
    return Measures(json_ready(recs), manifest)


@dataclass(frozen=True)
class Flags(_Records):
    """Peace-offensive, de-escalation and claim flags (``detente monitor flags``)."""

    title = "Flags"


def flags(
    db: str | Path,
    scenario: Scenario | str | Path | None = None,
    *,
    actor: str | None = None,
    date: dt.date | str | None = None,
    region: str | None = None,
    direction: str = "cease",
    size: float | None = None,
    deadline: dt.date | str | None = None,
    counterpart: str | None = None,
) -> Flags:
    """Flags for the scenario's ledger claims and/or one ad-hoc claim (``actor`` from
    ``date``, ``direction`` cease, decrease or maintain, in ``region``, until ``deadline``).

    Refused before the store is opened, as an :class:`~detente.errors.OptionValueError` naming
    the option (exit 2 on the command line): a claim's term (``region``, ``size``,
    ``deadline``, ``counterpart``) without the ad-hoc claim (``actor`` and ``date``), a
    ``deadline`` before ``date``, and a ``size`` with a ``direction`` other than ``decrease``
    (a cease or maintain term is judged against its own fixed target, so the size would be
    ignored)."""
    from detente.monitor.claims import Claim, ClaimParams
    from detente.monitor.flags import DeescalationParams, flag_claim
    from detente.monitor.verify import verify_scenario

    # what is missing or cannot be taken is a usage error naming the option (exit 2)
    for keyword, name in (("actor", actor), ("region", region), ("counterpart", counterpart)):
        not_blank(name, keyword, f"--{keyword}")
    if scenario is None and actor is None and date is None:
        raise OptionValueError(
            "actor", "--actor", "give a scenario or an ad-hoc claim (--actor and --date)"
        )
    start = parse_date(date, "date")
    if actor is None and start is not None:
        raise OptionValueError("actor", "--actor", "an ad-hoc claim (--date) needs an actor too")
    if actor is not None and start is None:
        raise OptionValueError("date", "--date", "an ad-hoc claim (--actor) needs a date too")
    one_of(direction, DIRECTIONS, "direction", "--direction", "direction")
    until = parse_date(deadline, "deadline")
    if start is None:  # the claim's terms without the claim: refused, not ignored
        for keyword, value in (("region", region), ("size", size), ("deadline", until),
                               ("counterpart", counterpart)):  # fmt: skip
            if value is not None:
                raise OptionValueError(
                    keyword, f"--{keyword}", "a term of an ad-hoc claim: give --actor and --date"
                )
    if until is not None and start is not None and until < start:
        raise OptionValueError(
            "deadline", "--deadline", f"{until.isoformat()} is before --date {start.isoformat()}"
        )
    if size is not None:
        from detente.api.numbers import SIZE, real

        size = real(size, SIZE)  # a bad number first, as the parser reports it
        if direction != "decrease":  # a cease or maintain term's target is fixed
            raise OptionValueError(
                "size",
                "--size",
                f"the promised fall of a decrease; --direction {direction} judges against its "
                f"own fixed target (cease: a fall of {ClaimParams().cease_fall:.0%}; maintain: "
                "no rise): drop --size or give --direction decrease",
            )
    s = None if scenario is None else as_scenario(scenario)
    with connect(db, read_only=True) as store:
        found = []
        if s is not None:
            for v in verify_scenario(s, store):
                found += list(v.flags)
        if actor is not None and start is not None:
            claim = Claim(
                actor=actor,
                start=start,
                direction=direction,
                region=region,
                size=size,
                deadline=until,
                counterpart=counterpart,
                ref="cli",
            )
            found += flag_claim(store, claim)
        state = store_state(store)
    claim_doc = None
    if actor is not None:
        claim_doc = {
            "actor": actor,
            "date": None if start is None else start.isoformat(),
            "region": region,
            "direction": direction,
            "size": size,
            "deadline": None if until is None else until.isoformat(),
            "counterpart": counterpart,
        }
    manifest = build_manifest(
        command="monitor flags",
        scenario_hash=None if s is None else scenario_sha256(s),
        parameters={
            "db": str(db),
            "scenario": str(scenario) if isinstance(scenario, str | Path) else None,
            "claim": claim_doc,
            "claim_params": asdict(ClaimParams()),
            "deescalation_params": asdict(DeescalationParams()),
            "store": state,
        },
    )
    return Flags(json_ready([f.record() for f in found]), manifest)


@dataclass(frozen=True)
class Observations(_Records):
    """Observation ledger entries from verified claims (``detente monitor verify``)."""

    title = "Observations"

    def write(self, path: str | Path) -> Path:
        """Write ``{ledger: [...]}`` as YAML (``.yaml`` or ``.yml``; manifest in a comment) or
        JSON (``.json``, with a ``manifest`` key), ready to paste into a scenario's ledger;
        another ending is an :class:`~detente.errors.OptionValueError` naming ``--out``."""
        import io

        from ruamel.yaml import YAML

        from detente.outputs import write_json, write_text

        check_observations_path(path)
        out = Path(path)
        if out.suffix.lower() == ".json":
            return write_json(out, {"ledger": self.document, "manifest": self.manifest})
        yaml = YAML()
        yaml.default_flow_style = False
        buf = io.StringIO()
        yaml.dump({"ledger": self.to_dict()}, buf)
        head = "".join(f"# {k}: {v}\n" for k, v in self.manifest.items() if k != "parameters")
        return write_text(out, "# written by detente monitor verify\n" + head + buf.getvalue())


OBSERVATION_SUFFIXES = (".yaml", ".yml", ".json")
"""The endings of an observations file (:meth:`Observations.write`)."""

PARQUET_SUFFIXES = (".parquet", ".pq")
"""The endings of the Parquet export of :func:`ingest` (``--parquet``)."""


def check_observations_path(path: str | Path) -> None:
    """Refuse (:class:`OptionValueError`, a usage error naming ``--out``) an observations file
    whose name does not end in one of :data:`OBSERVATION_SUFFIXES` (it would have been written
    as YAML whatever its ending)."""
    check_ending(path, OBSERVATION_SUFFIXES, "path", "--out")


def verify(scenario: Scenario | str | Path, db: str | Path) -> Observations:
    """Resolve the scenario's ledger claims against the store; observation entries for trust."""
    from detente.monitor.verify import observation_records, verify_scenario

    s = as_scenario(scenario)
    with connect(db, read_only=True) as store:
        verified = verify_scenario(s, store)
        state = store_state(store)
    manifest = build_manifest(
        command="monitor verify",
        scenario_hash=scenario_sha256(s),
        parameters={"db": str(db), "store": state},
    )
    return Observations(json_ready(observation_records(verified)), manifest)
