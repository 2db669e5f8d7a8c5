"""docs/index.md, the map a newcomer starts from, links every page under docs/ (branch q16:
the sweep how-to and the deals explanation were missing from it)."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_the_index_links_every_page() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    linked = {(DOCS / link).resolve() for link in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", index)}
    pages = {p.resolve() for p in DOCS.rglob("*.md")} - {(DOCS / "index.md").resolve()}
    missing = sorted(str(p.relative_to(DOCS.resolve())) for p in pages - linked)
    assert not missing, missing
