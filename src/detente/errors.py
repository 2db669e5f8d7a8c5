"""The one exception family the front doors (CLI, reports) turn into clean messages.

Library code raises a :class:`DetenteError` subclass for any bad *input* (a malformed file, an
unknown actor id, an impossible option). The CLI prints ``str(error)`` and exits with
``error.exit_code``; it never shows a traceback for these. Bugs stay ordinary exceptions.
"""

from __future__ import annotations

__all__ = ["DetenteError", "InputError", "OptionValueError", "OutputClashError"]


class DetenteError(Exception):
    """Base class for errors caused by the user's input, with a clean message."""

    exit_code: int = 1


class InputError(DetenteError):
    """An input (file, option, id) is invalid; the message says where and what was expected."""


class OutputClashError(InputError):
    """An output option names one of the command's own inputs (the same file by path or by
    inode): a mistake on the command line, so the exit code is 2, like a usage error."""

    exit_code: int = 2


class OptionValueError(InputError):
    """An option's value that this input cannot take (an ``as_of`` date after the scenario's own
    date): a mistake on the command line like a value of the wrong type, so the exit code is 2
    and the CLI reports it as a usage error naming ``option`` (e.g. ``--as-of``). ``str()`` is
    the whole located message (the Python keyword and the option); ``detail`` is the part after
    them."""

    exit_code: int = 2

    def __init__(self, keyword: str, option: str, detail: str) -> None:
        super().__init__(f"{keyword} ({option}): {detail}")
        self.keyword = keyword
        self.option = option
        self.detail = detail

    def __reduce__(self) -> tuple[type[OptionValueError], tuple[str, str, str]]:
        return (type(self), (self.keyword, self.option, self.detail))
