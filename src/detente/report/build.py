"""Assemble the self-contained HTML report from the registered sections.

The page has no scripts and loads nothing from the network: styles are inline and every chart
is inline SVG rendered offline by vl-convert. The footer carries the run manifest.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detente.core import DEFAULT_SEED
from detente.errors import DetenteError
from detente.manifest import build_manifest
from detente.report.base import ReportContext, Section, esc
from detente.report.sections import SECTION_MODULES
from detente.scenario import Scenario

__all__ = ["Report", "build_report", "write_report"]

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
footer{margin-top:3em;font-size:.8em;color:#4f5866}
pre{background:#f6f8fb;padding:.6em;overflow-x:auto;font-size:.85em;white-space:pre-wrap}
@media (max-width:700px){body{padding:0 .5em}}
"""


@dataclass(frozen=True)
class Report:
    """A built report: the HTML text, its sections and the manifest."""

    html: str
    sections: tuple[Section, ...]
    skipped: tuple[tuple[str, str], ...]
    manifest: dict[str, Any]


def build_report(
    scenario: Scenario,
    *,
    scenario_hash: str,
    seed: int = DEFAULT_SEED,
    runs: int = 2000,
    quick: bool = False,
    modules: Sequence[str] = SECTION_MODULES,
    extra_cache: dict[str, Any] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> Report:
    """Run every section on ``scenario`` and assemble the page.

    A section that does not apply returns ``None``; one that cannot run on this input raises
    a :class:`DetenteError`, which is shown in the report as a note (other errors propagate).
    ``progress(done, total, section)`` is called before each section starts and at the end.
    """
    ctx = ReportContext(
        scenario=scenario,
        scenario_hash=scenario_hash,
        seed=seed,
        runs=runs,
        quick=quick,
        cache=dict(extra_cache or {}),
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
    manifest = build_manifest(
        command="report",
        scenario_hash=scenario_hash,
        seed=seed,
        parameters={"runs": runs, "quick": quick, "sections": [s.anchor for s in sections]},
    )
    return Report(
        html=_page(scenario, sections, skipped, manifest),
        sections=tuple(sections),
        skipped=tuple(skipped),
        manifest=manifest,
    )


def write_report(report: Report, out_dir: Path) -> Path:
    """Write ``report.html`` and ``manifest.json`` into ``out_dir``; return the HTML path."""
    from detente.outputs import ensure_dir, signals_held, write_json, write_text

    ensure_dir(out_dir)
    with signals_held():  # never a new report next to an earlier run's manifest
        path = write_text(out_dir / "report.html", report.html)
        write_json(out_dir / "manifest.json", report.manifest)
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
        f"</summary>{s.body}</details>"
        for s in sections
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
            "it by its title. Every figure comes with its numbers in a table.</p></section>"
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
