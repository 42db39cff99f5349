"""Errors of the accounts app."""

from samla.core.errors import Conflict


class IdentityConflictError(Conflict):
    """A sign-in claimed a person, an ORCID or a local user id that another user holds."""

    code = "identity_conflict"
