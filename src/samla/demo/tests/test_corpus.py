"""The demo corpus as loaded (the tests' database): one record a publication, one authority record a
person, and no organisation said to be what its source does not say."""

from __future__ import annotations

from collections import Counter

import pytest
from lxml import html

from samla.organisations.models import Organisation
from samla.people.models import Person
from samla.records.models import Identifier

pytestmark = pytest.mark.django_db


def test_demo_corpus_holds_each_person_once():
    names = Counter(Person.objects.values_list("family_name", "given_name"))
    assert [name for name, count in names.items() if count > 1] == []


def test_demo_corpus_holds_each_publication_once():
    keys = Counter(
        Identifier.objects.filter(scheme__in=("doi", "pmid", "isi"), relation="").values_list(
            "scheme", "value"
        )
    )
    assert [key for key, count in keys.items() if count > 1] == []


def test_imported_organisation_at_the_top_of_a_path_is_not_called_a_university(client):
    organisation = Organisation.objects.get(name_en="Utförare miljöövervakning")
    assert organisation.kind == "organisation"
    page = html.fromstring(client.get(organisation.get_absolute_url()).content)
    assert page.xpath('string(//dt[.="Kind"]/following-sibling::dd[1])') == "Organisation"
