"""Item texts kept between list exports and OAI-PMH harvests: served only while their record, the people,
organisations and journals it shows, the settings and the code are unchanged; never a failed answer."""

import logging
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samla.core.access import Actor
from samla.exports.framing import frame_texts, render_records
from samla.exports.models import RenderedItem
from samla.exports.registry import formats, get_format
from samla.exports.rendered import authority_counter, item_texts
from samla.exports.services import export_texts, renderer, select_records
from samla.organisations.models import Organisation
from samla.organisations.services import update_organisation
from samla.people.models import Person
from samla.people.services import update_person
from samla.records.services import get_record_for, record_to_input, update_record

pytestmark = pytest.mark.django_db
SEED = "diva2:1897829"


def export(name: str) -> str:
    fmt = get_format(name)
    return "".join(frame_texts(fmt, export_texts(fmt, select_records(Actor.anonymous()).heads(chunk_size=7))))


@pytest.mark.parametrize("name", [f.name for f in formats()])
def test_kept_texts_give_the_file_a_fresh_export_writes(name):
    fmt = get_format(name)
    fresh = "".join(render_records(fmt, select_records(Actor.anonymous()).records()))

    assert export(name) == fresh  # texts written and kept
    assert export(name) == fresh  # texts read back


def test_a_second_export_loads_no_record_and_writes_nothing():
    export("bibtex")

    with CaptureQueriesContext(connection) as queries:
        export("bibtex")

    statements = " ".join(q["sql"] for q in queries.captured_queries)
    assert "records_contribution" not in statements  # nothing loaded
    assert "INSERT" not in statements.upper()


def test_a_changed_record_is_written_again(system):
    export("ris")
    data = record_to_input(get_record_for(system, SEED))
    update_record(system, local_id=SEED, data=data.model_copy(update={"title": "A title changed since"}))

    assert "TI  - A title changed since" in export("ris")


def test_renaming_an_organisation_renews_the_texts_of_records_it_appears_on(curator):
    academy = Organisation.objects.get(identifier="ju:jonkoping-academy")
    assert f"<namePart>{academy.name_sv}</namePart>" in export("swepub_mods")
    before = authority_counter()

    update_organisation(curator, organisation_id=academy.pk, name_sv="Den omdöpta akademin")

    assert authority_counter() > before
    text = export("swepub_mods")
    assert "<namePart>Den omdöpta akademin</namePart>" in text
    assert f"<namePart>{academy.name_sv}</namePart>" not in text


def test_a_new_orcid_of_a_person_renews_the_texts(curator):
    person = Person.objects.filter(orcid__isnull=True).exclude(contributions=None).first()
    export("csl-json")

    update_person(curator, person_id=person.pk, orcid="0000-0002-1825-0097")

    assert "0000-0002-1825-0097" in export("mods")


def test_a_new_base_url_renews_the_texts(settings):
    export("json-ld")
    settings.BASE_URL = "https://publications.example.org"

    assert f'"url": "https://publications.example.org/record/{SEED}"' in export("json-ld")


@contextmanager
def keeping_refused():
    """The database refuses to keep texts, for real: SQLite's connection made read-only; on PostgreSQL
    the table locked by a second connection, with a lock timeout on ours."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = ON")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA query_only = OFF")
        return
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"]
    ) as other:
        other.execute("LOCK TABLE exports_rendereditem IN SHARE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '200ms'")
        yield


def test_a_text_that_cannot_be_kept_is_still_answered(caplog):
    fmt = get_format("bibtex")
    heads = list(next(select_records(Actor.anonymous()).heads(chunk_size=3)))

    with caplog.at_level(logging.WARNING, logger="samla.exports.rendered"), keeping_refused():
        texts = item_texts("bibtex", heads, renderer(fmt))

    assert len(texts) == 3 and all(text.startswith("@") for text in texts)
    assert "Could not keep 3 rendered bibtex items" in caplog.text
    assert not RenderedItem.objects.exists()
    assert export("bibtex").count("\n@") == select_records(Actor.anonymous()).queryset.count() - 1
