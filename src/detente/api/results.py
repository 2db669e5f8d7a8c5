"""Result objects of the front door: data with provenance.

Every result is a frozen dataclass carrying ``manifest`` (detente and library versions, the
scenario's SHA-256, seed, options, time) and converts with ``to_dict()`` (exactly the JSON the
CLI prints with ``--format json``), ``to_pandas()`` / ``to_arrow()`` (its main table, where it
has one), ``chart()`` (an Altair chart, where one exists) and ``_repr_html_`` for notebooks.
"""

from __future__ import annotations

import copy
import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["Result", "altair_chart", "without_time"]

_HTML_ROWS = 12


def without_time(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest without its time stamp (``created``): equal for equal runs."""
    return {k: v for k, v in manifest.items() if k != "created"}


def altair_chart(spec: dict[str, Any]) -> Any:
    """An Altair chart object from a Vega-Lite specification (layered or single)."""
    import altair as alt

    if "layer" in spec:
        return alt.LayerChart.from_dict(spec, validate=False)
    if "vconcat" in spec:
        return alt.VConcatChart.from_dict(spec, validate=False)
    if "hconcat" in spec:
        return alt.HConcatChart.from_dict(spec, validate=False)
    if "facet" in spec:
        return alt.FacetChart.from_dict(spec, validate=False)
    return alt.Chart.from_dict(spec, validate=False)


@dataclass(frozen=True)
class Result:
    """Base of every front-door result.

    ``document`` is the JSON-ready document of the command (what ``to_dict`` returns; keys as
    documented in docs/reference/cli.md); ``manifest`` is the full manifest, time included.
    """

    document: Any = field(repr=False)
    manifest: dict[str, Any] = field(repr=False)

    #: What the result is called in tables and notebooks.
    title = "detente result"

    def to_dict(self) -> Any:
        """The document the CLI prints with ``--format json`` (a fresh copy)."""
        return copy.deepcopy(self.document)

    def records(self) -> list[dict[str, Any]]:
        """The result's main table as flat records (rows)."""
        raise TypeError(f"{type(self).__name__} has no table")

    def to_pandas(self) -> pd.DataFrame:
        """The main table (see :meth:`records`) as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame.from_records(_flat(self.records()))

    def to_arrow(self) -> pa.Table:
        """The main table (see :meth:`records`) as an Arrow table."""
        import pyarrow as pa

        return pa.Table.from_pylist(_flat(self.records()))

    def chart(self) -> Any:
        """An Altair chart of the result."""
        raise TypeError(f"{type(self).__name__} has no chart")

    def _repr_html_(self) -> str:
        m = self.manifest
        head = (
            f"<b>{html.escape(self.title)}</b> · detente {html.escape(str(m.get('detente')))}"
            f" · seed {html.escape(str(m.get('seed')))} · scenario "
            f"{html.escape(str(m.get('scenario_sha256') or '')[:12])}"
        )
        try:
            rows = self.records()
        except TypeError:
            return f"<div>{head}</div>"
        cols = list(dict.fromkeys(k for r in rows[:_HTML_ROWS] for k in r))
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(_cell(r.get(c)))}</td>" for c in cols) + "</tr>"
            for r in rows[:_HTML_ROWS]
        )
        more = f"<p>… {len(rows) - _HTML_ROWS} more rows</p>" if len(rows) > _HTML_ROWS else ""
        th = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
        return f"<div>{head}<table><tr>{th}</tr>{body}</table>{more}</div>"


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _flat(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records with nested values (lists, mappings) as text, so every column has one type."""
    out = []
    for r in rows:
        out.append(
            {
                k: ("; ".join(map(str, v)) if isinstance(v, list | tuple) else str(v))
                if isinstance(v, list | tuple | dict)
                else v
                for k, v in r.items()
            }
        )
    return out
