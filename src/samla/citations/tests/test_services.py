"""cite_record: the seed record exactly, every DiVA style × locale × format, bad input and the cache."""

import itertools
import re

import pytest

from samla.citations import services
from samla.citations.errors import UnknownCitationOption
from samla.citations.locales import DIVA_LOCALES
from samla.citations.services import cite_record
from samla.citations.styles import DIVA_STYLES
from samla.core.errors import InvalidInput, NotFound

from .conftest import SEED_APA, SEED_ID

pytestmark = pytest.mark.django_db

MATRIX = list(itertools.product(DIVA_STYLES, DIVA_LOCALES, services.OUTPUTS))


def test_cite_record_seed_apa_en_us_text_equals_exact_entry(anonymous_actor):
    citation = cite_record(anonymous_actor, local_id=SEED_ID, style="apa", locale="en-US", output="text")

    assert citation.text == SEED_APA
    assert citation.media_type == "text/plain"


@pytest.mark.parametrize(("style", "locale", "output"), MATRIX)
def test_cite_record_every_diva_style_locale_and_format_renders(anonymous_actor, style, locale, output):
    text = cite_record(anonymous_actor, local_id=SEED_ID, style=style, locale=locale, output=output).text

    assert "Kjellstr" in text and "10.1186/s12913-024-10549-4" in text
    italic = style != "vancouver"  # NLM/Vancouver sets the journal in roman
    if output == "html":
        assert text.startswith('<div class="csl-entry">') and text.endswith("</div>")
        assert "Kjellström" in text
        assert ("<i>BMC Health Services Research</i>" in text) == italic
    elif output == "rtf":
        assert r"Kjellstr\uc0\u246{}m" in text and "ö" not in text
        assert (r"{\i{}BMC Health Services Research}" in text) == italic
    elif output == "asciidoc":
        assert "Kjellström" in text
        assert ("__BMC Health Services Research__" in text) == italic
    else:
        assert "Kjellström" in text and "<" not in text and "__" not in text


def test_cite_record_html_escapes_ampersand_and_record_markup(anonymous_actor, make_record):
    record = make_record(title="Risks & <script>alert(1)</script> benefits of <img src=x onerror=alert(2)>")

    html = cite_record(
        anonymous_actor, local_id=record.local_id, style="apa", locale="en-US", output="html"
    ).text
    seed = cite_record(anonymous_actor, local_id=SEED_ID, style="apa", locale="en-US", output="html").text

    assert "&#38; &#60;script&#62;alert(1)&#60;/script&#62;" in html
    assert "<script" not in html and "<img" not in html
    assert "Sarre, S., &#38; Masterson, D." in seed


def test_cite_record_rtf_escapes_swedish_letters_as_unicode(anonymous_actor, make_record):
    record = make_record(contributors=[{"family_name": "Åkesson Älvström", "given_name": "Örjan"}])

    rtf = cite_record(
        anonymous_actor, local_id=record.local_id, style="apa", locale="sv-SE", output="rtf"
    ).text

    assert r"\uc0\u197{}kesson \uc0\u196{}lvstr\uc0\u246{}m, \uc0\u214{}." in rtf
    assert not re.search(r"[^\x00-\x7f]", rtf)


def test_cite_record_asciidoc_marks_italics_with_double_underscores(anonymous_actor):
    text = cite_record(anonymous_actor, local_id=SEED_ID, style="apa", locale="en-US", output="asciidoc").text

    assert "__BMC Health Services Research__, __24__(1), Article 219." in text


@pytest.mark.parametrize(
    ("style", "locale", "expected"),
    [
        ("apa", "de-DE", "Artikel 219"),
        ("apa", "en-GB", "Article 219"),
        ("ieee", "de-DE", "S. Kjellström, S. Sarre, und D. Masterson, „The complexity"),
        ("ieee", "sv-SE", "S. Kjellström, S. Sarre, och D. Masterson, ”The complexity"),
        ("ieee", "fi-FI", "S. Kjellström, S. Sarre, ja D. Masterson"),
        ("modern-language-association-8th-edition", "sv-SE", "Kjellström, Sofia, m.fl."),
        ("modern-language-association-8th-edition", "de-DE", "Kjellström, Sofia, u.\xa0a."),
    ],
)
def test_cite_record_locale_changes_the_terms(anonymous_actor, style, locale, expected):
    text = cite_record(anonymous_actor, local_id=SEED_ID, style=style, locale=locale, output="text").text

    assert expected in text


def test_cite_record_nn_nb_is_an_alias_of_nb_no(anonymous_actor):
    alias = cite_record(anonymous_actor, local_id=SEED_ID, style="ieee", locale="nn-NB", output="text")
    target = cite_record(anonymous_actor, local_id=SEED_ID, style="ieee", locale="nb-NO", output="text")

    assert alias.locale == "nb-NO"
    assert alias.text == target.text
    assert "og D. Masterson" in alias.text


def test_cite_record_diva_ids_resolve_through_renamed_and_dependent_styles(anonymous_actor):
    vancouver = cite_record(
        anonymous_actor, local_id=SEED_ID, style="vancouver", locale="en-US", output="text"
    )
    mla = cite_record(
        anonymous_actor,
        local_id=SEED_ID,
        style="modern-language-association-8th-edition",
        locale="en-US",
        output="text",
    )
    dependent = cite_record(
        anonymous_actor, local_id=SEED_ID, style="vancouver-nlm", locale="en-US", output="text"
    )

    assert (vancouver.style.id, vancouver.style.csl_id) == ("vancouver", "nlm-citation-sequence")
    assert vancouver.text.startswith("1. Kjellström S, Sarre S, Masterson D. The complexity")
    assert mla.style.csl_id == "modern-language-association"
    assert mla.text.startswith("Kjellström, Sofia, et al. “The Complexity of Leadership")
    assert dependent.style.engine_id == "nlm-citation-sequence"
    assert dependent.text == vancouver.text


@pytest.mark.parametrize(
    ("style", "locale", "output", "option", "closest"),
    [
        ("vancuover", "en-US", "text", "style", "vancouver"),
        ("apa-7", "en-US", "text", "style", "apa"),
        ("apa", "sv-SV", "text", "locale", "sv-SE"),
        ("apa", "en-US", "txt", "format", "text"),
        ("apa", "en-US", "htm", "format", "html"),
    ],
)
def test_cite_record_unknown_option_raises_invalid_input_naming_closest(
    anonymous_actor, style, locale, output, option, closest
):
    with pytest.raises(UnknownCitationOption) as raised:
        cite_record(anonymous_actor, local_id=SEED_ID, style=style, locale=locale, output=output)

    assert isinstance(raised.value, InvalidInput) and raised.value.status == 400
    assert raised.value.data["option"] == option
    assert closest in raised.value.data["closest"]
    assert f"Did you mean {closest}" in raised.value.message


def test_cite_record_style_path_outside_the_catalogue_is_unknown(anonymous_actor):
    with pytest.raises(UnknownCitationOption):
        cite_record(anonymous_actor, local_id=SEED_ID, style="apa/..", locale="en-US", output="text")


def test_cite_record_missing_record_raises_not_found(anonymous_actor):
    with pytest.raises(NotFound):
        cite_record(anonymous_actor, local_id="diva2:1", style="apa", locale="en-US", output="text")


@pytest.mark.parametrize("style", DIVA_STYLES)
def test_cite_record_with_almost_no_fields_still_cites(anonymous_actor, bare_record, style):
    text = cite_record(
        anonymous_actor, local_id=bare_record.local_id, style=style, locale="en-US", output="text"
    ).text

    assert "untitled notes" in text.lower()


def test_cite_record_second_call_is_a_cache_hit_with_the_same_string(anonymous_actor, engines):
    first = cite_record(anonymous_actor, local_id=SEED_ID, style="ieee", locale="en-GB", output="html")
    renders = engines.stats.renders

    second = cite_record(anonymous_actor, local_id=SEED_ID, style="ieee", locale="en-GB", output="html")

    assert second.text == first.text
    assert engines.stats.renders == renders


def test_cite_record_changed_record_is_rendered_again(anonymous_actor, system, make_record):
    from samla.records.services import record_to_input, update_record

    record = make_record(title="First title")
    before = cite_record(
        anonymous_actor, local_id=record.local_id, style="apa", locale="en-US", output="text"
    )
    data = record_to_input(record).model_copy(update={"title": "Second title"})
    update_record(system, local_id=record.local_id, data=data)

    after = cite_record(anonymous_actor, local_id=record.local_id, style="apa", locale="en-US", output="text")

    assert "First title" in before.text
    assert "Second title" in after.text


def test_find_styles_by_part_of_title_puts_exact_id_first():
    assert services.find_styles("nature")[0] == ("nature", "Nature")
    assert ("apa", "APA Style 7th edition") in services.find_styles("apa 7th")
    assert all("harvard" in (i + t).lower() for i, t in services.find_styles("cite them right harvard"))
    assert services.find_styles("   ") == []


def test_list_locales_holds_every_csl_locale_each_language_once():
    listed = services.list_locales()
    codes = [code for code, _name in listed]

    assert len(codes) == 63
    assert {"sv-SE", "nn-NO", "nb-NO", "de-DE", "fi-FI"} <= set(codes)
    assert "nn-NB" not in codes  # DiVA's alias of nb-NO: accepted, not offered a second time
    names = [name for _code, name in listed]
    assert len(names) == len(set(names))
