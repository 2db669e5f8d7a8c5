"""Generated blocks inside hand-written pages: find and replace the text between two markers.

Used by the reference-page generators (:mod:`detente.scenario.docgen`,
:mod:`detente.cli.docgen`) and by the tests that check those pages are current.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["generated_block", "replace_generated_block"]


def _span(text: str, begin: str, end: str) -> tuple[int, int]:
    start = text.index(begin)
    return start, text.index(end, start) + len(end)


def generated_block(path: Path, begin: str, end: str) -> str:
    """The block of ``path`` from ``begin`` to ``end`` (markers included)."""
    text = path.read_text(encoding="utf-8")
    start, stop = _span(text, begin, end)
    return text[start:stop]


def replace_generated_block(path: Path, begin: str, end: str, block: str) -> None:
    """Rewrite ``path`` with ``block`` (markers included) in place of the current one."""
    text = path.read_text(encoding="utf-8")
    start, stop = _span(text, begin, end)
    path.write_text(text[:start] + block + text[stop:], encoding="utf-8")
