"""Reports: offline charts, section registry and the self-contained HTML page."""
