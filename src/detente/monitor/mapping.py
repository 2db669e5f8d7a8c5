"""Actor mapping: source actor codes and names -> scenario actor ids.

Keys are matched case-insensitively after trimming: CAMEO country codes (``RUS``), country
names (``Russia``), ICEWS names, ACLED actor names and UCDP side names (``DPR``). A user mapping
is a CSV with header ``key,actor`` (one key per line); it extends and overrides the default.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from detente.errors import InputError

__all__ = ["DEFAULT_MAPPING", "ActorMapping", "default_mapping", "load_mapping"]

DEFAULT_MAPPING: dict[str, str] = {
    # Russia and the forces UCDP codes as its proxies in Donbas (side_b in the GED file)
    "RUS": "RU",
    "RS": "RU",
    "Russia": "RU",
    "Russian Federation": "RU",
    "Government of Russia (Soviet Union)": "RU",
    "Military Forces of Russia (2000-)": "RU",
    "DPR": "RU",
    "LPR": "RU",
    "Novorossiya": "RU",
    "United Armed Forces of Novorossiya": "RU",
    "Donetsk People's Republic": "RU",
    "Luhansk People's Republic": "RU",
    # Ukraine
    "UKR": "UA",
    "UP": "UA",
    "Ukraine": "UA",
    "Government of Ukraine": "UA",
    "Military Forces of Ukraine (2019-)": "UA",
    "Military Forces of Ukraine (2014-2019)": "UA",
}


@dataclass(frozen=True)
class ActorMapping:
    """Normalised (upper-case) key -> scenario actor id."""

    table: Mapping[str, str] = field(default_factory=dict)

    def lookup(self, key: str | None) -> str | None:
        """The actor id for ``key``, or None."""
        if key is None:
            return None
        return self.table.get(key.strip().upper())

    def rows(self) -> list[tuple[str, str]]:
        """(key, actor) pairs, sorted, for loading into the store."""
        return sorted(self.table.items())


def _norm(table: Mapping[str, str]) -> dict[str, str]:
    return {k.strip().upper(): v.strip() for k, v in table.items() if k.strip()}


def default_mapping() -> ActorMapping:
    """The built-in Russia/Ukraine mapping (see ``DEFAULT_MAPPING``)."""
    return ActorMapping(_norm(DEFAULT_MAPPING))


def load_mapping(path: Path, *, extend_default: bool = True) -> ActorMapping:
    """Read a ``key,actor`` CSV; rows override the default table unless ``extend_default``."""
    table = dict(DEFAULT_MAPPING) if extend_default else {}
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None or [h.strip().lower() for h in header[:2]] != ["key", "actor"]:
                raise InputError(f"{path}, line 1: expected header 'key,actor', got {header}")
            for row in reader:
                if not row or not "".join(row).strip():
                    continue
                if len(row) != 2 or not row[0].strip() or not row[1].strip():
                    raise InputError(
                        f"{path}, line {reader.line_num}: expected 'key,actor', got {row}"
                    )
                table[row[0]] = row[1]
    except OSError as exc:
        raise InputError(f"{path}: cannot read mapping ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: mapping is not UTF-8 text") from exc
    return ActorMapping(_norm(table))
