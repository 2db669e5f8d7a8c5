"""The report's data bundle: the tidy data behind every chart and table, beside ``report.html``.

``data/<section>-<table>.csv`` holds one table (one row per record, a header of field names;
numbers in full precision, lists joined by ``"; "``, empty cells for missing values);
``data/report-data.json`` holds every table of every section with its title and the run's
options; ``report-data.zip`` holds the whole ``data/`` folder for one download. The bytes
depend only on the sections' data and the run's options (no time stamp), so the same inputs
and seed give the same bundle; the manifest lists each file with its SHA-256.
"""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

from detente.manifest import content_hash, to_json
from detente.outputs import spreadsheet_safe
from detente.report.base import DATA_DIR, Section, data_href

__all__ = ["JSON_NAME", "ZIP_NAME", "build_bundle", "csv_text", "file_records"]

JSON_NAME = f"{DATA_DIR}/report-data.json"
ZIP_NAME = "report-data.zip"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every zip entry's time stamp (the zip format's earliest): same inputs, same bytes."""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, Mapping):
        return json.dumps(json.loads(to_json(value)), ensure_ascii=False, sort_keys=True)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if hasattr(value, "item"):  # a numpy scalar
        return _cell(value.item())
    return str(value)


def csv_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """Records as CSV text: columns in first-seen order over all rows; text a spreadsheet
    would run as a formula is quoted (:func:`detente.outputs.spreadsheet_safe`)."""
    columns = list(dict.fromkeys(k for r in rows for k in r))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([spreadsheet_safe(_cell(r.get(c))) for c in columns])
    return buf.getvalue()


def build_bundle(sections: Sequence[Section], about: Mapping[str, Any]) -> dict[str, bytes]:
    """The bundle's files: relative path (``/``-separated) -> bytes. ``about``: what produced
    the data (scenario, its hash, seed, options), put at the top of the JSON."""
    files: dict[str, bytes] = {}
    doc_sections = []
    for s in sections:
        tables = []
        for t in s.data:
            path = data_href(s.anchor, t.name)
            if path in files:
                raise ValueError(f"section {s.anchor}: two data tables named {t.name!r}")
            files[path] = csv_text(t.rows).encode("utf-8")
            tables.append({"name": t.name, "title": t.title, "file": path, "rows": list(t.rows)})
        if tables:
            doc_sections.append(
                {"anchor": s.anchor, "title": s.title, "summary": s.summary, "tables": tables}
            )
    doc = {**about, "sections": doc_sections}
    files[JSON_NAME] = (to_json(doc) + "\n").encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, files[path])
    files[ZIP_NAME] = buf.getvalue()
    return files


def file_records(files: Mapping[str, bytes]) -> list[dict[str, Any]]:
    """The manifest's list of bundle files: path, bytes and SHA-256, sorted by path."""
    return [
        {"path": p, "bytes": len(b), "sha256": content_hash(b)} for p, b in sorted(files.items())
    ]
