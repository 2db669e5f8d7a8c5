"""``detente serve``: the analyst's workspace in the browser.

    detente serve [--host 127.0.0.1] [--port 8000] [--scenarios DIR] [--store EVENTS.duckdb]
                  [--workers N]

Binds 127.0.0.1 by default (this machine only). Needs the ``web`` extra:
``pip install "detente[web]"``. The Monitor page shows the event store given with ``--store``
(opened read-only); without one, in a source checkout, the shipped UCDP Ukraine sample ingested
into a temporary directory the server removes on exit (each worker process ingests its own copy
the first time its Monitor page is opened). ``--workers N`` serves from N processes (uvicorn workers
sharing the socket): what-if recomputations are CPU-bound, so concurrent analysts are served
in parallel up to the number of cores. The workers share a temporary directory (removed on
exit) for uploads and for stopping running simulations; each keeps its own cache.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from detente.cli.common import clean_errors
from detente.cli.output import err_console
from detente.errors import InputError

__all__ = [
    "MAX_WORKERS",
    "WEB_MISSING",
    "app_from_env",
    "default_workers",
    "register",
    "serve_cmd",
    "tcp_listener",
    "tcp_nodelay_workers",
]

WEB_MISSING = (
    "the workspace needs the web extra (starlette, jinja2, uvicorn, python-multipart); "
    'install it with: pip install "detente[web]"'
)
MAX_WORKERS = 4
"""Most worker processes ``--workers`` uses by default (one per core up to this)."""
_ENV_SCENARIOS = "DETENTE_SERVE_SCENARIOS"
_ENV_SHARED = "DETENTE_SERVE_SHARED"
_ENV_STORE = "DETENTE_SERVE_STORE"


def default_workers() -> int:
    """One worker process per CPU core available to this process, at most MAX_WORKERS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def app_from_env() -> Any:
    """The workspace app of one worker process (uvicorn's factory; settings from the
    environment ``serve`` sets before starting the workers)."""
    from detente.web import create_app

    return create_app(
        os.environ.get(_ENV_SCENARIOS) or None,
        shared_dir=os.environ.get(_ENV_SHARED) or None,
        event_store=os.environ.get(_ENV_STORE) or None,
    )


def tcp_listener(sock: socket.socket) -> socket.socket:
    """The listening socket ``sock`` (its descriptor) as a socket object whose protocol says
    TCP. uvicorn binds the socket of ``--workers N`` itself with protocol 0, each worker's
    accepted connections inherit it, and asyncio turns Nagle's algorithm off
    (``TCP_NODELAY``) only on sockets that say TCP: every keep-alive answer then waited for
    the client's delayed acknowledgement, about 40 ms on Linux (uvicorn issue #3149; the
    single-process server is not affected)."""
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.proto != 0:
        return sock
    out = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, sock.detach())
    out.set_inheritable(True)
    return out


@contextlib.contextmanager
def tcp_nodelay_workers() -> Iterator[None]:
    """While inside, uvicorn's ``Config.bind_socket`` (the socket its worker processes share)
    returns :func:`tcp_listener` of what it bound."""
    from uvicorn.config import Config

    bind = Config.bind_socket

    def bind_tcp(self: Config) -> socket.socket:
        return tcp_listener(bind(self))

    Config.bind_socket = bind_tcp  # type: ignore[method-assign]
    try:
        yield
    finally:
        Config.bind_socket = bind  # type: ignore[method-assign]


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
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help=f"Worker processes (default: one per CPU core, at most {MAX_WORKERS}).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the workspace (scenarios, compare, what-if, simulation, monitor, trainer) at
    http://HOST:PORT/."""
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
        n = default_workers() if workers is None else workers
        err_console.print(
            f"detente workspace at http://{host}:{port}/ "
            f"({n} worker process{'es' if n > 1 else ''}; Ctrl-C stops it)"
        )
        if n == 1:
            uvicorn.run(
                create_app(scenarios, events=events), host=host, port=port, log_level="warning"
            )
            return
        shared = tempfile.mkdtemp(prefix="detente-serve-")
        os.environ[_ENV_SCENARIOS] = "" if scenarios is None else str(scenarios.resolve())
        os.environ[_ENV_SHARED] = shared
        os.environ[_ENV_STORE] = "" if store is None else str(store.resolve())
        try:
            with tcp_nodelay_workers():
                uvicorn.run(
                    "detente.cli.serve:app_from_env",
                    factory=True,
                    host=host,
                    port=port,
                    workers=n,
                    log_level="warning",
                )
        finally:
            shutil.rmtree(shared, ignore_errors=True)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cmd)
