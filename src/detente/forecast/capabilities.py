"""Capabilities from data: per actor × issue columns, a per-actor table, or a named source.

Three ways to give capabilities, most specific first:

1. the ``capability`` column of the long CSV (one value per issue × actor; recorded as
   ``capability_source = "data"``);
2. an actor table, a CSV file with columns ``actor,capability`` (one row per actor) and
   optionally ``issue_id`` (then the row applies to that issue only, and wins over a row
   without one); recorded as ``"table:<file name>"``;
3. a named source built into detente (:data:`NAMED_SOURCES`), recorded by its name:

   - ``eu-council-nice``: votes in the Council of the EU under qualified majority voting from
     1 November 2004 to 31 October 2014 (Treaty of Nice, Protocol on the enlargement of the
     European Union, Art. 3, as amended by the 2003 and 2005 Acts of Accession and the 2012
     Act of Accession of Croatia): 345 votes for EU-27, 352 with Croatia.
   - ``eu-council-1995``: votes under QMV from 1 January 1995 to 31 October 2004 (EC Treaty,
     Art. 205(2) as amended by the 1994 Act of Accession): 87 votes for EU-15.

   Actors are matched by English country name or two-letter code (ISO 3166, with the EU's
   ``EL`` and ``UK`` as well). The Commission and the Parliament have no Council votes, so a
   named source cannot cover them: give them a value in an actor table instead.

A table or named source only fills issues that have no capability column (``capability_source``
is ``None``); an issue with its own column keeps it. Every actor of a filled issue must be
found in the table, otherwise :class:`~detente.errors.InputError` lists the missing actors.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from detente.errors import InputError
from detente.forecast.data import IssueData

__all__ = ["NAMED_SOURCES", "apply_capabilities", "load_capability_source"]

_NICE: dict[tuple[str, ...], float] = {
    ("Germany", "DE"): 29,
    ("France", "FR"): 29,
    ("Italy", "IT"): 29,
    ("United Kingdom", "UK", "GB"): 29,
    ("Spain", "ES"): 27,
    ("Poland", "PL"): 27,
    ("Romania", "RO"): 14,
    ("Netherlands", "NL"): 13,
    ("Belgium", "BE"): 12,
    ("Czech Republic", "Czechia", "CZ"): 12,
    ("Greece", "EL", "GR"): 12,
    ("Hungary", "HU"): 12,
    ("Portugal", "PT"): 12,
    ("Austria", "AT"): 10,
    ("Bulgaria", "BG"): 10,
    ("Sweden", "SE"): 10,
    ("Denmark", "DK"): 7,
    ("Ireland", "IE"): 7,
    ("Lithuania", "LT"): 7,
    ("Slovakia", "SK"): 7,
    ("Finland", "FI"): 7,
    ("Croatia", "HR"): 7,
    ("Cyprus", "CY"): 4,
    ("Estonia", "EE"): 4,
    ("Latvia", "LV"): 4,
    ("Luxembourg", "LU"): 4,
    ("Slovenia", "SI"): 4,
    ("Malta", "MT"): 3,
}
_EU15: dict[tuple[str, ...], float] = {
    ("Germany", "DE"): 10,
    ("France", "FR"): 10,
    ("Italy", "IT"): 10,
    ("United Kingdom", "UK", "GB"): 10,
    ("Spain", "ES"): 8,
    ("Belgium", "BE"): 5,
    ("Greece", "EL", "GR"): 5,
    ("Netherlands", "NL"): 5,
    ("Portugal", "PT"): 5,
    ("Austria", "AT"): 4,
    ("Sweden", "SE"): 4,
    ("Denmark", "DK"): 3,
    ("Ireland", "IE"): 3,
    ("Finland", "FI"): 3,
    ("Luxembourg", "LU"): 2,
}


def _expand(table: Mapping[tuple[str, ...], float]) -> dict[str, float]:
    return {name.casefold(): float(v) for names, v in table.items() for name in names}


NAMED_SOURCES: Mapping[str, Mapping[str, float]] = {
    "eu-council-nice": _expand(_NICE),
    "eu-council-1995": _expand(_EU15),
}


def _read_table(path: Path) -> dict[tuple[str, str | None], float]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text ({err.reason})") from None
    rows = csv.reader(text.splitlines())
    header = [h.strip() for h in next(rows, [])]
    if "actor" not in header or "capability" not in header:
        raise InputError(f"{path}, line 1: expected columns actor,capability[,issue_id]")
    ia, ic = header.index("actor"), header.index("capability")
    ii = header.index("issue_id") if "issue_id" in header else None
    out: dict[tuple[str, str | None], float] = {}
    for lineno, row in enumerate(rows, start=2):
        if not row or all(c.strip() == "" for c in row):
            continue
        if len(row) != len(header):
            raise InputError(
                f"{path}, line {lineno}: expected {len(header)} fields, got {len(row)}"
            )
        actor = row[ia].strip()
        issue = row[ii].strip() or None if ii is not None else None
        try:
            value = float(row[ic])
        except ValueError:
            value = math.nan
        if not actor:
            raise InputError(f"{path}, line {lineno}: column 'actor': expected an actor id")
        if not math.isfinite(value) or value < 0:
            raise InputError(
                f"{path}, line {lineno}: column 'capability': expected a number >= 0, "
                f"got {row[ic].strip()!r}"
            )
        key = (actor.casefold(), issue)
        if key in out:
            raise InputError(f"{path}, line {lineno}: actor {actor!r} listed twice")
        out[key] = value
    return out


def load_capability_source(source: str) -> tuple[dict[tuple[str, str | None], float], str]:
    """A named source or an actor-table file: ``(table, recorded name)``.

    The table maps ``(actor casefolded, issue_id or None)`` to a capability.
    """
    if source in NAMED_SOURCES:
        return {(k, None): v for k, v in NAMED_SOURCES[source].items()}, source
    path = Path(source)
    if path.suffix.lower() != ".csv":
        raise InputError(
            f"unknown capability source {source!r}; expected a CSV file (actor,capability) or "
            f"one of: {', '.join(NAMED_SOURCES)}"
        )
    return _read_table(path), f"table:{path.name}"


def apply_capabilities(issues: Sequence[IssueData], source: str) -> list[IssueData]:
    """Fill the capabilities of issues that have none from ``source`` (module docstring)."""
    table, name = load_capability_source(source)
    out: list[IssueData] = []
    missing: dict[str, list[str]] = {}
    for issue in issues:
        if issue.capability_source is not None:
            out.append(issue)
            continue
        values = []
        for actor in issue.actors:
            key = actor.casefold()
            value = table.get((key, issue.issue_id), table.get((key, None)))
            if value is None:
                missing.setdefault(actor, []).append(issue.issue_id)
                value = 1.0
            values.append(value)
        caps = np.array(values, dtype=np.float64)
        if not np.any(caps * issue.saliences > 0):
            raise InputError(
                f"issue {issue.issue_id!r}: every actor has zero capability × salience with "
                f"capabilities from {name}"
            )
        caps.setflags(write=False)
        out.append(replace(issue, capabilities=caps, capability_source=name))
    if missing:
        listed = ", ".join(
            f"{a} (issue {ids[0]}{' and others' if len(ids) > 1 else ''})"
            for a, ids in sorted(missing.items())
        )
        raise InputError(
            f"capability source {name}: no capability for {listed}; give them one in a CSV "
            "table with columns actor,capability"
        )
    return out
