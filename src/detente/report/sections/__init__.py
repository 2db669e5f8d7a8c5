"""Report sections: one module per analysis, each with ``build(ctx) -> Section | None``.

A section module returns ``None`` when the scenario lacks what it needs (the report then
omits it and says so in its contents). Adding a section = one line in ``SECTION_MODULES``;
the order here is the order in the report.
"""

from __future__ import annotations

SECTION_MODULES: tuple[str, ...] = (
    "detente.report.sections.overview",
    "detente.report.sections.bargaining",
    "detente.report.sections.tracks",
    "detente.report.sections.forecast",
    "detente.report.sections.simulate",
    "detente.report.sections.monitor",
    "detente.report.sections.trust",
)
