"""The one serializer registry: every export format, registered once with its media type and extension.

Built-ins register in `ExportsConfig.ready()` through the same `register` a plugin app would call from its
own `ready()`. Once every app is ready the registry is frozen, and `register` raises. Everything that
lists formats iterates this registry: the Export menus, `/record/<id>/export/<name>`, list exports, REST
content negotiation (`format_for_media_type`), `docs/formats.md` and, later, OAI-PMH.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

from .documents import Document
from .errors import NotAcceptable, RegistryFrozen, UnknownFormat


@dataclass(frozen=True)
class OaiFormat:
    """How OAI-PMH offers a format: its metadataPrefix, schema and namespace."""

    prefix: str
    schema: str
    namespace: str


@dataclass(frozen=True)
class Format:
    """An export format.

    `write(record)` turns one loaded record into the format's item (an lxml element for XML formats, a
    string for text formats, a dict for JSON, a row for CSV); `document` frames items as a file, one
    record or a streamed list. `read` parses the format back (None until an importer exists).
    """

    name: str  # URL slug: /record/<id>/export/<name>
    label: Any  # translatable label shown in the Export menu
    media_type: str
    extension: str  # without the dot; may have two parts ("mods.xml")
    write: Callable[[Any], Any]
    document: Document
    read: Callable[..., Any] | None = None
    oai: OaiFormat | None = None
    aliases: tuple[str, ...] = ()  # other media types that ask for this format (as doi.org uses them)
    charset: str = "utf-8"

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset={self.charset}"


@dataclass
class Registry:
    """Formats by name, in registration order. `is_open` says whether registering is still allowed."""

    is_open: Callable[[], bool] = lambda: True
    _formats: dict[str, Format] = field(default_factory=dict)

    def register(self, fmt: Format) -> Format:
        if not self.is_open():
            raise RegistryFrozen(f"Export format {fmt.name!r} registered after the apps were ready.")
        if fmt.name in self._formats:
            raise ValueError(f"Export format {fmt.name!r} is registered twice.")
        taken = {m: f.name for f in self._formats.values() for m in f.media_types}
        for media_type in fmt.media_types:
            if media_type in taken:
                raise ValueError(
                    f"Media type {media_type!r} of {fmt.name!r} is already {taken[media_type]!r}'s."
                )
        self._formats[fmt.name] = fmt
        return fmt

    def get(self, name: str) -> Format:
        """The format called `name`; UnknownFormat (404) names the known ones and the closest matches."""
        try:
            return self._formats[name]
        except KeyError:
            names = list(self._formats)
            close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise UnknownFormat(
                f"There is no export format {name!r}.{hint} Known formats: {', '.join(names)}.",
                known=names,
                closest=close,
            ) from None

    def __iter__(self) -> Iterator[Format]:
        return iter(list(self._formats.values()))

    def by_media_type(self, accept: str, *, default: str = "") -> Format | None:
        """The format an HTTP Accept header asks for.

        A format counts only when the header names its media type (or an alias) exactly; `default` is the
        caller's own representation ("application/json" for the REST API) and is also matched by
        wildcards. The highest q wins; on a tie the default wins, then the type named first. None means
        the default is preferred. NotAcceptable (406) when the header accepts neither.
        """
        ranges = _parse_accept(accept)
        best: tuple[float, int, int] | None = None
        chosen: Format | None = None
        if default:
            q, order = _quality(ranges, default, wildcards=True)
            if q > 0:
                best, chosen = (q, 1, -order), None
        for fmt in self._formats.values():
            for media_type in fmt.media_types:
                q, order = _quality(ranges, media_type, wildcards=False)
                if q > 0 and (best is None or (q, 0, -order) > best):
                    best, chosen = (q, 0, -order), fmt
        if best is None:
            offered = [default] if default else []
            offered += [m for f in self._formats.values() for m in f.media_types]
            raise NotAcceptable(
                f"None of the requested media types is available. Available: {', '.join(offered)}.",
                acceptable=offered,
            )
        return chosen


def _parse_accept(accept: str) -> list[tuple[str, str, float, int]]:
    """(type, subtype, q, position) for each media range; an empty header accepts anything."""
    ranges = []
    for position, part in enumerate((accept or "*/*").split(",")):
        media_range, *params = (p.strip() for p in part.split(";"))
        if "/" not in media_range:
            continue
        main, sub = (x.strip().lower() for x in media_range.split("/", 1))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((main, sub, q, position))
    return ranges


def _quality(
    ranges: list[tuple[str, str, float, int]], media_type: str, *, wildcards: bool
) -> tuple[float, int]:
    """The q of the most specific range matching `media_type` (RFC 9110 §12.5.1), and its position."""
    main, sub = media_type.lower().split("/", 1)
    found: tuple[int, float, int] | None = None
    for r_main, r_sub, q, position in ranges:
        if (r_main, r_sub) == (main, sub):
            specificity = 2
        elif wildcards and r_main == main and r_sub == "*":
            specificity = 1
        elif wildcards and (r_main, r_sub) == ("*", "*"):
            specificity = 0
        else:
            continue
        if found is None or specificity > found[0]:
            found = (specificity, q, position)
    return (found[1], found[2]) if found else (0.0, 0)


_registry = Registry(is_open=lambda: not apps.ready)


def register(fmt: Format) -> Format:
    """Register an export format; call it from an AppConfig.ready(). After all apps are ready it raises."""
    return _registry.register(fmt)


def get_format(name: str) -> Format:
    return _registry.get(name)


def formats() -> list[Format]:
    """Every registered format, in registration order."""
    return list(_registry)


def format_for_media_type(accept: str, *, default: str = "") -> Format | None:
    return _registry.by_media_type(accept, default=default)


format_for_media_type.__doc__ = Registry.by_media_type.__doc__
