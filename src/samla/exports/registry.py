"""The one serializer registry: every export format, registered once with its media type and extension.

Built-ins register in `ExportsConfig.ready()` through the same `register` a plugin app would call from its
own `ready()`. Once every app is ready the registry is frozen, and `register` raises. Everything that
lists formats iterates this registry: the Export menus, `/record/<id>/export/<name>`, list exports, REST
and record-URL content negotiation (`exports.http.negotiate`), `docs/formats.md` and, later, OAI-PMH.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

from .errors import RegistryFrozen, UnknownFormat
from .framing import Document


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
    record or a streamed list. Importers read formats with their own modules (`imports/readers.py`).
    """

    name: str  # URL slug: /record/<id>/export/<name>
    label: Any  # translatable label shown in the Export menu
    media_type: str
    extension: str  # without the dot; may have two parts ("mods.xml")
    write: Callable[[Any], Any]
    document: Document
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

    def media_types(self) -> list[str]:
        """Every media type a format answers to, in registration order."""
        return [m for f in self._formats.values() for m in f.media_types]

    def by_media_type(self, media_type: str) -> Format | None:
        """The format whose media type (or alias) is `media_type`, a bare type/subtype; None if none is."""
        return next((f for f in self._formats.values() if media_type.lower() in f.media_types), None)


_registry = Registry(is_open=lambda: not apps.ready)


def register(fmt: Format) -> Format:
    """Register an export format; call it from an AppConfig.ready(). After all apps are ready it raises."""
    return _registry.register(fmt)


def get_format(name: str) -> Format:
    return _registry.get(name)


def formats() -> list[Format]:
    """Every registered format, in registration order."""
    return list(_registry)


def media_types() -> list[str]:
    """Every registered format's media types and aliases, in registration order."""
    return _registry.media_types()


def format_for_media_type(media_type: str) -> Format | None:
    """The format answering to the bare `media_type`; which one a request asks for is
    `exports.http.preferred_type`'s to say."""
    return _registry.by_media_type(media_type)
