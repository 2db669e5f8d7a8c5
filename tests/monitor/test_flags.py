"""Peace offensives found in the event data itself (a burst of verbal cooperation, no fall)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from detente.monitor.flags import DeescalationParams, scan_overtures
from detente.monitor.store import EventStore

from .conftest import gdelt_row, write


def test_scan_finds_overture_without_fall(store: EventStore, tmp_path: Path) -> None:
    day0 = dt.date(2020, 1, 6)
    lines, gid = [], 0
    for d in range(20 * 7):
        date = (day0 + dt.timedelta(days=d)).strftime("%Y%m%d")
        for _ in range(2):  # steady fighting, RU -> UA
            gid += 1
            lines.append(gdelt_row(2, gid, date=date, code="190"))
        week = d // 7
        if d % 7 == 0 or (week == 14 and d % 7 < 5):
            gid += 1  # RU's verbal cooperation: one a week, then a burst in week 14
            lines.append(gdelt_row(2, gid, date=date, code="036"))
        if week == 15:
            gid += 1  # UA's statements do not count as RU's overture
            lines.append(gdelt_row(2, gid, date=date, code="036", a1="UKR", a2="RUS"))
    store.ingest(write(tmp_path / "e.export.CSV", lines))
    flags = scan_overtures(
        store, actor="RU", start=day0, end=day0 + dt.timedelta(weeks=20), region="Donetsk"
    )
    assert [f.date for f in flags] == [day0 + dt.timedelta(weeks=14)]
    (f,) = flags
    assert f.kind == "peace_offensive" and f.actor == "RU"
    assert f.evidence["overture_events_week"] == 5
    assert f.evidence["rate_ratio"] > 0.5
    quiet = scan_overtures(
        store,
        actor="RU",
        start=day0,
        end=day0 + dt.timedelta(weeks=20),
        params=DeescalationParams(overture_min_events=6),
    )
    assert quiet == []
