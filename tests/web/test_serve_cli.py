"""``detente serve``: defaults, the served directory and the message when the extra is missing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from detente.cli.app import app
from detente.cli.serve import WEB_MISSING


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

    from detente.cli.serve import tcp_listener, tcp_nodelay_workers

    with tcp_nodelay_workers():
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
