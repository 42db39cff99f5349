"""Citation errors: what a reader can act on (400) and an engine that failed the request (503)."""

from samla.core.errors import InvalidInput, SamlaError


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
