"""``detente serve``: defaults, the served directory and the message when the extra is missing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from detente.cli.app import app
from detente.cli.serve import WEB_MISSING


@pytest.fixture(autouse=True)
def _any_port(monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn is faked here, so no port is bound: the address probe (tested in
    tests/cli/test_q16_front_doors.py) is skipped, as a port in use on the test machine (8000)
    is not what these tests are about."""
    monkeypatch.setattr("detente.cli.serve.check_address", lambda host, port: None)


def test_serve_binds_localhost_port_8000_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    seen: dict[str, Any] = {}

    def fake_run(asgi: Any, **kw: Any) -> None:
        seen.update(kw, app=asgi)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    r = CliRunner().invoke(app, ["serve"])
    assert r.exit_code == 0, r.output
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8000)
    assert "http://127.0.0.1:8000/" in r.output


def test_serve_options_and_served_directory(monkeypatch: pytest.MonkeyPatch, served: Path) -> None:
    import uvicorn
    from starlette.testclient import TestClient

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda asgi, **kw: seen.update(kw, app=asgi))
    r = CliRunner().invoke(
        app,
        ["serve", "--host", "0.0.0.0", "--port", "8123", "--scenarios", str(served), "--workers=1"],
    )
    assert r.exit_code == 0, r.output
    assert (seen["host"], seen["port"]) == ("0.0.0.0", 8123)
    with TestClient(seen["app"]) as c:
        assert "Ash Valley variant" in c.get("/").text


def test_serve_refuses_a_missing_directory(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["serve", "--scenarios", str(tmp_path / "nowhere")])
    assert r.exit_code != 0
    assert "not a directory" in r.output
    assert "Traceback" not in r.output


def test_serve_without_the_web_extra_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    r = CliRunner().invoke(app, ["serve"])
    assert r.exit_code != 0
    assert WEB_MISSING in " ".join(r.output.split())
    assert "Traceback" not in r.output


def test_serve_workers_share_a_directory_removed_on_exit(
    monkeypatch: pytest.MonkeyPatch, served: Path
) -> None:
    import os

    import uvicorn
    from starlette.testclient import TestClient

    from detente.cli.serve import app_from_env

    seen: dict[str, Any] = {}

    def fake_run(asgi: Any, **kw: Any) -> None:
        shared = os.environ["DETENTE_SERVE_SHARED"]
        seen.update(kw, app=asgi, shared=shared, existed=Path(shared).is_dir())
        with TestClient(app_from_env()) as c:  # what each worker process builds
            seen["home"] = c.get("/").text

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.delenv("DETENTE_SERVE_SHARED", raising=False)
    monkeypatch.delenv("DETENTE_SERVE_SCENARIOS", raising=False)
    r = CliRunner().invoke(app, ["serve", "--workers", "3", "--scenarios", str(served)])
    assert r.exit_code == 0, r.output
    assert (seen["app"], seen["factory"], seen["workers"]) == (
        "detente.cli.serve:app_from_env",
        True,
        3,
    )
    assert "3 worker processes" in r.output
    assert "Ash Valley variant" in seen["home"]
    assert seen["existed"] and not Path(seen["shared"]).exists()


def test_default_workers_one_per_core_at_most_four() -> None:
    from detente.cli.serve import MAX_WORKERS, default_workers

    assert 1 <= default_workers() <= MAX_WORKERS == 4
    assert CliRunner().invoke(app, ["serve", "--workers", "0"]).exit_code != 0


def test_worker_connections_get_tcp_nodelay() -> None:
    """uvicorn binds the socket of ``--workers N`` with protocol 0, so asyncio left Nagle's
    algorithm on for every accepted connection (each keep-alive answer waited ~40 ms for the
    client's delayed ACK). The socket serve hands the workers says TCP, and a connection an
    asyncio server accepts on it has TCP_NODELAY."""
    import asyncio
    import socket
    from concurrent.futures import ThreadPoolExecutor

    import uvicorn

    from detente.cli.serve import tcp_listener, worker_sockets

    with worker_sockets():
        sock = uvicorn.Config(app="x:y", host="127.0.0.1", port=0).bind_socket()
    assert sock.proto == socket.IPPROTO_TCP
    assert tcp_listener(sock) is sock  # already TCP: unchanged

    async def accepted_nodelay(listener: socket.socket) -> int:
        seen: list[int] = []

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                s = transport.get_extra_info("socket")
                seen.append(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        loop = asyncio.get_running_loop()
        server = await loop.create_server(Probe, sock=listener)
        host, port = listener.getsockname()[:2]
        _, writer = await asyncio.open_connection(host, port)
        for _ in range(200):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()
        await server.wait_closed()
        return seen[0]

    # a thread of its own: another test may have left an event loop running in this one
    with ThreadPoolExecutor(1) as pool:
        nodelay = pool.submit(asyncio.run, accepted_nodelay(sock)).result(timeout=30)
    sock.close()
    assert nodelay != 0


def test_each_worker_binds_its_own_reuseport_socket() -> None:
    """``serve --workers N`` binds its address with SO_REUSEPORT in the supervisor; a worker
    process unpickles it as a socket of its own on the same address (the kernel spreads new
    connections over the workers' sockets), and a port another program holds is refused."""
    import pickle
    import socket
    from multiprocessing.reduction import ForkingPickler

    import uvicorn

    from detente.cli.serve import WorkerListener, worker_sockets
    from detente.errors import InputError

    with worker_sockets():
        sock = uvicorn.Config(app="x:y", host="127.0.0.1", port=0).bind_socket()
    assert isinstance(sock, WorkerListener) and sock.proto == socket.IPPROTO_TCP
    assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
    address = sock.getsockname()
    mine = [pickle.loads(ForkingPickler.dumps(sock)) for _ in range(2)]  # as a worker does
    try:
        for w in mine:
            assert type(w) is socket.socket and w.fileno() != sock.fileno()
            assert w.getsockname() == address and w.proto == socket.IPPROTO_TCP
            assert w.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
            w.listen(8)
        with socket.create_connection(address, timeout=5):
            pass
    finally:
        for w in mine:
            w.close()
        sock.close()

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        with worker_sockets(), pytest.raises(InputError, match="cannot listen there"):
            uvicorn.Config(app="x:y", host="127.0.0.1", port=taken.getsockname()[1]).bind_socket()


_PID_APP = """
import os


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = str(os.getpid()).encode()
    headers = [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
"""


def test_every_worker_gets_connections(tmp_path: Path) -> None:
    """20 keep-alive connections opened at once, as the load benchmark (and a room of
    browsers) does, reach both of 2 uvicorn workers started the way serve starts them. With
    the one socket the workers shared before, one worker accepted 17-18 of them in two of three
    trials; with a socket per worker all 20 on one worker has probability 2 ** -19."""
    import socket
    import subprocess
    import time
    from http.client import HTTPConnection

    (tmp_path / "pidapp.py").write_text(_PID_APP, encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = (
        "import uvicorn\n"
        "from detente.cli.serve import worker_sockets\n"
        "with worker_sockets():\n"
        f"    uvicorn.run('pidapp:app', host='127.0.0.1', port={port}, workers=2,"
        " log_level='warning')\n"
    )
    server = subprocess.Popen([sys.executable, "-c", code], cwd=tmp_path)
    conns: list[HTTPConnection] = []
    try:

        def pid_of(c: HTTPConnection) -> int:
            c.request("GET", "/")
            return int(c.getresponse().read())

        deadline, ready = time.monotonic() + 60, set[int]()
        while len(ready) < 2:  # until both workers listen (one may start before the other)
            assert time.monotonic() < deadline and server.poll() is None, ready
            c = HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                ready.add(pid_of(c))
            except OSError:
                time.sleep(0.2)
            finally:
                c.close()
        conns = [HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(20)]
        for c in conns:
            c.connect()  # all 20 open before the first request, as the benchmark's clients
        pids = [pid_of(c) for c in conns]
        assert [pid_of(c) for c in conns] == pids  # keep-alive: each stays with its worker
        assert set(pids) == ready and server.pid not in ready
        assert min(pids.count(p) for p in ready) >= 2  # all but 0 or 1 on one: p < 5e-5
    finally:
        for c in conns:
            c.close()
        server.terminate()
        server.wait(timeout=30)
