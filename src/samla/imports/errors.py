"""Errors of the importer: a source file that cannot be read at all."""

from __future__ import annotations

from samla.core.errors import InvalidInput


class UnreadableFile(InvalidInput):
    """The file is not well-formed XML, declares a DTD, or is neither OAI-PMH nor MODS: nothing in it is
    imported. The message names the file and, when known, the line."""

    code = "unreadable_file"

    def __init__(self, reason: str, *, path: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}", path=path, line=line)
        self.path = path
        self.line = line
        self.reason = reason
