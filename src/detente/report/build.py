"""Assemble the self-contained HTML report from the registered sections.

The page has no scripts and loads nothing from the network: styles are inline and every chart
is inline SVG rendered offline by vl-convert. The footer carries the run manifest.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detente.core import DEFAULT_SEED
from detente.errors import DetenteError, InputError
from detente.manifest import build_manifest
from detente.report.base import (
    DATA_DIR,
    TRUST_WINDOW_YEARS,
    ReportContext,
    Section,
    data_href,
    esc,
)
from detente.report.bundle import JSON_NAME, ZIP_NAME, build_bundle, file_records
from detente.report.sections import SECTION_MODULES
from detente.scenario import Scenario

__all__ = [
    "PAGE_NAME",
    "REPORT_FILES",
    "Report",
    "build_report",
    "check_report_dir",
    "check_trust_window",
    "write_report",
]

_CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;
margin:1.5em auto;padding:0 1em;color:#1d2330;line-height:1.45}
h1{margin-bottom:.1em}h2{font-size:1.3em;margin:.2em 0}h3{margin-top:1.4em}
.muted{color:#4f5866}.lede{font-size:1.05em}
table{border-collapse:collapse;margin:.8em 0;font-size:.9em;max-width:100%}
th,td{border:1px solid #d8dde6;padding:.25em .5em;text-align:left;vertical-align:top;
overflow-wrap:break-word;hyphens:auto}
th{background:#f2f4f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
caption{caption-side:top;text-align:left;font-weight:600;padding:.3em 0}
figure{margin:1em 0;max-width:100%}figure svg{max-width:100%;height:auto}
figcaption{font-size:.9em;color:#4f5866}
.fans{display:flex;flex-wrap:wrap;gap:.5em 1.5em}.fans figure{margin:.3em 0}
.summary{background:#f6f8fb;border-left:4px solid #4a6fa5;padding:.5em 1em}
.note{background:#fff8e6;border-left:4px solid #b58900;padding:.5em 1em}
details.section{border-top:2px solid #d8dde6;padding:.4em 0}
details.section>summary{cursor:pointer;list-style-position:outside}
details.section>summary h2{display:inline}
details.section>summary p{margin:.2em 0 .2em 0;color:#4f5866}
details.more>summary{cursor:pointer;color:#2a5caa;font-size:.9em}
.controls{font-size:.9em}
p.data{font-size:.85em;color:#4f5866}
footer{margin-top:3em;font-size:.8em;color:#4f5866}
pre{background:#f6f8fb;padding:.6em;overflow-x:auto;font-size:.85em;white-space:pre-wrap}
@media (max-width:700px){body{padding:0 .5em}}
"""


@dataclass(frozen=True)
class Report:
    """A built report: the HTML text, its sections, the manifest and the data bundle
    (``files``: path relative to the report's folder -> bytes)."""

    html: str
    sections: tuple[Section, ...]
    skipped: tuple[tuple[str, str], ...]
    manifest: dict[str, Any]
    files: Mapping[str, bytes] = field(default_factory=dict)


def check_trust_window(years: object) -> int:
    """``years`` as the trust chart's window (a whole number of years, 1 to
    :data:`MAX_TRUST_WINDOW`); InputError naming the option otherwise."""
    from detente.api.numbers import TRUST_WINDOW, whole

    return whole(years, TRUST_WINDOW)


def build_report(
    scenario: Scenario,
    *,
    scenario_hash: str,
    seed: int = DEFAULT_SEED,
    runs: int = 2000,
    quick: bool = False,
    trust_window: int = TRUST_WINDOW_YEARS,
    modules: Sequence[str] = SECTION_MODULES,
    extra_cache: dict[str, Any] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> Report:
    """Run every section on ``scenario`` and assemble the page and its data bundle.

    A section that does not apply returns ``None``; one that cannot run on this input raises
    a :class:`DetenteError`, which is shown in the report as a note (other errors propagate).
    ``progress(done, total, section)`` is called before each section starts and at the end.
    ``trust_window``: years of the trust chart, up to the scenario's date.
    """
    ctx = ReportContext(
        scenario=scenario,
        scenario_hash=scenario_hash,
        seed=seed,
        runs=runs,
        quick=quick,
        cache=dict(extra_cache or {}),
        trust_window=check_trust_window(trust_window),
    )
    sections: list[Section] = []
    skipped: list[tuple[str, str]] = []
    for done, name in enumerate(modules):
        if progress is not None:
            progress(done, len(modules), name.rsplit(".", 1)[-1])
        module = importlib.import_module(name)
        try:
            section = module.build(ctx)
        except DetenteError as exc:
            skipped.append((name.rsplit(".", 1)[-1], str(exc)))
            continue
        if section is not None:
            sections.append(section)
    if progress is not None:
        progress(len(modules), len(modules), "page")
    parameters = {
        "runs": runs,
        "quick": quick,
        "trust_window": trust_window,
        "sections": [s.anchor for s in sections],
    }
    files = build_bundle(
        sections,
        {
            "scenario": scenario.meta.name,
            "as_of": scenario.meta.as_of.isoformat(),
            "scenario_sha256": scenario_hash,
            "seed": seed,
            "parameters": parameters,
        },
    )
    manifest = build_manifest(
        command="report", scenario_hash=scenario_hash, seed=seed, parameters=parameters
    )
    manifest["files"] = file_records(files)
    html = _page(scenario, sections, skipped, manifest)
    # recorded after the page is made (the page cannot hold its own hash): the footer's copy
    # of the manifest lacks it; manifest.json has it, for a later --overwrite to check
    manifest["page"] = file_records({PAGE_NAME: html.encode("utf-8")})[0]
    return Report(
        html=html,
        sections=tuple(sections),
        skipped=tuple(skipped),
        manifest=manifest,
        files=files,
    )


PAGE_NAME = "report.html"
REPORT_FILES = (PAGE_NAME, "manifest.json", ZIP_NAME)
"""The files a report writes in its folder, besides the ``data/`` folder."""
_TEMP_OF_DATA_FILE = re.compile(r"\.[a-z0-9][a-z0-9-]*\.(csv|json)\.[A-Za-z0-9_]+\.tmp")
"""A temporary file detente's own writer leaves beside a bundle file it was writing when the
process was killed (``outputs.write_bytes``: ``.<name>.<random>.tmp``)."""


def _earlier_records(out_dir: Path) -> dict[str, object]:
    """The files an earlier report in ``out_dir`` records in its ``manifest.json``, path ->
    SHA-256 (None when the record has none): the bundle (``files[]``: ``data/…`` and the zip)
    and the page (``page``; an older detente recorded none); empty without a readable manifest."""
    try:
        doc = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(doc, dict):
        return {}
    records = doc.get("files")
    records = [*records] if isinstance(records, list) else []
    records.append(doc.get("page"))
    return {
        r["path"]: r.get("sha256")
        for r in records
        if isinstance(r, dict) and isinstance(r.get("path"), str)
    }


def _earlier_bundle(out_dir: Path) -> set[str]:
    """The bundle files (``data/…``) an earlier report in ``out_dir`` lists in its
    ``manifest.json`` (``files[].path``); empty when there is none or it is not readable."""
    return {p for p in _earlier_records(out_dir) if p.startswith(f"{DATA_DIR}/")}


def _own_data_entry(entry: Path, listed: set[str]) -> bool:
    """``entry`` (in ``data/``) was written by the earlier report: a file its manifest lists,
    or the temporary file of a bundle file left by a killed write."""
    if entry.is_symlink() or not entry.is_file():
        return False
    return f"{DATA_DIR}/{entry.name}" in listed or bool(_TEMP_OF_DATA_FILE.fullmatch(entry.name))


def check_report_dir(
    out_dir: Path | str, inputs: Iterable[Path | str] = (), *, overwrite: bool = False
) -> Path:
    """Refuse (InputError; an input: OutputClashError, exit 2) a report folder that holds
    files ``detente report`` did not write: its report files, or a ``data/`` folder, may
    exist only beside a manifest of ``detente report`` (an earlier report), ``data/`` may hold
    only the bundle files that manifest lists (and temporary files of bundle files a killed
    write left), and no input may be among them. An earlier report is replaced only with
    ``overwrite`` (``--overwrite``); without it the refusal names its files, as every command
    refuses an existing output file. Even with it, a file of the earlier report that would be
    replaced or removed must still be as that report wrote it: its SHA-256 is the one its
    manifest records (``files[]`` for the bundle, ``page`` for ``report.html``); an edited
    file (or a page an older detente did not record) is refused, naming it."""
    from detente.outputs import (
        changed_since_recorded,
        protect,
        protect_folder,
        refuse_changed,
        require_own_files,
    )

    d = Path(out_dir)
    protect(d, inputs, "--out")  # an input named as the folder: a usage error, exit 2
    if d.exists() and not d.is_dir():
        raise InputError(f"{d} (--out): exists and is not a directory")
    data = d / DATA_DIR
    names = list(REPORT_FILES)
    if data.is_symlink() or data.exists():
        if data.is_symlink() or not data.is_dir():
            raise InputError(f"{data}: refusing to overwrite: not a folder of a detente report")
        protect_folder(data, inputs)
        listed = _earlier_bundle(d)
        foreign = [e.name for e in sorted(data.iterdir()) if not _own_data_entry(e, listed)]
        if foreign:
            shown = ", ".join(foreign[:5]) + (", …" if len(foreign) > 5 else "")
            raise InputError(
                f"{data}: refusing to overwrite: the folder holds entries detente report did "
                f"not write ({shown}); choose a new folder"
            )
        names += [f"{DATA_DIR}/{e.name}" for e in sorted(data.iterdir())]
    require_own_files(d, names, "report", inputs)
    present = [n for n in REPORT_FILES if (d / n).is_symlink() or (d / n).exists()]
    if data.is_dir():
        present.append(f"{DATA_DIR}/")
    if present and not overwrite:
        raise InputError(
            f"{d} (--out): holds an earlier report ({', '.join(present)}); detente replaces it "
            "only with --overwrite (overwrite=True in Python), or choose a new folder"
        )
    # what --overwrite would replace or remove: only files still as the earlier report wrote
    # them (a killed write's temporary files aside)
    replaced = [
        n
        for n in names
        if n != "manifest.json"
        and not _TEMP_OF_DATA_FILE.fullmatch(n.removeprefix(f"{DATA_DIR}/"))
        and ((d / n).is_symlink() or (d / n).exists())
    ]
    changed = changed_since_recorded(d, replaced, _earlier_records(d))
    refuse_changed(d, changed, d / "manifest.json", "the earlier report's", "it wrote {pronoun}")
    return d


def write_report(
    report: Report, out_dir: Path, inputs: Iterable[Path | str] = (), *, overwrite: bool = False
) -> Path:
    """Write ``report.html``, ``manifest.json`` and the data bundle (``data/``,
    ``report-data.zip``) into ``out_dir``; return the HTML path. Each file is written whole
    (a temporary file renamed into place) and the set is written with signals held, so a
    stopped command leaves the earlier report or the new one, never a mix. An earlier report in
    the folder is replaced only with ``overwrite`` (its bundle files that this one lacks are
    removed), and only while its files are as it wrote them; a folder holding anything else is
    refused (:func:`check_report_dir`)."""
    from detente.outputs import ensure_dir, signals_held, write_bytes, write_json, write_text

    check_report_dir(out_dir, inputs, overwrite=overwrite)
    ensure_dir(out_dir)
    data = out_dir / DATA_DIR
    with signals_held():  # never a new report next to an earlier run's manifest or data
        ensure_dir(data)
        keep = {out_dir / p for p in report.files}
        for old in sorted(data.iterdir()):
            if old not in keep:
                old.unlink(missing_ok=True)
        for rel, blob in report.files.items():
            write_bytes(out_dir / rel, blob, overwrite=overwrite)
        path = write_text(out_dir / "report.html", report.html, overwrite=overwrite)
        write_json(out_dir / "manifest.json", report.manifest, overwrite=overwrite)
    return path


def _page(
    scenario: Scenario,
    sections: Sequence[Section],
    skipped: Sequence[tuple[str, str]],
    manifest: dict[str, Any],
) -> str:
    """The page: title, executive summary (open), then one folded section per analysis."""
    meta = scenario.meta
    summaries = "".join(
        f"<li><a href='#{esc(s.anchor)}'>{esc(s.title)}</a>: {esc(s.summary)}</li>"
        for s in sections
        if s.summary
    )
    notes = "".join(f"<li>{esc(name)}: {esc(why)}</li>" for name, why in skipped)
    body = "".join(
        f"<details class='section' id='{esc(s.anchor)}'><summary><h2>{esc(s.title)}</h2>"
        f"</summary>{s.body}{_data_list(s)}</details>"
        for s in sections
    )
    bundle = (
        f"<p class='controls'>The data behind every chart and table: <a href='{ZIP_NAME}' "
        f"download>{ZIP_NAME}</a> (one CSV per table and <a href='{JSON_NAME}'>one JSON of "
        f"everything</a>, also in the folder {DATA_DIR}/ beside this page).</p>"
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>detente report: {esc(meta.name)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{esc(meta.name)}</h1><p class='muted'>Scenario as of "
        f"{meta.as_of.isoformat()} · generated by detente {esc(manifest['detente'])}"
        f" · seed {esc(manifest.get('seed', ''))}</p></header><main>"
        f"<p class='lede'>{esc(meta.description)}</p>"
        + (
            "<section class='summary' aria-labelledby='summary-h'><h2 id='summary-h'>Summary"
            f"</h2><ul>{summaries}</ul><p class='controls'>Each section below is folded: open "
            "it by its title. Every figure comes with its numbers in a table.</p>"
            f"{bundle}</section>"
            if summaries
            else ""
        )
        + (f"<div class='note'><b>Sections not shown</b><ul>{notes}</ul></div>" if notes else "")
        + body
        + "</main><footer><p>Every number comes from a stated model with stated assumptions "
        "and the sources listed in the scenario; stochastic results depend on the seed below."
        "</p><details><summary>Run manifest</summary>"
        f"<pre>{esc(json.dumps(manifest, indent=2))}</pre></details></footer></body></html>"
    )


def _data_list(s: Section) -> str:
    """The links to a section's tables in the data bundle (relative: they work offline)."""
    if not s.data:
        return ""
    links = " · ".join(
        f"<a href='{esc(data_href(s.anchor, t.name))}'>{esc(t.title)}</a>" for t in s.data
    )
    return f"<p class='data'>Data behind this section (CSV): {links}</p>"
