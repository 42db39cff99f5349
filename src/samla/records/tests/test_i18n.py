"""The Swedish and English UI: DiVA's labels on the record page, the language switch, the error pages, and a
Swedish catalogue (locale/sv/LC_MESSAGES) that is complete, compiled and in step with the marked strings."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import translation
from django.utils.html import escape
from lxml import html

from samla.vocabularies.record_terms import CONTENT_TYPES, CONTRIBUTOR_ROLES, PUBLICATION_STATUSES, RELATIONS

SEED = "/record/diva2:1897829"
PACKAGE_DIR = Path(__file__).resolve().parents[2]  # src/samla
CATALOGUE = PACKAGE_DIR / "locale" / "sv" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sd]")

SWEDISH = {
    "abstract": "Sammanfattning [en]",
    "keywords": "Nyckelord [en]",
    "national-category": "Nationell ämneskategori",
    "identifiers": "Identifikatorer",
    "funders": "Finansiär",
    "notes": "Anmärkning",
    "place-publisher-year": "Ort, förlag, år, upplaga, sidor",
    "link-to-record": "Länk till posten",
    "other-links": "Övriga länkar",
    "authority-records": "Personposter",
    "available-from": "Tillgänglig från:",
    "created": "Skapad:",
    "last-updated": "Senast uppdaterad:",
    "approval": "Bibliografiskt granskad",
    "content-type": "(Refereegranskat)",
    "publication-status": "Publicerad",
    "output-type": "Artikel, forskningsöversikt",
    "language": "(Engelska)",
    "in": "Ingår i:",
    "parts": "Vol. 24, nr 1, artikel-id 219",
}
ENGLISH = {
    "abstract": "Abstract [en]",
    "keywords": "Keywords [en]",
    "national-category": "National Category",
    "identifiers": "Identifiers",
    "funders": "Funder",
    "notes": "Note",
    "place-publisher-year": "Place, publisher, year, edition, pages",
    "link-to-record": "Link to record",
    "other-links": "Other links",
    "authority-records": "Authority records",
    "available-from": "Available from:",
    "created": "Created:",
    "last-updated": "Last updated:",
    "approval": "Bibliographically approved",
    "content-type": "(Refereed)",
    "publication-status": "Published",
    "output-type": "Article, review/survey",
    "language": "(English)",
    "in": "In:",
    "parts": "Vol. 24, no 1, article id 219",
}
SWEDISH_CATEGORIES = {"Företagsekonomi", "Hälso- och sjukvårdsorganisation, hälsopolitik och hälsoekonomi"}


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """LocaleMiddleware activates the request's language in the test thread and leaves it there; put the
    default back so no later test runs in Swedish by accident."""
    yield
    translation.deactivate()


# --- reading the page


def _text(node) -> str:
    """An element's text, or a text node's, with its whitespace collapsed."""
    return " ".join((node if isinstance(node, str) else " ".join(node.itertext())).split())


def _labels(response) -> dict:
    """The record page's labels, by the same keys as SWEDISH and ENGLISH."""
    assert response.status_code == 200
    tree = html.fromstring(response.content)

    def one(xpath: str) -> str:
        nodes = tree.xpath(xpath)
        assert nodes, f"nothing at {xpath}"
        return _text(nodes[0])

    labels = {
        "abstract": one('//section[starts-with(@id, "abstract-")]/h2'),
        "keywords": one('//section[starts-with(@id, "keywords-")]/h2'),
    }
    for section in (
        "national-category",
        "identifiers",
        "funders",
        "notes",
        "place-publisher-year",
        "link-to-record",
        "other-links",
        "authority-records",
    ):
        labels[section] = one(f'//section[@id="{section}"]/h2')
    for span in ("available-from", "created", "last-updated"):
        labels[span] = one(f'//span[@class="{span}"]/text()[1]')
    for span in ("approval", "content-type", "publication-status", "output-type", "language", "parts"):
        labels[span] = one(f'//span[contains(concat(" ", @class, " "), " {span} ")]')
    labels["in"] = one('//span[@class="in"]/text()[1]')
    labels["lang"] = tree.get("lang")
    labels["categories"] = {_text(a) for a in tree.xpath('//section[@id="national-category"]//a')}
    labels["search-in"] = one('//section[@id="search-in"]/h2')
    labels["search-in-by"] = [_text(h) for h in tree.xpath('//section[@id="search-in"]/h3')]
    labels["search-outside"] = one('//section[@id="search-outside"]/h2')
    labels["other-links-items"] = [_text(a) for a in tree.xpath('//section[@id="other-links"]//a')]
    return labels


def _assert_swedish(response) -> None:
    labels = _labels(response)
    assert labels["lang"] == "sv"
    assert {key: labels[key] for key in SWEDISH} == SWEDISH
    assert labels["categories"] == SWEDISH_CATEGORIES
    name = django_settings.REPOSITORY_NAME
    assert labels["search-in"] == f"Sök vidare i {name}"
    assert labels["search-in-by"] == ["Av författare/redaktör", "I samma tidskrift", "I samma ämneskategori"]
    assert labels["search-outside"] == f"Sök vidare utanför {name}"
    assert "Förlagets fulltext" in labels["other-links-items"]


def _assert_english(response) -> None:
    labels = _labels(response)
    assert labels["lang"] == "en"
    assert {key: labels[key] for key in ENGLISH} == ENGLISH
    assert "Business Administration" in labels["categories"]
    assert not labels["categories"] & SWEDISH_CATEGORIES
    name = django_settings.REPOSITORY_NAME
    assert labels["search-in"] == f"Search in {name}"
    assert labels["search-in-by"] == ["By author/editor", "In the same journal", "In the same category"]
    assert labels["search-outside"] == f"Search outside of {name}"
    assert "Publisher's full text" in labels["other-links-items"]


# --- the record page in each language


@pytest.mark.parametrize("accept_language", ["sv", "sv-SE,sv;q=0.9,en;q=0.8", "sv-FI"])
def test_record_page_in_swedish_when_the_browser_asks_for_it(client, db, accept_language):
    _assert_swedish(client.get(SEED, HTTP_ACCEPT_LANGUAGE=accept_language))


@pytest.mark.parametrize("accept_language", ["en", "en-GB,en;q=0.9,sv;q=0.5", "de", None])
def test_record_page_in_english_when_asked_for_or_by_default(client, db, accept_language):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}
    _assert_english(client.get(SEED, **headers))


def test_language_switch_sets_a_cookie_that_keeps_the_reader_in_swedish(client, db):
    response = client.post("/i18n/setlang/", {"language": "sv", "next": SEED}, follow=True)
    assert response.redirect_chain == [(SEED, 302)]
    assert client.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "sv"
    _assert_swedish(response)
    # The reader's choice wins over the browser's language, on the next page too.
    _assert_swedish(client.get(SEED, HTTP_ACCEPT_LANGUAGE="en"))

    response = client.post("/i18n/setlang/", {"language": "en", "next": SEED}, follow=True)
    _assert_english(response)
    _assert_english(client.get(SEED, HTTP_ACCEPT_LANGUAGE="sv"))


def _switch_to(client, response, language: str):
    """Use the page's own language switch (a link, or a form's button) to change to `language`."""
    tree = html.fromstring(response.content)
    switch = tree.xpath('//*[contains(concat(" ", @class, " "), " language-switch ")]')
    assert switch, "no language switch on the page"
    offered = switch[0].xpath(".//*[@lang]")
    assert [el.get("lang") for el in offered] == [language], "the switch offers the other language only"
    control = offered[0]
    if control.tag == "a":
        return client.get(control.get("href"), follow=True)
    form = control.xpath("ancestor::form")[0]
    data = {i.get("name"): i.get("value") for i in form.xpath(".//input[@name]")}
    data[control.get("name")] = control.get("value")
    return client.post(form.get("action"), data, follow=True)


def test_the_pages_own_language_switch_goes_back_to_the_page_in_the_other_language(client, db):
    response = _switch_to(client, client.get(SEED, HTTP_ACCEPT_LANGUAGE="en"), "sv")
    assert response.redirect_chain[-1][0] == SEED
    _assert_swedish(response)
    _assert_swedish(client.get(SEED, HTTP_ACCEPT_LANGUAGE="en"))
    response = _switch_to(client, response, "en")
    assert response.redirect_chain[-1][0] == SEED
    _assert_english(response)
    _assert_english(client.get(SEED, HTTP_ACCEPT_LANGUAGE="sv"))


def test_swedish_plural_forms_on_a_listing(client, db):
    tree = html.fromstring(client.get(SEED).content)
    journal_url = tree.xpath('//a[@class="journal"]/@href')[0]
    count = html.fromstring(client.get(journal_url, HTTP_ACCEPT_LANGUAGE="sv").content)
    line = _text(count.xpath('//p[@class="result-count"]')[0])
    number, noun = line.split()
    assert noun == ("publikation" if number == "1" else "publikationer")
    with translation.override("sv"):
        forms = [
            translation.ngettext("%(total)s publication", "%(total)s publications", n) % {"total": n}
            for n in (0, 1, 2, 21)
        ]
    assert forms == ["0 publikationer", "1 publikation", "2 publikationer", "21 publikationer"]


def test_vocabulary_labels_follow_the_active_language():
    with translation.override("sv"):
        assert [str(label) for _code, label in CONTENT_TYPES] == [
            "Refereegranskat",
            "Övrigt vetenskapligt",
            "Övrig (populärvetenskap, debatt, mm)",
        ]
        assert str(dict(PUBLICATION_STATUSES)["published"]) == "Publicerad"
        roles = {code: str(label) for code, label in CONTRIBUTOR_ROLES}
        assert roles["aut"] == "Författare"
        assert roles["edt"] == "Redaktör"
        assert roles["ths"] == "Handledare"
        assert roles["opn"] == "Opponent"
        assert str(RELATIONS["has-correction"][1]) == "Rättelse"
    with translation.override("en"):
        assert str(dict(CONTENT_TYPES)["refereed"]) == "Refereed"
        assert str(dict(CONTRIBUTOR_ROLES)["edt"]) == "Editor"
        assert str(RELATIONS["has-correction"][1]) == "Correction"


# --- error pages


@pytest.mark.parametrize("path", ["/record/diva2:0", "/no-such-page/"])
@pytest.mark.parametrize(
    ("accept_language", "lang", "title", "message"),
    [
        ("sv", "sv", "Hittades inte", "Sidan eller posten du efterfrågade finns inte."),
        ("en", "en", "Not found", "The page or record you asked for does not exist."),
        (None, "en", "Not found", "The page or record you asked for does not exist."),
    ],
)
def test_not_found_page_speaks_the_readers_language(client, db, path, accept_language, lang, title, message):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}
    response = client.get(path, **headers)
    assert response.status_code == 404
    tree = html.fromstring(response.content)
    assert tree.get("lang") == lang
    assert _text(tree.xpath("//h1")[0]) == title
    assert _text(tree.xpath('//p[@class="error-message"]')[0]) == message


# --- the catalogue


def read_po(path: Path) -> list[dict]:
    """The entries of a PO file as gettext writes it (entries apart by blank lines); the header is the entry
    whose msgid is "", obsolete ("#~") entries are left out.

    Each entry has msgctxt (or None), msgid, msgid_plural (or None), msgstr (a list: one string, or one per
    plural form) and flags (from "#," lines)."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry = {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}, "flags": set()}
        field = None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                if isinstance(field, int):
                    entry["msgstr"][field] += ast.literal_eval(line)
                else:
                    entry[field] += ast.literal_eval(line)
            else:
                keyword, _space, value = line.partition(" ")
                if match := re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword):
                    field = int(match.group(1) or 0)
                    entry["msgstr"][field] = ast.literal_eval(value)
                else:
                    assert keyword in ("msgctxt", "msgid", "msgid_plural"), f"{path}: cannot read {line!r}"
                    field = keyword
                    entry[field] = ast.literal_eval(value)
        if entry["msgid"] is not None:
            entry["msgstr"] = [entry["msgstr"][n] for n in sorted(entry["msgstr"])]
            entries.append(entry)
    return entries


def _messages(entries: list[dict]) -> list[dict]:
    return [e for e in entries if e["msgid"] != ""]


def test_swedish_catalogue_header_declares_swedish_and_its_plural_rule():
    header = next(e for e in read_po(CATALOGUE) if e["msgid"] == "")
    fields = dict(line.split(": ", 1) for line in header["msgstr"][0].splitlines() if ": " in line)
    assert fields["Language"] == "sv"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert "fuzzy" not in header["flags"]


def test_every_swedish_message_is_translated_and_none_is_fuzzy():
    messages = _messages(read_po(CATALOGUE))
    assert len(messages) > 90
    untranslated = [e["msgid"] for e in messages if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    assert not untranslated, f"no Swedish for {untranslated}"
    assert not fuzzy, f"fuzzy in the Swedish catalogue: {fuzzy}"
    wrong_forms = [e["msgid"] for e in messages if e["msgid_plural"] is not None and len(e["msgstr"]) != 2]
    assert not wrong_forms, f"Swedish has two plural forms: {wrong_forms}"


def test_swedish_messages_keep_their_placeholders():
    for e in _messages(read_po(CATALOGUE)):
        wanted = sorted(PLACEHOLDER.findall(e["msgid"]))
        for msgstr in e["msgstr"]:
            assert sorted(PLACEHOLDER.findall(msgstr)) == wanted, (e["msgid"], msgstr)


def test_compiled_catalogue_is_up_to_date_with_the_po_file():
    """django.mo is committed; it must hold exactly what django.po says (run `make messages` if not)."""
    with COMPILED.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)
    expected = {}
    for e in _messages(read_po(CATALOGUE)):
        key = e["msgid"] if e["msgctxt"] is None else f"{e['msgctxt']}\x04{e['msgid']}"
        if e["msgid_plural"] is None:
            expected[key] = e["msgstr"][0]
        else:
            expected.update({(key, n): form for n, form in enumerate(e["msgstr"])})
    catalog = {k: v for k, v in compiled._catalog.items() if k != ""}
    assert catalog == expected
    assert [compiled.plural(n) for n in (0, 1, 2, 5)] == [1, 0, 1, 1]
    assert compiled.info()["language"] == "sv"


def test_django_reads_the_compiled_swedish_catalogue():
    with translation.override("sv"):
        assert translation.gettext("Keywords") == "Nyckelord"
        assert translation.gettext("National Category") == "Nationell ämneskategori"
        assert translation.gettext("Not found") == "Hittades inte"
    with translation.override("en"):
        assert translation.gettext("Keywords") == "Keywords"


def test_catalogue_holds_every_string_marked_for_translation(tmp_path, monkeypatch, settings):
    """Extract the marked strings afresh from a copy of the package, as `make messages` does, and compare."""
    copy = tmp_path / "samla"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "locale", "tests"))
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["sv"], ignore_patterns=["tests/*"], verbosity=0)

    def keys(path: Path) -> set:
        return {(e["msgctxt"], e["msgid"], e["msgid_plural"]) for e in _messages(read_po(path))}

    marked = keys(copy / "locale" / "sv" / "LC_MESSAGES" / "django.po")
    catalogue = keys(CATALOGUE)
    assert not marked - catalogue, (
        f"marked but not in the Swedish catalogue (run `make messages`): {marked - catalogue}"
    )
    assert not catalogue - marked, (
        f"in the catalogue but no longer marked (run `make messages`): {catalogue - marked}"
    )


# English texts that Swedish says in one word; any other two messages with one Swedish text are a slip
# (the /stats/ heading once read "Bläddra bland publikationerna", copied from "Browse the publications").
SWEDISH_SYNONYMS = {"Typ": {"Type", "Kind"}, "Nyckelord": {"Keywords", "Keyword"}}


def test_no_two_messages_share_a_swedish_text_unless_swedish_has_one_word_for_both():
    by_swedish: dict[str, set[str]] = {}
    for e in _messages(read_po(CATALOGUE)):
        if e["msgid_plural"] is None:
            by_swedish.setdefault(e["msgstr"][0], set()).add(e["msgid"])
    shared = {sv: ids for sv, ids in by_swedish.items() if len(ids) > 1}
    assert shared == SWEDISH_SYNONYMS


# --- service errors on pages


@pytest.mark.parametrize(
    ("path", "english", "swedish"),
    [
        ("/record/nope:1", "No record nope:1.", "Posten nope:1 finns inte."),
        ("/person/999999", "No such person.", "Personen finns inte."),
        (
            "/record/diva2:1897829/cite?locale=xx-YY",
            "There is no citation locale 'xx-YY'.",
            "Det finns inget referensspråk 'xx-YY'.",
        ),
        (
            "/search/?q=(((((((((((((((((((((((((((((((((a)))))))))))))))))))))))))))))))))",
            "The search nests brackets too deeply.",
            "Sökningen har för många parenteser i varandra.",
        ),
    ],
)
def test_service_errors_on_pages_speak_the_readers_language(client, db, path, english, swedish):
    assert escape(english) in client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert escape(swedish) in client.get(path, HTTP_ACCEPT_LANGUAGE="sv").content.decode()


def test_cite_box_error_speaks_the_readers_language(client, db):
    page = client.get(SEED, {"style": "vancuover"}, HTTP_ACCEPT_LANGUAGE="sv").content.decode()

    assert "Det finns ingen referensstil &#x27;vancuover&#x27;. Menade du vancouver" in page
