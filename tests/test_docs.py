"""Executable documentation: every `$ detente ...` line and every python block in the docs runs.

A fenced ```console block may hold command lines (`$ detente ...`) each followed by the output
it shows; the test runs the command in-process from the repository root and checks that it
exits 0 (or the code given by a `# exit N` comment on the command line) and that every shown
output line appears in the real output (whitespace-normalised; a line `...` elides).
Fenced ```python blocks are executed, in order, one namespace per file. In the files of
IN_ORDER, whose Python reads what a command before it wrote, one test runs the console and
Python examples in the order of the page, in one directory, as a reader following it does.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.S | re.M)


def _blocks(kind: str) -> list[tuple[str, int, str]]:
    found = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for k, m in enumerate(FENCE.finditer(text)):
            if m.group(1) == kind:
                found.append((str(path.relative_to(REPO)), k, m.group(2)))
    return found


def _commands(block: str) -> list[tuple[str, int, list[str]]]:
    cmds: list[tuple[str, int, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            cmd = line[2:]
            code = 0
            m = re.search(r"\s+# exit (\d+)\s*$", cmd)
            if m:
                code, cmd = int(m.group(1)), cmd[: m.start()]
            cmds.append((cmd, code, []))
        elif cmds:
            cmds[-1][2].append(line)
    return [c for c in cmds if c[0].startswith("detente ")]


def _norm(s: str) -> str:
    return " ".join(s.split())


def _shown(line: str, actual: str) -> bool:
    """Is a shown output line in the real output? ``...`` inside a line matches any text."""
    if "..." not in line:
        return line in actual
    pattern = ".*?".join(re.escape(part) for part in line.split("..."))
    return re.search(pattern, actual) is not None


IN_ORDER = frozenset({"docs/how-to/sensitivity.md"})
"""Files whose Python examples read what their console examples wrote (the quick sweep's
catalog, so the sweep runs once): their examples run in page order in test_python_examples."""
CONSOLE = [b for b in _blocks("console") if _commands(b[2]) and b[0] not in IN_ORDER]
PYTHON_FILES = sorted({b[0] for b in _blocks("python")})


@pytest.mark.parametrize(
    ("doc", "index", "block"), CONSOLE, ids=[f"{d}#{i}" for d, i, _ in CONSOLE]
)
def test_console_examples(
    doc: str, index: int, block: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _workdir(tmp_path, monkeypatch)
    _run_console(doc, block)


def _run_console(doc: str, block: str) -> None:
    """Run a console block's commands in-process and check their exit codes and shown output."""
    from detente.cli.app import app

    runner = CliRunner()
    for cmd, code, shown in _commands(block):
        assert "$" not in cmd, f"{doc}: `{cmd}`: no shell variables in examples"
        args = shlex.split(cmd)[1:]
        result = runner.invoke(app, args, catch_exceptions=False)
        assert result.exit_code == code, (
            f"{doc}: `{cmd}` exited {result.exit_code}:\n{result.output}"
        )
        actual = _norm(result.output)
        for line in shown:
            if line.strip() in {"", "..."}:
                continue
            assert _shown(_norm(line), actual), (
                f"{doc}: `{cmd}`: shown line not in output:\n{line}\n---\n{result.output}"
            )


def _workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run examples in a fresh temporary directory that sees the repository's inputs
    (scenarios/, sweeps/, data/, tests/ as links), so every file an example writes lands there."""
    for name in ("scenarios", "sweeps", "data", "tests"):
        (tmp_path / name).symlink_to(REPO / name, target_is_directory=True)
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("doc", PYTHON_FILES)
def test_python_examples(doc: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _workdir(tmp_path, monkeypatch)
    namespace: dict[str, object] = {"__name__": f"docs:{doc}"}
    blocks = [(i, "python", b) for d, i, b in _blocks("python") if d == doc]
    if doc in IN_ORDER:
        blocks += [(i, "console", b) for d, i, b in _blocks("console") if d == doc]
        assert any(kind == "console" and _commands(b) for _, kind, b in blocks), doc
    for _, kind, block in sorted(blocks):
        if kind == "console":
            _run_console(doc, block)
        else:
            exec(compile(block, doc, "exec"), namespace)


LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("doc", DOCS, ids=[str(d.relative_to(REPO)) for d in DOCS])
def test_relative_links_resolve(doc: Path) -> None:
    broken = [
        link
        for link in LINK.findall(doc.read_text(encoding="utf-8"))
        if not link.startswith(("http://", "https://", "mailto:"))
        and not (doc.parent / link).exists()
    ]
    assert not broken, broken
