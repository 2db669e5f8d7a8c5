"""What every front-door function shares: scenarios from a path or an object, dates from text,
and the one rule for an ``as_of`` date (never after the scenario's own date)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from detente.errors import InputError, OptionValueError

if TYPE_CHECKING:
    from detente.scenario.schema import Scenario

__all__ = [
    "after_own_date",
    "as_scenario",
    "check_as_of",
    "check_ending",
    "not_blank",
    "not_empty",
    "one_of",
    "parse_date",
]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def as_scenario(scenario: Scenario | str | Path) -> Scenario:
    """A loaded scenario: ``scenario`` itself, or the file at that path loaded and validated."""
    if isinstance(scenario, str | Path):
        from detente.scenario import load_scenario

        return load_scenario(scenario)
    return scenario


def parse_date(value: dt.date | str | None, name: str = "date") -> dt.date | None:
    """``value`` as a date: a ``datetime.date``, text ``YYYY-MM-DD``, or ``None``.

    The one date parser of the front doors (the CLI's date options use it too); ``name``
    (e.g. ``as_of``) locates the error. Only ``YYYY-MM-DD`` is accepted (not the other forms
    Python's ``date.fromisoformat`` reads, such as ``20240201``), and the day must exist:
    ``2024-02-30`` is refused with the reason. A ``datetime.datetime`` (a subclass of
    ``date`` that does not compare with one) is refused too, with the hint to pass its
    ``.date()``.
    """
    if isinstance(value, dt.datetime):
        raise InputError(
            f"{name}: expected a date (YYYY-MM-DD or datetime.date), got the datetime "
            f"{value.isoformat()}; pass its .date()"
        )
    if value is None or isinstance(value, dt.date):
        return value
    text = value.strip() if isinstance(value, str) else value
    if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
        raise InputError(f"{name}: expected YYYY-MM-DD, got {value!r}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:  # the form is right, the day does not exist
        raise InputError(f"{name}: expected YYYY-MM-DD, got {value!r} ({err})") from None


def check_as_of(when: dt.date | None, scenario: Scenario, source: object = None) -> dt.date | None:
    """``when``, refused (:class:`OptionValueError`, exit 2, naming ``as_of`` and ``--as-of``)
    if it is after the scenario's own date ``meta.as_of``: a scenario records nothing later
    (its validation refuses later entries), so a later date could only repeat the scenario's
    date or extrapolate (trust forgetting, say) silently. ``source`` (a path) locates the
    scenario in the message."""
    if when is None:
        return when
    problem = after_own_date(when, scenario.meta.as_of, source)
    if problem is None:
        return when
    raise OptionValueError("as_of", "--as-of", problem)


EMPTY_PATH = "an empty path names no file or folder; give one"
"""Why an empty path is refused, by the Python API (:func:`not_empty`) and the command line
(:func:`detente.cli.common.path_value`) alike."""


def is_empty_path(path: object) -> bool:
    """Whether ``path`` is an empty path given as text (``str`` or ``bytes``): ``Path("")`` is
    the current folder, so ``out=""`` would silently write there."""
    return isinstance(path, (str, bytes)) and len(path) == 0


def not_empty(path: str | Path | None, keyword: str, option: str) -> None:
    """Refuse (:class:`OptionValueError`, exit 2) an empty path given as text
    (:func:`is_empty_path`); the command line's parser refuses it the same way."""
    if is_empty_path(path):
        raise OptionValueError(keyword, option, EMPTY_PATH)


def check_ending(path: str | Path, endings: Sequence[str], keyword: str, option: str) -> None:
    """Refuse (:class:`OptionValueError`, exit 2, naming ``option``) an output file whose name
    does not end in one of ``endings`` (lower case, with the dot; compared case-blind): the
    file would be written in the option's format whatever its name says (``--out
    observations.txt`` written as YAML, ``--parquet events.txt`` as Parquet). The one check of
    every output option with a fixed format (``monitor verify --out``, ``monitor ingest
    --parquet``, ``trust --chart``)."""
    not_empty(path, keyword, option)
    name = Path(path).name
    if Path(path).suffix.lower() not in endings:
        listed = ", ".join(endings[:-1]) + (" or " if len(endings) > 1 else "") + endings[-1]
        raise OptionValueError(keyword, option, f"must end in {listed}, got {name!r}")


def not_blank(value: str | None, keyword: str, option: str) -> None:
    """Refuse (:class:`OptionValueError`, exit 2) a name given as empty or blank text (``--actor
    ""``, often an unset shell variable): it was dropped as no filter at all, or matched
    nothing, silently. ``None`` (the option not given) passes."""
    if value is not None and not value.strip():
        raise OptionValueError(keyword, option, "empty; give a name, or leave the option out")


def one_of(
    value: object,
    allowed: Sequence[str],
    keyword: str,
    option: str,
    what: str,
    among: str = "one of",
) -> None:
    """Refuse (:class:`OptionValueError`, exit 2) a ``value`` that is not one of ``allowed``:
    a name the option cannot take (``--rule magic``, ``--truster XX``, ``--model nope``) is a
    usage error naming the option and listing what it takes, as a value of the wrong type is,
    and is refused before any work. ``what`` names the kind of value (``trust rule``),
    ``among`` the list (``one of the scenario's actors``)."""
    if not isinstance(value, str) or value not in allowed:
        raise OptionValueError(
            keyword,
            option,
            f"unknown {what} {value!r}; expected {among}: {', '.join(allowed) or 'none'}",
        )


def after_own_date(when: dt.date, own: dt.date, source: object = None) -> str | None:
    """Why ``when`` cannot be read against a scenario dated ``own`` (``meta.as_of``): ``None``
    when it is on or before ``own``, else the reason :func:`check_as_of` gives (the one
    wording, used by the workspace for its date parameters too)."""
    if when <= own:
        return None
    where = f" of {source}" if isinstance(source, str | Path) else ""
    return (
        f"{when} is after the scenario's own date {own} (meta.as_of{where}); the scenario "
        f"records nothing later, so give a date on or before {own}"
    )
