"""The one parser of numeric arguments, for the Python API and the CLI alike.

Every count (``runs``, ``seed``, ``periods``, ``workers``, ``top``, ``folds``, ``bootstrap``,
``trust_window``, ``port``) goes through :func:`whole`, every real number (``size``) through
:func:`real`; each option is a :class:`Kind` below with its Python keyword, its CLI option
and its range. A bad value raises :class:`~detente.errors.OptionValueError` (an
:class:`~detente.errors.InputError`, exit code 2) whose message names the keyword and the
option, quotes the value and says what is accepted, e.g.::

    runs (--runs): '1.5' is not a whole number; expected a whole number from 1 to
    1_000_000_000 (e.g. 2000, 2_000 or 2e3)

The CLI shows the part after the option as click's "Invalid value for '--runs': …" (a usage
error, exit 2), and the workspace as a 400 (:func:`query`). The same parser everywhere means
the same spellings are accepted and refused by every command, function and page.

Accepted spellings of a whole number (a value a user reasonably types, on the command line or
in Python):

- an ``int`` (or a NumPy integer), e.g. ``2000``;
- a float with a whole value, e.g. ``1e3`` in Python (``1000.0``);
- text: digits with single underscores between them, as in a Python literal (``2000``,
  ``2_000``), or decimal / scientific notation whose value is whole (``2e3``, ``2.0E3``,
  ``2000.0``), with an optional sign and surrounding spaces.

Refused: ``True``/``False`` (booleans are not numbers here), NaN and infinities (``nan``,
``inf``), fractions (``1.5``), values outside the kind's range (negatives where they mean
nothing, and overflow such as ``1e30`` runs, refused before any work starts), hexadecimal and
other literal forms (``0x10``), non-ASCII digits, and anything else. A real number accepts the
same text forms without the whole-number rule, and ``int``/``float`` objects; NaN and
infinities are refused. Large exponents are compared with the range as exact decimals, never
expanded, so ``1e999999999`` is refused at once; a non-zero value with an exponent too negative
for a decimal (``1.5e-99999999999999999999``) stays non-zero, so it is not a whole number. A
real number is never ``-0.0`` (``-0`` gives ``0.0``).

The workspace reads its other numbers here too: the what-if sliders (:func:`in_range`, each
slider's range) and the trainer's offers and ``moves=`` (:data:`ISSUE_VALUE`).
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from detente.errors import OptionValueError
from detente.report.base import MAX_TRUST_WINDOW

__all__ = [
    "BOOTSTRAP",
    "FOLDS",
    "ISSUE_VALUE",
    "KINDS",
    "PERIODS",
    "PORT",
    "RUNS",
    "SEED",
    "SIZE",
    "TOP",
    "TRUST_WINDOW",
    "WEB_RUNS",
    "WORKERS",
    "Kind",
    "in_range",
    "parse",
    "query",
    "real",
    "whole",
]

_INTEGER = re.compile(r"[+-]?[0-9]+(?:_[0-9]+)*")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class Kind:
    """One numeric argument: its Python keyword, its CLI option, its range (inclusive) and
    whether it is a whole number (a count) or a real number."""

    keyword: str
    option: str
    minimum: float
    maximum: float
    integer: bool = True

    def accepted(self) -> str:
        """What is accepted, as the error message says it."""
        lo, hi = _show(self.minimum), _show(self.maximum)
        if self.integer:
            return f"a whole number from {lo} to {hi} (e.g. 2000, 2_000 or 2e3)"
        return f"a number from {lo} to {hi}"

    def span(self) -> str:
        """The range as ``--help`` shows it, in click's notation (``x>=0``, ``1<=x<=64``); a
        bound beyond 32 bits is left out, as no one types it."""
        lo, hi = _plain(self.minimum), _plain(self.maximum)
        if self.integer and self.maximum >= 2**31:
            return f"x>={lo}"
        return f"{lo}<=x<={hi}"

    def error(self, value: Any, problem: str) -> OptionValueError:
        """The located error for ``value``: keyword, option, quoted value, what is accepted."""
        return OptionValueError(
            self.keyword, self.option, f"{_quote(value)} {problem}; expected {self.accepted()}"
        )


def _show(x: float) -> str:
    if float(x).is_integer() and x >= 2**31 and (int(x) + 1).bit_count() == 1:
        return f"2**{(int(x) + 1).bit_length() - 1} - 1"  # the seed's bound, as Python writes it
    return f"{int(x):_}" if float(x).is_integer() else repr(x)


def _plain(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


def _quote(value: Any) -> str:
    if isinstance(value, numbers.Integral) and abs(int(value)) > 10**40:
        return f"an integer of {int(value).bit_length()} bits"
    text = value if isinstance(value, str) else repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return repr(text) if isinstance(value, str) else text


MAX_RUNS = 10**9
"""Monte Carlo runs at most. Below it the memory and time budgets (:mod:`detente.core.limits`,
``DETENTE_MEMORY_BUDGET``, ``DETENTE_TIME_BUDGET``) refuse a request with an estimate; above
it a count is refused as out of range whatever the budgets (a billion runs of the default
horizon would take months)."""
MAX_SEED = 2**63 - 1
"""Largest seed: the manifests and Parquet tables store it as a 64-bit integer."""
MAX_PERIODS = 10_000
"""Periods (weeks) per run at most: the horizon the calendar limits of
:mod:`detente.core.limits` are set for (``LATEST_DATE`` plus 10,000 weeks stays in range)."""
MAX_BOOTSTRAP = 1_000_000
"""Bootstrap resamples at most (the interval's third decimal is stable long before)."""
MAX_WORKERS = 64
"""Local processes at most (as ``detente serve --workers``)."""

RUNS = Kind("runs", "--runs", 1, MAX_RUNS)
SEED = Kind("seed", "--seed", 0, MAX_SEED)
PERIODS = Kind("periods", "--periods", 1, MAX_PERIODS)
WORKERS = Kind("workers", "--workers", 1, MAX_WORKERS)
TOP = Kind("top", "--top", 1, 10_000)
FOLDS = Kind("folds", "--folds", 2, 10_000)
BOOTSTRAP = Kind("bootstrap", "--bootstrap", 1, MAX_BOOTSTRAP)
TRUST_WINDOW = Kind("trust_window", "--trust-window", 1, MAX_TRUST_WINDOW)
PORT = Kind("port", "--port", 1, 65_535)
SIZE = Kind("size", "--size", 0.0, 1.0, integer=False)
WEB_RUNS = Kind("runs", "runs", 1, 5_000)
"""The workspace's ``?runs=``: at most 5,000 (a page answers within a minute)."""
ISSUE_VALUE = Kind("value", "value", 0.0, 100.0, integer=False)
"""A value on an issue's 0..100 scale (the trainer's offers and its permalink's ``moves=``);
:func:`in_range` gives the kind of a field with its own range (the what-if sliders)."""


def in_range(name: str, minimum: float, maximum: float) -> Kind:
    """The real-number kind of the field ``name`` (a workspace query parameter), from
    ``minimum`` to ``maximum``."""
    return Kind(name, name, minimum, maximum, integer=False)


KINDS: tuple[Kind, ...] = (
    RUNS,
    SEED,
    PERIODS,
    WORKERS,
    TOP,
    FOLDS,
    BOOTSTRAP,
    TRUST_WINDOW,
    PORT,
    SIZE,
)
"""Every numeric argument of the front doors (the CLI reference and the tests list them)."""


_TINY = "1E-1000000"
"""A non-zero value below every float (``float`` gives 0): what a non-zero significand with
an exponent beyond Decimal's own negative limit stands for."""


def _bound(x: float) -> Decimal:
    """A range's bound as the decimal it is written as: ``0.01`` is ``Decimal('0.01')``, not
    the binary float's ``0.01000000000000000020…`` (which would refuse the text ``0.01``)."""
    return Decimal(x) if isinstance(x, int) or float(x).is_integer() else Decimal(repr(x))


def _beyond(positive: bool) -> Decimal:
    """A value beyond every range, on the side of its sign."""
    return Decimal("Infinity") if positive else Decimal("-Infinity")


def _as_decimal(value: Any, kind: Kind) -> Decimal:
    """``value`` as an exact decimal, or the located error for a value that is no number."""
    if isinstance(value, bool):
        raise kind.error(value, "is a boolean, not a number")
    if isinstance(value, numbers.Integral):
        n = int(value)  # compared as an int first: Decimal(n) of a huge n is slow or refused
        return Decimal(n) if kind.minimum - 1 <= n <= kind.maximum + 1 else _beyond(n > 0)
    if isinstance(value, numbers.Real):
        f = float(value)
        if not math.isfinite(f):
            raise kind.error(value, "is not a finite number")
        return Decimal(f)
    if not isinstance(value, str):
        raise kind.error(value, f"is a {type(value).__name__}, not a number")
    text = value.strip()
    if text.lower().lstrip("+-") in {"nan", "inf", "infinity"}:
        raise kind.error(value, "is not a finite number")
    if _INTEGER.fullmatch(text):
        return Decimal(text.replace("_", ""))
    if _DECIMAL.fullmatch(text):
        try:
            return Decimal(text)
        except InvalidOperation:  # an exponent beyond Decimal's own: far out of any range
            mantissa, _, exponent = text.lower().partition("e")
            if not mantissa.strip("+-0."):
                return Decimal(0)
            if exponent.startswith("-"):  # a tiny non-zero value: not a whole number
                return Decimal(("-" if mantissa.startswith("-") else "") + _TINY)
            return _beyond(not mantissa.startswith("-"))
    raise kind.error(value, "is not a number")


def whole(value: Any, kind: Kind) -> int:
    """``value`` as a whole number in ``kind``'s range (see the module for the spellings);
    :class:`~detente.errors.OptionValueError` naming ``kind``'s keyword and option
    otherwise."""
    d = _as_decimal(value, kind)
    if d.is_finite() and d != d.to_integral_value():
        raise kind.error(value, "is not a whole number")
    if d < _bound(kind.minimum) or d > _bound(kind.maximum):
        raise kind.error(value, "is out of range")
    return int(d)


def real(value: Any, kind: Kind) -> float:
    """``value`` as a finite real number in ``kind``'s range;
    :class:`~detente.errors.OptionValueError` naming ``kind``'s keyword and option
    otherwise."""
    d = _as_decimal(value, kind)
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        lo, hi = Decimal(kind.minimum), Decimal(kind.maximum)  # a float against the floats
    else:
        lo, hi = _bound(kind.minimum), _bound(kind.maximum)  # text against the bounds as written
    if d < lo or d > hi:
        raise kind.error(value, "is out of range")
    return float(d) + 0.0  # '-0' (and a negative value below every float) is +0.0


def query(value: Any, kind: Kind) -> int | float:
    """``value`` (a URL query parameter of the workspace) parsed as ``kind`` says; a bad value
    raises ``ValueError`` with the message after the option (the web answers 400 with it, as
    ``kind.keyword: …``)."""
    try:
        return parse(value, kind)
    except OptionValueError as err:
        raise ValueError(f"{kind.keyword}: {err.detail}") from None


def parse(value: Any, kind: Kind) -> int | float:
    """``value`` parsed as ``kind`` says: :func:`whole` or :func:`real`."""
    return whole(value, kind) if kind.integer else real(value, kind)
