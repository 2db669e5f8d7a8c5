"""Every file detente writes goes through here (front-door layer; engines never import it).

One place to decide how outputs are written: text is written atomically (a temporary file in the
same directory, then ``os.replace``), so an interrupted command never leaves half a file, and a
write that would replace one of the command's own inputs is refused (``protect``).

A single output file named by the user (``--manifest``, ``--parquet``, ``--chart``,
``schema --out`` …) follows one rule, :func:`check_output_file`: never one of the command's
inputs (by path or inode: exit 2), never a folder or a device, and never an existing file
unless the user passed ``--overwrite``. detente does not try to recognise files it wrote itself:
a CSV has no place for a marker, and a marker can be copied into any file; asking for
``--overwrite`` costs a rerun one flag and can never destroy a file by mistake.
:func:`signals_held` (from :mod:`detente.core.interrupts`) lets a group of files be finished
without a signal splitting it.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from detente.core.interrupts import signals_held
from detente.errors import InputError, OutputClashError
from detente.manifest import to_json

__all__ = [
    "MARKER",
    "atomic_path",
    "changed_since_recorded",
    "check_output_file",
    "ensure_dir",
    "prepare_output_dir",
    "protect",
    "protect_folder",
    "refuse_changed",
    "require_own_files",
    "signals_held",
    "spreadsheet_safe",
    "temporary_names",
    "write_bytes",
    "write_json",
    "write_parquet",
    "write_text",
]


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are one file: the same path once resolved (symbolic links,
    ``..``), or the same inode under two names (a hard link)."""
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist
        return False


def protect(out: Path | str, inputs: Iterable[Path | str], option: str | None = None) -> None:
    """Refuse (:class:`OutputClashError`, exit 2) to write ``out`` when it is one of ``inputs``
    (the same path once resolved, or the same inode under another name)."""
    target = Path(out)
    where = f" ({option})" if option else ""
    for p in inputs:
        if _same_file(Path(p), target):
            raise OutputClashError(
                f"{out}{where}: refusing to overwrite an input of this command ({p})"
            )


def protect_folder(
    path: Path | str, inputs: Iterable[Path | str], option: str | None = None
) -> None:
    """Refuse (:class:`OutputClashError`, exit 2) an output folder ``path`` that is one of
    ``inputs`` or holds one of them."""
    p = Path(path)
    where = f" ({option})" if option else ""
    for src in inputs:
        if _same_file(Path(src), p) or p.resolve() in Path(src).resolve().parents:
            raise OutputClashError(
                f"{p}{where}: refusing to write output over or around an input ({src})"
            )


def check_output_file(
    path: Path | str,
    inputs: Iterable[Path | str] = (),
    *,
    overwrite: bool = False,
    option: str = "--out",
) -> Path:
    """Check that ``path`` may receive a single output file named by ``option``; return it.

    The rule every command follows: never one of ``inputs`` (:func:`protect`, exit 2); never a
    folder or anything but a regular file (a device, a pipe); an existing file (or symbolic
    link) only with ``overwrite`` (the user's ``--overwrite``), and then it is replaced whole,
    by a rename (a symbolic link is replaced, not the file it points to); and the folder must
    exist. Commands call this before they start working, so a long run is never wasted on a
    refusal, and :func:`write_bytes` checks again when it writes.
    """
    p = Path(path)
    protect(p, inputs, option)
    if p.is_symlink() or p.exists():
        if p.is_dir():
            raise InputError(f"{p} ({option}): is a folder; give a file name")
        if p.exists() and not stat.S_ISREG(p.stat().st_mode):
            raise InputError(f"{p} ({option}): is not a regular file; give a file name")
        if not overwrite:
            raise InputError(
                f"{p} ({option}): the file already exists; detente replaces an existing file "
                "only with --overwrite (or choose a new name)"
            )
    if not p.parent.is_dir():
        raise InputError(f"{p} ({option}): folder {p.parent} does not exist")
    return p


def ensure_dir(path: Path | str) -> Path:
    """Create the output directory ``path`` (and parents) if needed; return it."""
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"{p}: cannot create the output directory ({err.strerror})") from None
    return p


def prepare_output_dir(
    path: Path | str,
    owned: str,
    *,
    overwrite: bool = False,
    inputs: Iterable[Path | str] = (),
    command: str | None = None,
) -> Path:
    """Make ``path`` ready to receive a command's output folder; return it.

    A missing or empty folder is created or used as it is. A folder that already holds files is
    refused (InputError) unless ``overwrite`` is set; even then, every file in it must be one
    this kind of output writes (its name matches the regular expression ``owned``) or a
    temporary file of :func:`write_bytes`, and those are removed first, so the folder never
    mixes an earlier run's files with the new one's. Files detente did not write, subfolders
    and ``inputs`` of the command are never removed: their presence is an error. With
    ``command``, a folder that holds files is cleared only when ``command`` wrote it: its
    ``manifest.json`` is a manifest of that command, or, with no manifest, its
    ``incomplete.json`` marker names that command (a killed run); a file named like the
    command's own beside neither is the user's, and the folder is refused. When that manifest
    records the files' SHA-256 (``files[]``: path, bytes, sha256), every file to be removed
    (the manifest and the marker aside) must still have the recorded bytes: a file edited
    since, or one the manifest does not list, is refused, naming it, and nothing is removed. A
    manifest without ``files`` (written by an older detente) is not checked.
    """
    p = Path(path)
    protect_folder(p, inputs)
    if p.exists() and not p.is_dir():
        raise InputError(f"{p}: exists and is not a directory")
    if not p.exists():
        return ensure_dir(p)
    present = sorted(p.iterdir())
    if not present:
        return p
    if not overwrite:
        raise InputError(
            f"{p}: output folder is not empty ({len(present)} entries); choose a new folder, "
            "or pass --overwrite (overwrite=True in Python) to replace an earlier output of this "
            "command"
        )
    pattern = re.compile(owned)
    temp = re.compile(temporary_names(owned))
    foreign = [
        e.name
        for e in present
        if e.is_symlink()
        or not e.is_file()
        or not (pattern.fullmatch(e.name) or temp.fullmatch(e.name))
    ]
    if foreign:
        shown = ", ".join(foreign[:5]) + (", …" if len(foreign) > 5 else "")
        raise InputError(
            f"{p}: refusing to overwrite: the folder holds entries this command did not write "
            f"({shown}); choose a new folder"
        )
    if command is not None:
        _require_written_by(p, command, [e.name for e in present])
        _require_unchanged(p, [e.name for e in present if not temp.fullmatch(e.name)])
    # the records that prove the command wrote the folder (the marker, then the manifest) go
    # last, so a clear stopped half-way leaves a folder the command can still clear
    last = {MARKER: 1, "manifest.json": 2}
    for e in sorted(present, key=lambda e: (last.get(e.name, 0), e.name)):
        try:
            e.unlink()
        except OSError as err:
            raise InputError(f"{e}: cannot remove ({err.strerror})") from None
    return p


def temporary_names(owned: str) -> str:
    """A regular expression for the temporary files :func:`write_bytes` makes while it writes
    one of the names matched by ``owned`` (``.<name>.<random>.tmp``)."""
    return rf"\.(?:{owned})\.[A-Za-z0-9_]+\.tmp"


def require_own_files(
    directory: Path | str, names: Iterable[str], command: str, inputs: Iterable[Path | str] = ()
) -> None:
    """Refuse (InputError) to write ``names`` into ``directory`` when one of them exists and
    the folder's ``manifest.json`` is not a manifest of ``command`` (files detente did not
    write), or when one of them is an input of the command. An earlier output of the same
    command is replaced."""
    d = Path(directory)
    targets = [d / n for n in names]
    for t in targets:
        protect(t, inputs)
    present = [t.name for t in targets if t.exists()]
    if d.is_dir() and present:
        _require_manifest_of(d / "manifest.json", command, present)


MARKER = "incomplete.json"
"""The marker a command writing a folder leaves while it runs or after it was interrupted (its
``command`` field names the command); a killed run leaves it without a manifest."""


def _written_by(path: Path) -> object:
    """The ``command`` field of the JSON record ``path`` (a manifest or the marker); None when
    it is missing, unreadable or not such a record."""
    import json

    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return doc.get("command") if isinstance(doc, dict) else None


def _require_written_by(directory: Path, command: str, present: Sequence[str]) -> None:
    """Refuse (InputError) to clear ``directory`` unless ``command`` wrote it: its
    ``manifest.json`` is a manifest of ``command`` (a finished or interrupted run) or, without
    a manifest, its ``incomplete.json`` marker names ``command`` (a run that was killed).
    Files named like the command's own, beside no such record, are the user's."""
    manifest = directory / "manifest.json"
    if not manifest.exists() and _written_by(directory / MARKER) == command:
        return
    _require_manifest_of(manifest, command, present)


def changed_since_recorded(
    directory: Path, names: Iterable[str], recorded: Mapping[str, object]
) -> list[str]:
    """Those of ``names`` (relative to ``directory``) whose bytes are not the SHA-256 that
    ``recorded`` (name → hash, as a manifest records it) gives: edited since, unreadable, or
    not recorded with a hash."""
    from detente.manifest import file_hash

    changed = []
    for name in names:
        try:
            actual: str | None = file_hash(directory / name)[1]
        except OSError:
            actual = None
        want = recorded.get(name)
        if not isinstance(want, str) or actual != want:
            changed.append(name)
    return changed


def refuse_changed(
    directory: Path, changed: Sequence[str], manifest: Path, whose: str, as_written: str
) -> None:
    """Refuse (InputError, naming the first file) to replace or remove the ``changed`` files of
    an earlier output (``whose``: e.g. "the earlier report's"; ``as_written``: how the sentence
    ends, given the pronoun, e.g. ``"it was written"``); nothing is removed."""
    if not changed:
        return
    shown = ", ".join(changed[:5]) + (", …" if len(changed) > 5 else "")
    verb, pronoun = ("is", "it") if len(changed) == 1 else ("are", "them")
    raise InputError(
        f"{directory / changed[0]}: refusing to overwrite: {whose} {shown} {verb} not as "
        f"{as_written.format(pronoun=pronoun)} (the bytes differ from the SHA-256 that "
        f"{manifest} records, or it records none); move {pronoun} away or choose a new folder "
        "(nothing was removed)"
    )


def _require_unchanged(directory: Path, present: Sequence[str]) -> None:
    """Refuse (InputError) to clear ``directory`` when its ``manifest.json`` records the
    files' SHA-256 (``files[]``) and one of ``present`` (the manifest and the marker aside) is
    not recorded or its bytes differ from the record. A manifest without ``files`` (an older
    detente's) or no manifest (a killed run's files were never recorded) is not checked."""
    import json

    manifest = directory / "manifest.json"
    try:
        doc = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return
    records = doc.get("files") if isinstance(doc, dict) else None
    if not isinstance(records, list):
        return
    recorded = {
        r["path"]: r.get("sha256")
        for r in records
        if isinstance(r, dict) and isinstance(r.get("path"), str)
    }
    names = [n for n in present if n not in ("manifest.json", MARKER)]
    changed = changed_since_recorded(directory, names, recorded)
    refuse_changed(directory, changed, manifest, "the earlier output's", "it was written")


def _require_manifest_of(path: Path, command: str, present: Sequence[str] = ()) -> None:
    """Refuse (InputError) unless ``path`` is a manifest written by ``command``; the message
    names the files that would be replaced (``present``) and says whether the manifest is
    missing or another's."""
    if _written_by(path) != command:
        shown = ", ".join(present[:5]) + (", …" if len(present) > 5 else "")
        what = f" {shown}" if shown else ""
        if not path.exists():
            why = f"no {path.name} says `detente {command}` wrote them"
        else:
            why = f"{path} is not a manifest written by `detente {command}`"
        raise InputError(f"{path.parent}: refusing to overwrite{what}: {why}; choose a new folder")


def _publish(tmp: Path, p: Path, overwrite: bool) -> None:
    """Give the finished temporary file ``tmp`` its final name ``p``: ``os.replace``, or, when
    ``overwrite`` is false, a hard link that fails if ``p`` exists (no file that appeared while
    the command ran is ever replaced), then the temporary name is removed."""
    if overwrite:
        os.replace(tmp, p)
        return
    try:
        os.link(tmp, p)
    except FileExistsError:
        raise InputError(
            f"{p}: a file of this name appeared while the command ran; not replaced "
            "(pass --overwrite to replace it)"
        ) from None
    except OSError:  # a file system without hard links: check, then rename
        if p.exists() or p.is_symlink():
            raise InputError(f"{p}: a file of this name appeared while the command ran") from None
        os.replace(tmp, p)
        return
    tmp.unlink()


def write_bytes(path: Path | str, data: bytes, *, overwrite: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically; return the path. With ``overwrite=False`` an
    existing ``path`` is never replaced (InputError), even one created while writing. The file
    gets the mode any new file gets (0644 under the usual umask)."""
    p = Path(path)
    with atomic_path(p, overwrite=overwrite) as tmp, open(tmp, "xb") as fh:
        fh.write(data)
    return p


def write_text(path: Path | str, text: str, *, overwrite: bool = True) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically; return the path."""
    return write_bytes(path, text.encode("utf-8"), overwrite=overwrite)


def write_json(path: Path | str, document: Any, *, overwrite: bool = True) -> Path:
    """Write ``document`` as detente's stable JSON (:func:`detente.manifest.to_json`)."""
    return write_text(path, to_json(document) + "\n", overwrite=overwrite)


@contextmanager
def atomic_path(path: Path | str, *, overwrite: bool = True) -> Iterator[Path]:
    """A temporary name in ``path``'s folder for a writer that needs a path (DuckDB's
    ``COPY … TO``); when the block ends normally the file is renamed to ``path``, otherwise it
    is removed, so ``path`` is never seen half-written."""
    p = Path(path)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent or ".")
    except OSError as err:
        raise InputError(f"{p}: cannot write ({err.strerror})") from None
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()
    try:
        yield tmp
        _publish(tmp, p, overwrite)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise InputError(f"{p}: cannot write ({err.strerror})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_parquet(path: Path | str, table: Any) -> Path:
    """Write an Arrow ``table`` to ``path`` as Parquet, atomically; return the path."""
    import io

    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(table, buf)
    return write_bytes(path, buf.getvalue())


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run as a formula: text starting with ``=``,
    ``+``, ``-`` or ``@`` that is not a number gets a leading ``'`` (OWASP's CSV-injection
    advice); anything else is returned as it is."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value
