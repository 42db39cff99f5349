"""Full-text extraction from PDFs with pypdf: the page count and the text of every page.

Broken, encrypted or hostile PDFs give a status and a reason, never an exception: the parser reads
untrusted bytes, so whatever it raises is caught and reported as the reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

logger = logging.getLogger(__name__)
PAGE_SEPARATOR = "\f"  # a form feed between pages, as pdftotext writes


@dataclass(frozen=True)
class Extraction:
    status: str  # "ok", "encrypted" or "failed" (see models.EXTRACTION_STATUSES)
    page_count: int | None = None
    text: str = ""
    detail: str = ""


def extract_pdf(path: Path) -> Extraction:
    """Read the PDF at `path`; an encrypted one opens only when its user password is empty."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not _opens_without_password(reader):
            return Extraction(
                "encrypted", detail="The PDF is encrypted with a password; its text cannot be read."
            )
        texts = [page.extract_text() or "" for page in reader.pages]
    except Exception as error:
        logger.info("extraction failed for %s: %r", path.name, error)
        return Extraction(
            "failed", detail=f"The PDF could not be read: {type(error).__name__}: {error}"[:300]
        )
    # PostgreSQL text cannot hold NUL, and a PDF's text has no use for it.
    text = PAGE_SEPARATOR.join(texts).replace("\x00", "")
    return Extraction("ok", page_count=len(texts), text=text)


def _opens_without_password(reader: PdfReader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:
        return False
