"""Dates in the workspace's query parameters, read by the CLI's rules.

One parser (:func:`detente.api.common.parse_date`: ``YYYY-MM-DD`` and a day that exists, not
the other forms Python's ``date.fromisoformat`` reads, such as ``20240201`` or
``2024-W05-1``) and one rule for a date read against a scenario (never after its own date
``meta.as_of``, :func:`detente.api.common.after_own_date`, the CLI's ``--as-of`` check). A bad
date raises :class:`detente.errors.InputError` naming the parameter, which the workspace
answers with a 400 page carrying the message (never a 500 or a traceback).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from detente.api.common import after_own_date, parse_date
from detente.errors import InputError

__all__ = ["MAX_SHOWN", "query_date"]

MAX_SHOWN = 40
"""Characters of a bad value repeated in the message (a date has 10)."""


def query_date(params: Mapping[str, str], key: str, own: dt.date | None = None) -> dt.date | None:
    """The date in query parameter ``key`` (``None`` when absent or empty); InputError
    (``"<key>: expected YYYY-MM-DD, got …"``) for any other form or a day that does not
    exist, and, with ``own`` (a scenario's ``meta.as_of``), for a date after it."""
    raw = params.get(key) or ""
    if not raw:
        return None
    shown = raw if len(raw) <= MAX_SHOWN else raw[:MAX_SHOWN] + "…"
    day = parse_date(shown, key)
    assert day is not None
    problem = None if own is None else after_own_date(day, own)
    if problem is not None:
        raise InputError(f"{key}: {problem}")
    return day
