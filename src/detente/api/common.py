"""What every front-door function shares: scenarios from a path or an object, dates from text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from detente.errors import InputError

if TYPE_CHECKING:
    from detente.scenario.schema import Scenario

__all__ = ["as_scenario", "parse_date"]


def as_scenario(scenario: Scenario | str | Path) -> Scenario:
    """A loaded scenario: ``scenario`` itself, or the file at that path loaded and validated."""
    if isinstance(scenario, str | Path):
        from detente.scenario import load_scenario

        return load_scenario(scenario)
    return scenario


def parse_date(value: dt.date | str | None, name: str = "date") -> dt.date | None:
    """``value`` as a date: a ``datetime.date``, text ``YYYY-MM-DD``, or ``None``.

    The one date parser of the front doors; ``name`` (e.g. ``--as-of``) locates the error.
    """
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InputError(f"{name}: expected YYYY-MM-DD, got {value!r}") from None
