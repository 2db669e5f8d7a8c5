"""The analyst's workspace in the browser (``detente serve``): a front door over the public API.

Starlette + Jinja2 (autoescape) + HTMX, with Vega-Lite charts through vega-embed; every asset
is vendored under ``static/vendor`` (no CDN, nothing fetched at run time). Engines never import
this package. See docs/explanation/web-workspace.md.
"""

from __future__ import annotations

from detente.web.app import create_app

__all__ = ["create_app"]
