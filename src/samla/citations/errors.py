"""Citation errors: what a reader can act on (400) and an engine that failed the request (503)."""

from django.utils.translation import gettext

from samla.core.errors import InvalidInput, SamlaError


def did_you_mean(names: list[str]) -> str:
    """The hint after an unknown name, in the reader's language; empty when nothing is close."""
    return " " + gettext("Did you mean %(names)s?") % {"names": ", ".join(names)} if names else ""


class UnknownCitationOption(InvalidInput):
    """An unknown style, locale or output format; `closest` holds the nearest known names."""

    code = "unknown_citation_option"


class StyleNotUsable(InvalidInput):
    """A style that exists but that citeproc-js cannot parse or build."""

    code = "style_not_usable"


class EngineFailed(SamlaError):
    """The citation engine threw, hung past its time limit or ran out of memory; it has been replaced."""

    code = "citation_engine_failed"
    status = 503
