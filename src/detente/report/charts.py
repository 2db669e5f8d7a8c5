"""Charts: Vega-Lite specifications rendered offline to SVG/PNG with vl-convert.

No JavaScript and no CDN: the HTML report embeds the SVG text directly. Sections build
charts with Altair (or a raw Vega-Lite dict) and call :func:`to_svg`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["prune_empty_layers", "save_chart", "to_png", "to_svg"]


def _spec(chart: Any) -> dict[str, Any]:
    spec: dict[str, Any] = chart if isinstance(chart, dict) else chart.to_dict()
    return prune_empty_layers(spec)


def prune_empty_layers(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec without layers whose inline data is empty: such a layer draws nothing and
    leaves an unlabelled, empty mark group that screen readers announce as an image."""
    if "layer" not in spec:
        return spec
    kept = [
        prune_empty_layers(lay)
        for lay in spec["layer"]
        if not (isinstance(lay.get("data"), dict) and lay["data"].get("values") == [])
    ]
    return {**spec, "layer": kept or spec["layer"][:1]}


def to_svg(chart: Any) -> str:
    """Render an Altair chart or Vega-Lite dict to SVG text (offline)."""
    import vl_convert as vlc

    svg: str = vlc.vegalite_to_svg(json.dumps(_spec(chart)))
    return svg


def to_png(chart: Any, scale: float = 2.0) -> bytes:
    """Render an Altair chart or Vega-Lite dict to PNG bytes (offline)."""
    import vl_convert as vlc

    png: bytes = vlc.vegalite_to_png(json.dumps(_spec(chart)), scale=scale)
    return png


def save_chart(chart: Any, path: Path) -> Path:
    """Write a chart to ``path``; the suffix (.svg or .png) picks the format."""
    from detente.outputs import write_bytes, write_text

    suffix = path.suffix.lower()
    if suffix == ".svg":
        write_text(path, to_svg(chart))
    elif suffix == ".png":
        write_bytes(path, to_png(chart))
    else:
        raise ValueError(f"chart file must end in .svg or .png, not {suffix or '(none)'}")
    return path
