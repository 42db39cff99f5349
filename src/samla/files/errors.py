"""Errors of the files app, on top of `samla.core.errors`: each carries its HTTP status."""

from samla.core.errors import SamlaError, TooLarge


class PayloadTooLarge(TooLarge):
    """A file over `settings.MAX_UPLOAD_BYTES`; the message names the limit (its own code, which API
    clients already read)."""

    code = "payload_too_large"


class InsufficientStorage(SamlaError):
    """The file store ran out of space while writing; nothing of the file was kept."""

    code = "insufficient_storage"
    status = 507


class FileDamaged(SamlaError):
    """The stored bytes are missing or failed their last fixity check, so they are not served as intact."""

    code = "file_damaged"
    status = 503
