"""Limits every engine agrees on: the calendar it reasons in and the memory a request may use.

A request beyond a limit is refused *before* the work starts, with a message that says what
the limit is and, for memory, how much the request would need (:func:`require_memory`). The
limits are generous for real negotiations: a scenario of a few dozen actors and issues uses
megabytes, and conflict dates lie within centuries of today.
"""

from __future__ import annotations

import datetime as dt
import math
import os

from detente.errors import InputError

__all__ = [
    "EARLIEST_DATE",
    "LATEST_DATE",
    "MEMORY_BUDGET_ENV",
    "TIME_BUDGET_ENV",
    "ResourceLimitError",
    "check_date",
    "format_bytes",
    "format_seconds",
    "memory_budget",
    "require_memory",
    "require_time",
    "time_budget",
]

EARLIEST_DATE = dt.date(1000, 1, 1)
"""Earliest date a scenario or an event may carry. Date arithmetic (windows before a claim,
periods after a scenario date) stays far from the calendar's end at year 1."""

LATEST_DATE = dt.date(2999, 12, 31)
"""Latest date a scenario or an event may carry (far from the calendar's end at year 9999,
even after 10,000 periods of a week)."""

MEMORY_BUDGET_ENV = "DETENTE_MEMORY_BUDGET"
"""Environment variable overriding the memory budget, in bytes (suffixes K, M, G accepted)."""

_DEFAULT_BUDGET = 2 * 1024**3

TIME_BUDGET_ENV = "DETENTE_TIME_BUDGET"
"""Environment variable overriding the time budget of one request, in seconds (suffixes m, h,
d accepted)."""

_DEFAULT_TIME = 24 * 3600.0


class ResourceLimitError(InputError):
    """A request would need more memory (or time) than the budget allows."""


def format_bytes(n: float) -> str:
    """``1.5 GiB`` style size."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def _budget_from_env(env: str, units: dict[str, float], default: float, example: str) -> float:
    """A positive, finite budget from ``env`` (a number with an optional unit suffix from
    ``units``), or ``default`` when the variable is unset or empty."""
    raw = os.environ.get(env, "").strip()
    if not raw:
        return default
    scale = units.get(raw[-1].upper())
    digits = raw[:-1] if scale is not None else raw
    try:
        value = float(digits) * (scale or 1)
    except ValueError:
        raise InputError(f"{env}={raw!r}: expected {example}") from None
    if not 0 < value < math.inf:
        raise InputError(f"{env}={raw!r}: must be positive and finite")
    return value


def memory_budget() -> int:
    """The memory budget in bytes: ``DETENTE_MEMORY_BUDGET`` if set, else 2 GiB."""
    units = {"K": 1024.0, "M": 1024.0**2, "G": 1024.0**3}
    value = _budget_from_env(
        MEMORY_BUDGET_ENV, units, _DEFAULT_BUDGET, "a number of bytes (e.g. 4G)"
    )
    if int(value) <= 0:
        raise InputError(f"{MEMORY_BUDGET_ENV}={value!r}: must be at least one byte")
    return int(value)


def require_memory(nbytes: float, what: str, hint: str = "") -> None:
    """Refuse (``ResourceLimitError``) a request estimated to need more than the budget."""
    budget = memory_budget()
    if nbytes > budget:
        more = f"; {hint}" if hint else ""
        raise ResourceLimitError(
            f"{what} would need about {format_bytes(nbytes)} of memory, more than the budget "
            f"of {format_bytes(budget)} (set {MEMORY_BUDGET_ENV} to raise it){more}"
        )


def format_seconds(s: float) -> str:
    """``3.2 hours`` style duration."""
    for unit, size in (("years", 365.25 * 86400), ("days", 86400), ("hours", 3600)):
        if s >= 2 * size:
            return f"{s / size:,.1f} {unit}"
    return f"{s / 60:,.1f} minutes" if s >= 120 else f"{s:,.0f} seconds"


def time_budget() -> float:
    """The time budget of one request in seconds: ``DETENTE_TIME_BUDGET`` if set, else 24 h."""
    units = {"S": 1.0, "M": 60.0, "H": 3600.0, "D": 86400.0}
    example = "a number of seconds (e.g. 3600 or 6h)"
    return _budget_from_env(TIME_BUDGET_ENV, units, _DEFAULT_TIME, example)


def require_time(seconds: float, what: str, hint: str = "") -> None:
    """Refuse (``ResourceLimitError``) a request estimated to run longer than the budget."""
    budget = time_budget()
    if seconds > budget:
        more = f"; {hint}" if hint else ""
        raise ResourceLimitError(
            f"{what} would take about {format_seconds(seconds)}, more than the budget of "
            f"{format_seconds(budget)} (set {TIME_BUDGET_ENV}, in seconds, to raise it){more}"
        )


def check_date(value: dt.date, what: str) -> dt.date:
    """``value`` if it lies in [EARLIEST_DATE, LATEST_DATE]; InputError naming ``what`` else."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise InputError(
            f"{what}: date {value.isoformat()} is outside the supported range "
            f"{EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}"
        )
    return value
