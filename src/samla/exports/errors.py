"""Errors of the exports app, in the one error hierarchy of `samla.core.errors`."""

from samla.core.errors import NotFound, SamlaError


class UnknownFormat(NotFound):
    """No export format has that name; the message names the known ones."""

    code = "unknown_format"


class NotAcceptable(SamlaError):
    """The Accept header asks only for media types that are not offered."""

    code = "not_acceptable"
    status = 406


class RegistryFrozen(RuntimeError):
    """A format was registered after every app was ready: a programming error, not a user's."""
