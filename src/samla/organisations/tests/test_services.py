"""Organisation services: the paths an import names."""

import pytest

from samla.core.access import Actor
from samla.organisations.services import ensure_organisation_path

pytestmark = pytest.mark.django_db


def test_new_organisation_path_top_is_an_organisation_its_units_faculty_and_department():
    """The top of a path is not always a university ("Utförare miljöövervakning" heads one of
    Naturvårdsverket's); it is an organisation until a curator says what kind."""
    leaf = ensure_organisation_path(
        Actor.system("tests"), names=["Länsstyrelsen X", "Enheten Y", "Gruppen Z"], identifier="lst:z"
    )

    assert [leaf.parent.parent.kind, leaf.parent.kind, leaf.kind] == ["organisation", "faculty", "department"]
