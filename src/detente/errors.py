"""The one exception family the front doors (CLI, reports) turn into clean messages.

Library code raises a :class:`DetenteError` subclass for any bad *input* (a malformed file, an
unknown actor id, an impossible option). The CLI prints ``str(error)`` and exits with
``error.exit_code``; it never shows a traceback for these. Bugs stay ordinary exceptions.
"""

from __future__ import annotations

__all__ = ["DetenteError", "InputError", "OutputClashError"]


class DetenteError(Exception):
    """Base class for errors caused by the user's input, with a clean message."""

    exit_code: int = 1


class InputError(DetenteError):
    """An input (file, option, id) is invalid; the message says where and what was expected."""


class OutputClashError(InputError):
    """An output option names one of the command's own inputs (the same file by path or by
    inode): a mistake on the command line, so the exit code is 2, like a usage error."""

    exit_code: int = 2
