"""What a file is, judged from its bytes (libmagic through python-magic), never from its name."""

from __future__ import annotations

from pathlib import Path

import magic

# Programs are never stored: a Windows .exe named "paper.pdf" is refused whatever it is called.
EXECUTABLE_TYPES = {
    "application/x-dosexec": "a Windows executable",
    "application/x-msdownload": "a Windows executable",
    "application/vnd.microsoft.portable-executable": "a Windows executable",
    "application/x-executable": "an executable program",
    "application/x-pie-executable": "an executable program",
    "application/x-sharedlib": "a shared library",
    "application/x-mach-binary": "a macOS executable",
    "application/x-elf": "an executable program",
    "application/x-msi": "a Windows installer",
}


def detect_mime_type(path: Path) -> str:
    """The MIME type libmagic reads from the content, e.g. "application/pdf"."""
    return magic.from_file(str(path), mime=True)


def executable_kind(mime_type: str) -> str:
    """ "a Windows executable" when `mime_type` is a program's, else ""."""
    return EXECUTABLE_TYPES.get(mime_type, "")
