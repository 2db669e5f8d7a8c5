"""Front door to the HTML report: ``report``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.api.common import as_scenario, not_empty
from detente.core import DEFAULT_SEED
from detente.errors import InputError
from detente.manifest import scenario_sha256
from detente.report.base import TRUST_WINDOW_YEARS

if TYPE_CHECKING:
    from detente.report.build import Report
    from detente.scenario.schema import Scenario

__all__ = ["ReportResult", "report"]


@dataclass(frozen=True)
class ReportResult:
    """A built report: ``html`` (self-contained), its sections, ``manifest``, and ``path``
    when it was written (``out``)."""

    report: Report = field(repr=False)
    path: Path | None = None

    @property
    def manifest(self) -> dict[str, Any]:
        """The report's manifest (also in its footer and ``manifest.json``)."""
        return self.report.manifest

    @property
    def html(self) -> str:
        """The self-contained HTML page (no CDN; charts embedded as SVG)."""
        return self.report.html

    def summaries(self) -> list[tuple[str, str]]:
        """(section title, key finding) for every section that states one."""
        return [(s.title, s.summary) for s in self.report.sections if s.summary]

    def to_dict(self) -> dict[str, Any]:
        """Key findings per section, skipped sections and the manifest."""
        return {
            "sections": [{"title": t, "summary": s} for t, s in self.summaries()],
            "skipped": [{"section": n, "reason": why} for n, why in self.report.skipped],
            "path": None if self.path is None else str(self.path),
            "manifest": self.manifest,
        }

    def _repr_html_(self) -> str:
        return self.report.html


def _event_store(path: Path) -> Path:
    """``path`` if it is an event store ``detente monitor ingest`` made (opened read-only once,
    before the work); otherwise InputError naming it and the option: a file that is not a
    store is never skipped quietly with the say/do section."""
    from detente.monitor.store import EventStore

    if path.is_dir():
        raise InputError(f"{path} (--events-db): is a directory, not a DuckDB event store")
    if path.exists() and not path.is_file():
        raise InputError(f"{path} (--events-db): not a regular file; the event store is a file")
    if not path.is_file():
        raise InputError(
            f"{path} (--events-db): no such event store (create it with `detente monitor ingest`)"
        )
    try:
        EventStore(path, read_only=True).close()
    except InputError as err:
        # the store's words, without their --db advice (a report's store must exist)
        why = str(err).removeprefix(f"{path}: ").split("; --db", 1)[0]
        advice = "" if "monitor ingest" in why else "; make one with `detente monitor ingest`"
        raise InputError(f"{path} (--events-db): {why}{advice}") from None
    return path


def report(
    scenario: Scenario | str | Path,
    *,
    out: str | Path | None = None,
    seed: int = DEFAULT_SEED,
    runs: int = 2000,
    quick: bool = False,
    events_db: str | Path | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    trust_window: int = TRUST_WINDOW_YEARS,
    overwrite: bool = False,
) -> ReportResult:
    """Build the report of every section (overview, bargaining, forecasts, simulation, trust,
    and say/do with ``events_db``); with ``out``, write ``report.html``, ``manifest.json`` and
    the data bundle (``data/``: one CSV per chart or table and ``report-data.json``;
    ``report-data.zip``: all of it) into that directory. ``progress(done, total, section)``
    is called as sections start. ``trust_window``: years (1 to 100) of the trust chart, up to
    the scenario's date. An earlier report in ``out`` is replaced only with ``overwrite=True``
    (``--overwrite``), and only while its files are as it wrote them (the SHA-256 its
    ``manifest.json`` records: an edited one is refused, nothing removed); a folder holding
    files a report did not write is always refused."""
    from detente.api.numbers import RUNS, SEED, whole
    from detente.report.build import (
        build_report,
        check_report_dir,
        check_trust_window,
        write_report,
    )

    not_empty(out, "out", "--out")
    not_empty(events_db, "events_db", "--events-db")
    trust_window = check_trust_window(trust_window)
    seed, runs = whole(seed, SEED), whole(runs, RUNS)
    inputs = [p for p in (scenario, events_db) if isinstance(p, str | Path)]
    if out is not None:
        # before the work, so a refusal wastes none
        check_report_dir(Path(out), inputs, overwrite=overwrite)
    s = as_scenario(scenario)
    cache: dict[str, Any] = {}
    if events_db is not None:
        cache["monitor_db"] = _event_store(Path(events_db))
    rep = build_report(
        s,
        scenario_hash=scenario_sha256(s),
        seed=seed,
        runs=runs,
        quick=quick,
        trust_window=trust_window,
        extra_cache=cache,
        progress=progress,
    )
    path = None if out is None else write_report(rep, Path(out), inputs, overwrite=overwrite)
    return ReportResult(rep, path)
