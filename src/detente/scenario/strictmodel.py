"""The base of every scenario model: frozen, closed, finite numbers, strict scalars and dates.

A scenario is read by people and written by hand, so the format refuses what would be read
silently as something else:

- **finite numbers** (``allow_inf_nan=False``): ``.inf``, ``.nan`` and ``1e400`` are errors;
- **strict numbers and booleans**: ``true`` is not the number 1, ``1`` or ``"yes"`` is not a
  boolean, ``"2.5"`` (a quoted string) is not a number; an integer field refuses ``2.5``;
- **strict dates**: a date is ``YYYY-MM-DD`` (or a ``datetime.date`` in Python) within
  :data:`~detente.core.limits.EARLIEST_DATE` … :data:`~detente.core.limits.LATEST_DATE`; an
  integer such as ``20240601`` (which pydantic would read as seconds since 1970) is not;
- **strict constants**: ``schema_version: true`` is not version 1.

The rules are applied to the core schema of each model class (:meth:`StrictModel.
__get_pydantic_core_schema__`), so every field of every subclass follows them, including
fields added later, and whether the scenario comes from a file or from Python.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler
from pydantic_core import CoreSchema, core_schema

from detente.core.limits import EARLIEST_DATE, LATEST_DATE

__all__ = ["StrictModel"]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_KIND = {
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    dt.datetime: "a date with a time",
    list: "a list",
    dict: "a mapping",
}


def _date_input(value: Any) -> Any:
    """Before a date is parsed: only a date or an ISO ``YYYY-MM-DD`` string is a date."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
        raise ValueError(f"expected a date YYYY-MM-DD, not {_KIND.get(type(value), 'that')}")
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value.strip()):
        raise ValueError("expected a date YYYY-MM-DD")
    return value.strip() if isinstance(value, str) else value


def _date_range(value: dt.date) -> dt.date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(
            f"date {value.isoformat()} is outside the supported range "
            f"{EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}"
        )
    return value


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected a number, not a boolean")
    return value


def _strict(schema: Any, owner: type, top: bool = True) -> None:
    """Apply the rules in place to ``schema`` (a core-schema dict), not entering other models."""
    if isinstance(schema, list):
        for item in schema:
            _strict(item, owner, top=False)
        return
    if not isinstance(schema, dict):
        return
    kind = schema.get("type")
    if kind == "model" and not top and schema.get("cls") is not owner:
        return  # another model applies the rules to itself
    if kind in ("float", "int", "bool"):
        schema["strict"] = True
        return
    if kind == "date":
        inner = dict(schema)
        schema.clear()
        schema.update(
            core_schema.no_info_before_validator_function(
                _date_input,
                core_schema.no_info_after_validator_function(_date_range, inner),
            )
        )
        return
    if kind == "literal" and any(isinstance(v, int) for v in schema.get("expected", ())):
        inner = dict(schema)
        schema.clear()
        schema.update(core_schema.no_info_before_validator_function(_no_bool, inner))
        return
    for key, value in schema.items():
        if key not in ("ref", "metadata", "serialization", "cls", "config"):
            _strict(value, owner, top=False)


class StrictModel(BaseModel):
    """Frozen, closed model with finite numbers, strict scalars and strict dates."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", use_attribute_docstrings=True, allow_inf_nan=False
    )

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[BaseModel], handler: GetCoreSchemaHandler, /
    ) -> CoreSchema:
        schema = handler(source)
        _strict(schema, cls)
        return schema
