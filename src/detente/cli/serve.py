"""``detente serve``: the analyst's workspace in the browser.

    detente serve [--host 127.0.0.1] [--port 8000] [--scenarios DIR] [--store EVENTS.duckdb]
                  [--workers N]

Binds 127.0.0.1 by default (this machine only). Needs the ``web`` extra (``.venv/bin/pip install
-e ".[web]"`` from a clone). The Monitor page shows the event store given with ``--store``
(opened read-only); without one, in a source checkout, the shipped UCDP Ukraine sample ingested
into a temporary directory the server removes on exit (each worker process ingests its own copy
the first time its Monitor page is opened). ``--workers N`` serves from N processes (uvicorn
workers, each listening on the address with its own ``SO_REUSEPORT`` socket, so the kernel
spreads connections over them): what-if recomputations are CPU-bound, so concurrent analysts are
served in parallel up to the number of cores. The workers share a temporary directory (removed
on exit) for uploads and for stopping running simulations; each keeps its own cache.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Annotated, Any

import typer

from detente.api.numbers import PORT, WORKERS
from detente.cli.common import clean_errors, number, path_value
from detente.cli.output import err_console
from detente.errors import InputError, OptionValueError

__all__ = [
    "MAX_WORKERS",
    "WEB_MISSING",
    "WorkerListener",
    "app_from_env",
    "bind_worker_address",
    "check_address",
    "default_workers",
    "register",
    "serve_cmd",
    "tcp_listener",
    "worker_listener",
    "worker_sockets",
]

WEB_MISSING = (
    "the workspace needs the web extra (starlette, jinja2, uvicorn, python-multipart); "
    "install it with the pip of detente's environment, from the clone's folder: "
    '.venv/bin/pip install -e ".[web]" (or pip install "detente[web]" in an activated one)'
)
MAX_WORKERS = 4
"""Most worker processes ``--workers`` uses by default (one per core up to this)."""
_ENV_SCENARIOS = "DETENTE_SERVE_SCENARIOS"
_ENV_SHARED = "DETENTE_SERVE_SHARED"
_ENV_STORE = "DETENTE_SERVE_STORE"


def check_address(host: str, port: int) -> None:
    """Refuse an address this process cannot listen on: an empty host is a usage error
    (:class:`~detente.errors.OptionValueError` naming ``--host``, exit 2); a host name that
    does not resolve (the name server may be down: exit 1) or a port another server holds
    (:class:`~detente.errors.InputError` naming ``--host``/``--port``; even one bound with
    ``SO_REUSEPORT``, such as another ``detente serve``: a probe without it cannot
    share the port) or one reserved to the administrator. Without it the command announced
    the address and then stopped with uvicorn's log line and exit code 3."""
    if not host.strip():  # getaddrinfo reads "" as no host at all: a name is needed
        raise OptionValueError(
            "host", "--host", "empty; give an address (127.0.0.1 serves this machine only)"
        )
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as err:
        raise InputError(f"--host {host}: cannot resolve it ({err})") from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as err:
            raise InputError(
                f"--host {host} --port {port}: cannot listen there ({err.strerror or err}); "
                "another server may hold the port: choose another --port"
            ) from None


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


class WorkerListener(socket.socket):
    """The listening address of ``serve --workers N``, bound in the supervising process with
    ``SO_REUSEPORT`` and never listened on there. Each worker process receives it pickled
    (uvicorn starts its workers with ``multiprocessing``'s spawn method) and unpickles it as
    a socket of its own bound to the same address (:func:`worker_listener`): the kernel then
    hands every new connection to one of the workers' sockets by a hash of its addresses, so
    the workers share the connections about evenly. With one socket shared by the workers,
    the worker that woke first accepted every connection waiting (asyncio accepts up to its
    backlog at a time), and a keep-alive connection stays with the worker that accepted it:
    of 20 connections opened at once, 17 to 20 went to one of two workers (all 20 in the four
    runs of docs/benchmarks.md where it was counted), and one core did nearly all the work."""


def worker_listener(family: int, address: Any) -> socket.socket:
    """A TCP socket bound to ``address`` with ``SO_REUSEPORT`` (and ``SO_REUSEADDR``), not
    yet listening: one worker's share of the server's address."""
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


def _reduce_worker_listener(sock: WorkerListener) -> tuple[Any, tuple[int, Any]]:
    return worker_listener, (int(sock.family), sock.getsockname())


ForkingPickler.register(WorkerListener, _reduce_worker_listener)


def bind_worker_address(host: str, port: int) -> socket.socket:
    """The socket ``serve --workers N`` gives uvicorn for its workers: a :class:`WorkerListener`
    on (``host``, ``port``) where the platform has ``SO_REUSEPORT``, else one socket the workers
    share (TCP, see :func:`tcp_listener`). A port another program holds is refused first
    (``SO_REUSEPORT`` alone would let two servers of the same user share it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    if not hasattr(socket, "SO_REUSEPORT"):  # pragma: no cover - not on Linux/BSD/macOS
        out = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        out.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    else:
        out = WorkerListener(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        out.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if port != 0:
            with socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind((host, port))
                except OSError as exc:
                    out.close()
                    raise InputError(
                        f"{host}:{port}: cannot listen there ({exc.strerror})"
                    ) from None
        out.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        out.bind((host, port))
    except OSError as exc:
        out.close()
        raise InputError(f"{host}:{port}: cannot listen there ({exc.strerror})") from None
    out.set_inheritable(True)
    return out


@contextlib.contextmanager
def worker_sockets() -> Iterator[None]:
    """While inside, uvicorn's ``Config.bind_socket`` (the socket it hands its worker
    processes) returns :func:`bind_worker_address` of the configured host and port: one
    listening socket per worker, each TCP (no Nagle stall, see :func:`tcp_listener`)."""
    from uvicorn.config import Config

    bind = Config.bind_socket

    def bind_workers(self: Config) -> socket.socket:
        if self.uds is not None or self.fd is not None:  # not what serve configures
            return tcp_listener(bind(self))
        return bind_worker_address(self.host, self.port)

    Config.bind_socket = bind_workers  # type: ignore[method-assign]
    try:
        yield
    finally:
        Config.bind_socket = bind  # type: ignore[method-assign]


def serve_cmd(
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; 127.0.0.1 serves this machine only.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", parser=number(PORT), help="TCP port.")] = 8000,
    scenarios: Annotated[
        Path | None,
        typer.Option(
            "--scenarios",
            parser=path_value,
            help="Directory of scenario files to serve (default: the shipped scenarios).",
        ),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            parser=path_value,
            help="Event store for the Monitor page, made by `detente monitor ingest` (opened "
            "read-only; default: the shipped UCDP Ukraine sample, in a source checkout).",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            parser=number(WORKERS),
            help=f"Worker processes (default: one per CPU core, at most {MAX_WORKERS}).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the workspace (scenarios, compare, what-if, simulation, monitor, trainer) at
    http://HOST:PORT/."""
    with clean_errors():
        check_address(host, port)  # first: refused before any store is opened or announced
        if scenarios is not None and not scenarios.is_dir():
            raise OptionValueError("scenarios", "--scenarios", f"{scenarios}: not a directory")
        try:
            import uvicorn

            from detente.web import create_app
        except ImportError:
            raise InputError(WEB_MISSING) from None
        from detente.web.monitorview import EventSource

        if store is not None:  # named as this command's option, not monitor's --db
            from detente.monitor.store import check_store_file

            check_store_file(store, "--store")
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
            with worker_sockets():
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
