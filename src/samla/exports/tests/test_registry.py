"""The serializer registry: built-ins registered once, frozen after the apps are ready, lookups and
media types."""

import re

import pytest

from samla.exports.errors import RegistryFrozen, UnknownFormat
from samla.exports.framing import TextDocument
from samla.exports.registry import Format, Registry, format_for_media_type, formats, get_format, register

BUILT_INS = [
    "bibtex",
    "ris",
    "endnote",
    "mods",
    "swepub_mods",
    "oai_dc",
    "datacite",
    "csl-json",
    "marcxml",
    "json-ld",
    "csv",
]


def _format(name: str, media_type: str) -> Format:
    return Format(
        name=name, label=name, media_type=media_type, extension=name, write=str, document=TextDocument()
    )


@pytest.fixture
def registry() -> Registry:
    """A registry of its own for each test: the global one is never changed by tests."""
    fresh = Registry()
    fresh.register(_format("alpha", "application/x-alpha"))
    fresh.register(_format("beta", "text/x-beta"))
    return fresh


def test_registry_holds_the_built_in_formats_in_menu_order():
    assert [f.name for f in formats()] == BUILT_INS


def test_registry_names_are_url_slugs_and_media_types_extensions_and_oai_prefixes_unique():
    names = [f.name for f in formats()]
    assert all(re.fullmatch(r"[a-z][a-z0-9_-]*", name) for name in names)
    media_types = [m for f in formats() for m in f.media_types]
    assert len(media_types) == len(set(media_types))
    assert len({f.extension for f in formats()}) == len(names)
    prefixes = [f.oai.prefix for f in formats() if f.oai]
    assert sorted(prefixes) == ["datacite", "marc21", "mods", "oai_dc", "swepub_mods"]


def test_register_after_apps_are_ready_raises_registry_frozen():
    with pytest.raises(RegistryFrozen):
        register(_format("late", "application/x-late"))
    assert "late" not in [f.name for f in formats()]


def test_registry_register_same_name_twice_raises(registry):
    with pytest.raises(ValueError, match="registered twice"):
        registry.register(_format("alpha", "application/x-other"))


def test_registry_register_taken_media_type_raises(registry):
    with pytest.raises(ValueError, match="already 'alpha'"):
        registry.register(_format("gamma", "application/x-alpha"))


def test_registry_closed_refuses_registration():
    closed = Registry(is_open=lambda: False)
    with pytest.raises(RegistryFrozen):
        closed.register(_format("alpha", "application/x-alpha"))


def test_get_format_unknown_name_raises_404_naming_known_and_closest():
    with pytest.raises(UnknownFormat) as raised:
        get_format("bibtx")
    error = raised.value
    assert error.status == 404
    assert error.data["closest"] == ["bibtex"]
    assert error.data["known"] == BUILT_INS
    assert "Did you mean bibtex?" in error.message
    assert "Known formats: bibtex, ris, endnote" in error.message


def test_registry_by_media_type_finds_the_format_of_a_bare_type_or_alias(registry):
    assert registry.by_media_type("text/x-beta").name == "beta"
    assert registry.by_media_type("APPLICATION/X-ALPHA").name == "alpha"
    assert registry.by_media_type("application/json") is None
    assert registry.media_types() == ["application/x-alpha", "text/x-beta"]


@pytest.mark.parametrize(
    ("accept", "name"),
    [
        ("application/x-bibtex", "bibtex"),
        ("application/x-research-info-systems", "ris"),
        ("application/vnd.citationstyles.csl+json", "csl-json"),
        ("application/vnd.datacite.datacite+xml", "datacite"),
        ("application/vnd.schemaorg.ld+json", "json-ld"),
        ("application/ld+json", "json-ld"),
        ("text/csv", "csv"),
    ],
)
def test_format_for_media_type_finds_built_ins_by_their_doi_org_media_types(accept, name):
    assert format_for_media_type(accept).name == name
