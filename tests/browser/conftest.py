"""Browser tests: the real workspace (``detente serve`` in a subprocess on a free localhost port)
driven in headless Chromium by Python Playwright.

Chromium is the system one (Debian's ``chromium`` package), never a browser download: Playwright
launches it by ``executable_path``. When it is absent, the session installs it with
``apt-get install -y chromium`` if it runs as root with apt-get (as CI does on a fresh machine),
and otherwise fails with the exact command to run. ``DETENTE_CHROMIUM`` names another Chromium
binary. Every test fails on any browser console error or uncaught page error, and takes
screenshots into a temporary directory (``DETENTE_SCREENSHOTS=DIR`` keeps them).

One browser serves the whole session; each test gets a fresh context (cookies, storage).
All browser tests are one unit of work for pytest-xdist (``tests/conftest.py``), so they run
on one worker.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, sync_playwright

from detente.web.store import default_dir

HERE = Path(__file__).parent
AXE = HERE / "vendor" / "axe.min.js"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
INSTALL = ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]
INSTALL_HINT = "sudo apt-get update && sudo apt-get install -y chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # no connections to Google's services: the machine's network is closed
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVED = ("teaching", "ukraine-2025-11", "ukraine-2026-06")
"""The scenarios the test server serves (copies of the shipped files)."""


def _find_chromium() -> str | None:
    env = os.environ.get("DETENTE_CHROMIUM")
    if env:
        return env if Path(env).is_file() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _install_chromium() -> str:
    """Install Debian's chromium (root + apt-get only), serialised across processes."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.fail(
            "The browser tests need Chromium and it is not installed. Install it with:\n"
            f"    {INSTALL_HINT}\n"
            "or point DETENTE_CHROMIUM at a Chromium binary.",
            pytrace=False,
        )
    lock = Path(tempfile.gettempdir()) / "detente-chromium-install.lock"
    with lock.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        found = _find_chromium()
        if found:
            return found
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        opts = ["-o", "DPkg::Lock::Timeout=600", "-q"]
        log = []
        for cmd in ([*INSTALL[:2], *opts, *INSTALL[2:]], ["apt-get", "update", *opts], None):
            if cmd is None:  # the package lists were stale: install again after the update
                cmd = [*INSTALL[:2], *opts, *INSTALL[2:]]
            r = subprocess.run(
                cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
            )
            log.append(f"$ {' '.join(cmd)} -> exit {r.returncode}\n{r.stderr[-2000:]}")
            found = _find_chromium()
            if found:
                return found
    pytest.fail(
        "The browser tests need Chromium; installing it failed:\n"
        + "\n".join(log)
        + f"\nInstall it by hand with:\n    {INSTALL_HINT}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The system Chromium, installed first when absent (see the module docstring)."""
    return _find_chromium() or _install_chromium()


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright, chromium_path: str) -> Iterator[Browser]:
    b = playwright_session.chromium.launch(
        executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
    )
    yield b
    b.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def served_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("served")
    for sid in SERVED:
        shutil.copy(default_dir() / f"{sid}.yaml", d / f"{sid}.yaml")
    return d


@pytest.fixture(scope="session")
def server(served_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``detente serve --workers 1`` on a free localhost port; yields its base URL."""
    log_path = tmp_path_factory.mktemp("server") / "serve.log"
    for _attempt in range(3):  # a port taken between choosing and binding: try another
        port = _free_port()
        cmd = [
            sys.executable,
            "-c",
            "from detente.cli.app import main; main()",
            "serve",
            "--port",
            str(port),
            "--scenarios",
            str(served_dir),
            # one process: no browser test needs two (a stop reaches the running simulation
            # through the in-process flag); serving from several workers is covered by
            # tests/web/test_serve_cli.py (real uvicorn workers, the shared directory) and
            # tests/web/test_workers.py (a stop and an upload across two apps). The default
            # (one worker per core) cost two uvicorn workers' imports and compiled kernels.
            "--workers",
            "1",
        ]
        with log_path.open("w") as log:
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        if _wait_until_up(url, proc, timeout=90):
            break
        proc.kill()
        proc.wait()
    else:
        pytest.fail(f"detente serve did not start:\n{log_path.read_text()}", pytrace=False)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        with (
            contextlib.suppress(urllib.error.URLError, OSError),
            urllib.request.urlopen(url + "/", timeout=5) as r,
        ):
            if r.status == 200:
                return True
        time.sleep(0.2)
    return False


@dataclass
class Console:
    """Console errors and uncaught exceptions seen by a page; a test may ``allow`` one
    expected message (e.g. the 404 of a page it opens on purpose)."""

    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def on_console(self, msg: ConsoleMessage) -> None:
        if msg.type == "error" and not any(p.search(msg.text) for p in self.allowed):
            self.errors.append(f"console error: {msg.text} ({msg.location.get('url', '')})")

    def on_page_error(self, exc: Any) -> None:
        self.errors.append(f"page error: {exc}")


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    keep = os.environ.get("DETENTE_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        return Path(keep)
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def console() -> Console:
    """The console watcher of the test's page."""
    return Console()


@pytest.fixture
def page(
    browser: Browser,
    server: str,
    screenshots: Path,
    console: Console,
    request: pytest.FixtureRequest,
) -> Iterator[Page]:
    """A fresh page on the test server; fails the test on any console or page error and
    saves a screenshot of the viewport when the test ends (tests ``snap`` whole pages)."""
    context = browser.new_context(
        base_url=server, viewport={"width": 1400, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(30_000)
    pg = context.new_page()
    pg.on("console", console.on_console)
    pg.on("pageerror", console.on_page_error)
    yield pg
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)[:120]
    with contextlib.suppress(Exception):
        pg.screenshot(path=str(screenshots / f"{name}.png"))  # the viewport: cheap
    context.close()
    assert not console.errors, "\n".join(console.errors)


@pytest.fixture
def snap(screenshots: Path) -> Callable[..., Path]:
    """``snap(page, name, full=True)``: a screenshot of the page as it is now (the whole page,
    or the viewport with ``full=False``)."""

    def take(page: Page, name: str, full: bool = True) -> Path:
        path = screenshots / f"{name}.png"
        page.screenshot(path=str(path), full_page=full)
        assert path.stat().st_size > 1000
        return path

    return take


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations of impact serious or critical on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const r = await window.axe.run(document, {resultTypes: ['violations']});
            return r.violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => ({id: v.id, impact: v.impact, help: v.help,
                          nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    return result


@pytest.fixture
def axe() -> Callable[[Page], list[dict[str, Any]]]:
    """``axe(page)``: axe-core's serious and critical violations on the page as it is now."""
    return axe_violations
