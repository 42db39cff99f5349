"""Bibliographies of lists: a person's, organisation's and journal's records and a search's results,
streamed chunk by chunk with a download filename."""

import pytest

from samla.citations import services
from samla.citations.services import bibliography, check_options
from samla.core.access import Actor
from samla.exports.services import select_records
from samla.records.models import Contribution, Record
from samla.records.permissions import visible_records

from .conftest import SEED_APA, SEED_ID

pytestmark = pytest.mark.django_db

LOCAL_STYLES = {
    # Prints only the DOI: a record without one has no printed form.
    "doi-only": """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>DOI only</title><id>doi-only</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="DOI"/></layout></citation>
  <bibliography><layout><text variable="DOI"/></layout></bibliography>
</style>""",
    "broken-macro": """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Broken macro</title><id>broken-macro</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text macro="missing"/></layout></citation>
  <bibliography><layout><text macro="missing"/></layout></bibliography>
</style>""",
}


@pytest.fixture
def local_styles(settings, tmp_path):
    for name, xml in LOCAL_STYLES.items():
        (tmp_path / f"{name}.csl").write_text(xml, "utf-8")
    settings.CITATION_STYLE_DIRS = [tmp_path]
    return tmp_path


def _visible(**filters) -> int:
    return Record.objects.filter(visible_records(Actor.anonymous()), **filters).count()


def _seed_person_id() -> int:
    return Contribution.objects.filter(record__local_id=SEED_ID, person__isnull=False).first().person_id


def _seed_journal_id() -> int:
    return Record.objects.get(local_id=SEED_ID).journal_id


def _body(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_journal_bibliography_streams_every_visible_record_as_a_text_download(client):
    journal_id = _seed_journal_id()

    response = client.get(
        f"/journal/{journal_id}/cite", {"style": "apa", "locale": "en-US", "format": "text"}
    )

    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="journal-{journal_id}-apa.txt"'
    lines = _body(response).splitlines()
    assert SEED_APA in lines
    assert len(lines) == _visible(journal_id=journal_id)


def test_person_bibliography_in_html_is_a_page_of_entries(client):
    person_id = _seed_person_id()

    response = client.get(f"/person/{person_id}/cite", {"style": "apa", "format": "html"})

    body = _body(response)
    assert response["Content-Disposition"].endswith(f'filename="person-{person_id}-apa.html"')
    assert body.startswith("<!DOCTYPE html>") and body.rstrip().endswith("</html>")
    assert body.count('<div class="csl-entry">') >= 1 and "Kjellström" in body


def test_organisation_bibliography_in_rtf_is_one_rtf_document(client):
    from samla.records.models import ContributionAffiliation

    organisation_id = (
        ContributionAffiliation.objects.filter(contribution__record__local_id=SEED_ID).first().organisation_id
    )

    response = client.get(f"/organisation/{organisation_id}/cite", {"style": "ieee", "format": "rtf"})

    body = _body(response)
    assert response["Content-Type"] == "application/rtf; charset=utf-8"
    assert body.startswith("{\\rtf1") and body.rstrip().endswith("}") and "\\par" in body


def test_search_bibliography_cites_every_result_not_only_the_first_page(client, make_record, monkeypatch):
    for n in range(5):
        make_record(title=f"Zyxwv bibliography probe {n}")
    monkeypatch.setattr(services, "SEARCH_PAGE_SIZE", 2)

    response = client.get("/search/cite", {"q": "zyxwv", "style": "apa", "format": "text", "size": "2"})

    lines = _body(response).splitlines()
    assert response["Content-Disposition"] == 'attachment; filename="search-apa.txt"'
    assert len(lines) == 5 and all("Zyxwv bibliography probe" in line for line in lines)


def test_numbered_style_is_numbered_through_the_whole_list_across_chunks(anonymous_actor, monkeypatch):
    monkeypatch.setattr(services, "ENTRIES_PER_CALL", 2)
    selection = select_records(anonymous_actor)
    options = check_options(style="ieee", locale="en-US", output="text")

    lines = "".join(bibliography(selection.records(), options, name="records").chunks).splitlines()

    assert len(lines) == _visible() > 2
    assert [line.split("]", 1)[0] for line in lines] == [f"[{n}" for n in range(1, len(lines) + 1)]


def test_bibliography_shares_entries_with_single_citations(anonymous_actor, engines):
    from samla.citations.services import cite_record

    options = check_options(style="apa", locale="en-US", output="text")
    records = list(select_records(anonymous_actor).records())
    first = "".join(bibliography(iter(records), options, name="records").chunks)
    renders = engines.stats.renders

    again = "".join(bibliography(iter(records), options, name="records").chunks)
    single = cite_record(anonymous_actor, local_id=SEED_ID, style="apa", locale="en-US", output="text")

    assert again == first and single.text == SEED_APA
    assert engines.stats.renders == renders  # every entry came from the entry cache


def test_warm_list_bibliography_reads_record_heads_only(
    anonymous_actor, engines, django_assert_max_num_queries
):
    from samla.citations.services import cite_list

    journal_id = _seed_journal_id()
    first = "".join(
        cite_list(anonymous_actor, style="apa", locale="en-US", output="text", journal_id=journal_id).chunks
    )
    renders = engines.stats.renders

    with django_assert_max_num_queries(
        3
    ):  # the journal, the record heads (and a transaction on some backends)
        again = "".join(
            cite_list(
                anonymous_actor, style="apa", locale="en-US", output="text", journal_id=journal_id
            ).chunks
        )

    assert again == first and SEED_APA in first and engines.stats.renders == renders


def test_bibliography_renders_lazily_chunk_by_chunk(anonymous_actor, monkeypatch):
    monkeypatch.setattr(services, "ENTRIES_PER_CALL", 2)
    taken = []

    def records():
        for record in select_records(anonymous_actor).records():
            taken.append(record.local_id)
            yield record

    options = check_options(style="apa", locale="en-US", output="text")
    chunks = bibliography(records(), options, name="x").chunks
    assert len(taken) == 2  # the first chunk, checked before the download starts
    [next(chunks) for _ in range(3)]
    assert len(taken) == 4  # one more chunk of records when the reader gets that far, not the list
    assert len(taken) < _visible()


def test_record_the_style_cannot_form_keeps_the_download_going(anonymous_actor, local_styles, bare_record):
    options = check_options(style="doi-only", locale="en-US", output="text")
    seed = Record.objects.get(local_id=SEED_ID)

    lines = "".join(bibliography(iter([seed, bare_record]), options, name="x").chunks).splitlines()

    assert lines[0] == "10.1186/s12913-024-10549-4" and "CSL STYLE ERROR" in lines[1]


def test_style_that_prints_nothing_for_the_first_records_is_400(anonymous_actor, local_styles, bare_record):
    from samla.citations.errors import StyleNotUsable

    options = check_options(style="doi-only", locale="en-US", output="text")

    with pytest.raises(StyleNotUsable):
        bibliography(iter([bare_record]), options, name="x")


@pytest.mark.parametrize(
    ("query", "named"),
    [({"style": "apx"}, "apa"), ({"locale": "sv-SX"}, "sv-SE"), ({"format": "txt"}, "text")],
)
def test_bibliography_unknown_option_is_400_naming_closest_before_streaming(client, query, named):
    response = client.get(f"/journal/{_seed_journal_id()}/cite", query)

    assert response.status_code == 400 and named in response.content.decode()


def test_bibliography_of_unknown_person_is_404(client):
    assert client.get("/person/999999/cite").status_code == 404


def test_bibliography_with_unusable_style_is_400_before_streaming(client, local_styles):
    response = client.get(f"/journal/{_seed_journal_id()}/cite", {"style": "broken-macro"})

    assert response.status_code == 400 and "broken-macro" in response.content.decode()


@pytest.mark.parametrize(
    ("body", "reason"),
    [("throw new Error('chunk exploded');", "chunk exploded"), ("while (true) {}", "did not finish in time")],
)
def test_bibliography_engine_that_throws_or_hangs_is_replaced(
    anonymous_actor, engines, settings, body, reason
):
    from samla.citations.errors import EngineFailed

    settings.CITATION_RENDER_TIMEOUT = 0.5
    ctx = engines._context()
    ctx.eval(f"SAMLA.__renderEach = SAMLA.renderEach; SAMLA.renderEach = function () {{ {body} }};")
    options = check_options(style="ieee", locale="en-US", output="text")
    try:
        with pytest.raises(EngineFailed) as raised:
            "".join(bibliography(select_records(anonymous_actor).records(), options, name="x").chunks)
    finally:
        if engines._ctx is not None:
            engines._ctx.eval("if (SAMLA.__renderEach) { SAMLA.renderEach = SAMLA.__renderEach; }")

    assert raised.value.status == 503 and reason in raised.value.message
    assert ("ieee", "en-US") not in engines.engine_keys()
    assert "[1]" in "".join(bibliography(select_records(anonymous_actor).records(), options, name="x").chunks)
