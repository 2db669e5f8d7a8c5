"""``detente serve``: the analyst's workspace in the browser.

    detente serve [--host 127.0.0.1] [--port 8000] [--scenarios DIR] [--store EVENTS.duckdb]

Binds 127.0.0.1 by default (this machine only). Needs the ``web`` extra:
``pip install "detente[web]"``. The Monitor page shows the event store given with ``--store``
(opened read-only); without one, in a source checkout, the shipped UCDP Ukraine sample ingested
into a temporary directory the server removes on exit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from detente.cli.common import clean_errors
from detente.cli.output import err_console
from detente.errors import InputError

__all__ = ["WEB_MISSING", "register", "serve_cmd"]

WEB_MISSING = (
    "the workspace needs the web extra (starlette, jinja2, uvicorn, python-multipart); "
    'install it with: pip install "detente[web]"'
)


def serve_cmd(
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; 127.0.0.1 serves this machine only.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    scenarios: Annotated[
        Path | None,
        typer.Option(
            "--scenarios",
            help="Directory of scenario files to serve (default: the shipped scenarios).",
        ),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="Event store for the Monitor page, made by `detente monitor ingest` (opened "
            "read-only; default: the shipped UCDP Ukraine sample, in a source checkout).",
        ),
    ] = None,
) -> None:
    """Serve the workspace (scenarios, what-if, simulation, monitor) at http://HOST:PORT/."""
    with clean_errors():
        if scenarios is not None and not scenarios.is_dir():
            raise InputError(f"{scenarios}: not a directory of scenarios")
        try:
            import uvicorn

            from detente.web import create_app
        except ImportError:
            raise InputError(WEB_MISSING) from None
        from detente.web.monitorview import EventSource

        events = EventSource(store)
        events.check()  # a located error now rather than on the Monitor page
        err_console.print(f"detente workspace at http://{host}:{port}/ (Ctrl-C stops it)")
        uvicorn.run(create_app(scenarios, events=events), host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cmd)
